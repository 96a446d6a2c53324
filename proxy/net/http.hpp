#pragma once
// The HTTP vocabulary shared by the server infrastructure and the router: one inbound exchange in,
// one response out.
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

namespace ocpi::proxy {

namespace http = boost::beast::http;
using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

enum class face { hub, legacy, admin };  // admin: loopback-only operator API (ocpi-bridge admin)
const char* to_string(face f) noexcept;  // "hub" | "legacy" | "admin"

struct inbound {
  request req;
  face which = face::hub;
  std::string remote;  // "ip:port" of the downstream peer
  bool tls = false;
  std::chrono::steady_clock::time_point received;
};

// The router. Runs on the connection's strand; may co_await upstream calls. Exceptions are caught
// by the session (HTTP 500, OCPI 3000). The session sets version, keep-alive and Content-Length.
using handler = std::function<boost::asio::awaitable<response>(inbound&)>;

// Spare bytes the server and the upstream client reserve behind every body they read, so that
// simdjson (which needs 64 readable bytes past the end) can parse it in place.
inline constexpr std::size_t body_padding = 64;

// The start line and header fields of a message as they go on the wire, ending with the empty
// line; the body follows as a second buffer. Content-Length must already be set
// (prepare_payload). One contiguous write instead of Beast's serializer, whose buffer-sequence
// machinery cost more CPU per small exchange than everything else in the session.
std::string wire_head(const request& req);
std::string wire_head(const response& res);

// A local reply with an OCPI envelope body (write_envelope + utc_now) and Content-Type JSON.
response make_local_response(http::status status, int ocpi_status, std::string_view message, unsigned version = 11);

}  // namespace ocpi::proxy
