#include "proxy/net/session.hpp"

#include <array>
#include <exception>
#include <iterator>
#include <optional>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <spdlog/spdlog.h>

#include "proxy/net/framing.hpp"
#include "proxy/pipeline/request_ids.hpp"

namespace ocpi::proxy {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;
using asio::use_awaitable;
constexpr auto no_throw = asio::as_tuple(use_awaitable);

namespace {

// Counts one thing for as long as the guard lives (also when the coroutine frame is destroyed).
class count_guard {
 public:
  explicit count_guard(std::atomic<std::size_t>& n) : n_(n) { ++n_; }
  ~count_guard() { --n_; }
  count_guard(const count_guard&) = delete;
  count_guard& operator=(const count_guard&) = delete;

 private:
  std::atomic<std::size_t>& n_;
};

constexpr std::size_t max_unparsed_bytes = 256 * 1024;

std::string remote_of(const asio::ip::tcp::socket& socket) {
  error_code ec;
  const auto ep = socket.remote_endpoint(ec);
  if (ec) return "?";
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

// A read failure that deserves an answer before closing; nothing for timeouts, resets and EOFs.
std::optional<response> local_reply_for(const error_code& ec) {
  if (ec.category() == framing_category()) return make_local_response(framing_status(ec), 2000, ec.message());
  if (ec == http::error::body_limit)
    return make_local_response(http::status::payload_too_large, 2000, "request body too large");
  if (ec == http::error::header_limit)
    return make_local_response(http::status::request_header_fields_too_large, 2000, "request header too large");
  if (ec == http::error::end_of_stream || ec == http::error::partial_message) return std::nullopt;
  if (ec.category() == make_error_code(http::error::bad_method).category())
    return make_local_response(http::status::bad_request, 2000, "malformed HTTP request");
  return std::nullopt;
}

asio::awaitable<response> call_handler(const session_shared& s, inbound& in) {
  try {
    co_return co_await s.handle(in);
  } catch (const std::exception& e) {
    spdlog::error("{} {} {} {}: handler failed: {}", to_string(s.which), in.remote, std::string(in.req.method_string()),
                  std::string(in.req.target()), e.what());
  } catch (...) {
    spdlog::error("{} {}: handler failed with a non-standard exception", to_string(s.which), in.remote);
  }
  co_return make_local_response(http::status::internal_server_error, 3000, "internal error");
}

void finalize(response& res, unsigned version, bool keep_alive) {
  const bool handler_wants_close = !res.keep_alive();
  res.version(version);
  res.keep_alive(keep_alive && !handler_wants_close);
  if (!res.body().empty() && res.find(http::field::content_type) == res.end()) res.set(http::field::content_type, "application/json");
  res.prepare_payload();
}

beast::tcp_stream& tcp_of(beast::tcp_stream& s) { return s; }
beast::tcp_stream& tcp_of(beast::ssl_stream<beast::tcp_stream>& s) { return s.next_layer(); }

// Reads one request (header first, to answer `Expect: 100-continue` and reject a too-large
// Content-Length before the body is sent).
template <class Stream>
asio::awaitable<error_code> read_request(Stream& stream, beast::flat_buffer& buffer,
                                         http::request_parser<http::string_body>& parser, const session_shared& s) {
  tcp_of(stream).expires_after(s.client_timeout);
  auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, no_throw);
  if (ec) co_return ec;
  // Before `100 Continue` invites the body: a request whose framing is ambiguous never gets one.
  if (const auto framing = check_request_framing(parser.get().base(), parser.get().version(), parser.chunked()))
    co_return framing;
  if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
    http::response<http::empty_body> cont{http::status::continue_, 11};
    tcp_of(stream).expires_after(s.client_timeout);
    std::tie(ec, n) = co_await http::async_write(stream, cont, no_throw);
    if (ec) co_return ec;
  }
  if (parser.is_done()) co_return error_code{};
  // Room for simdjson's padding behind the body (Beast reserves exactly Content-Length): the
  // router then parses the body in place instead of copying it first.
  if (const auto length = parser.content_length()) parser.get().body().reserve(*length + body_padding);
  const auto header_count = static_cast<std::size_t>(std::distance(parser.get().begin(), parser.get().end()));
  tcp_of(stream).expires_after(s.client_timeout);
  std::tie(ec, n) = co_await http::async_read(stream, buffer, parser, no_throw);
  if (!ec && parser.chunked()) drop_trailer_fields(parser.get().base(), header_count);
  co_return ec;
}

// Request/response loop; returns when the connection must close.
template <class Stream>
asio::awaitable<void> serve(Stream& stream, const session_shared& s, const std::string& remote, bool tls) {
  // Bounded: the buffer holds at most one unparsed element (the header section, within Beast's
  // 8 KB header limit, or one chunk-size line) plus one read. Unbounded, a chunk line with endless
  // chunk extensions grew it until the client timeout; full, Beast fails the read with
  // buffer_overflow (400).
  beast::flat_buffer buffer(max_unparsed_bytes);
  // Beast reads at most the buffer's free capacity (512 bytes minimum) per call: without room,
  // a 1 KB request takes three recvmsg calls and a large body hundreds.
  buffer.reserve(16 * 1024);
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(s.body_limit);
    const error_code rec = co_await read_request(stream, buffer, parser, s);
    if (rec) {
      auto reply = local_reply_for(rec);
      if (!reply) co_return;
      // The correlation id, when the header section got that far, ties the refusal to the caller's
      // own logs; an unusable one is not echoed into ours.
      const std::string_view cid = parser.get()[correlation_id_header];
      spdlog::info("{} {}: cid={} {} -> {}", to_string(s.which), remote, usable_id(cid) ? cid : "-", rec.message(),
                   reply->result_int());
      reply->keep_alive(false);
      tcp_of(stream).expires_after(s.client_timeout);
      co_await http::async_write(stream, *reply, no_throw);
      co_return;
    }
    count_guard exchange(s.exchanges->in_flight);
    inbound in{parser.release(), s.which, remote, tls, std::chrono::steady_clock::now()};
    const unsigned version = in.req.version();
    const bool keep_alive = in.req.keep_alive() && !s.exchanges->draining;
    response res = co_await call_handler(s, in);
    finalize(res, version, keep_alive && !s.exchanges->draining);
    tcp_of(stream).expires_after(s.client_timeout);
    const std::string head = wire_head(res);
    const std::array<asio::const_buffer, 2> wire{asio::buffer(head), asio::buffer(res.body())};
    auto [wec, n] = co_await asio::async_write(stream, wire, no_throw);
    if (wec || !res.keep_alive()) co_return;
  }
}

// After an error reply the peer may still be sending a body: read and discard for a moment so
// that closing does not reset the connection before the reply is read (lingering close).
asio::awaitable<void> linger_close(beast::tcp_stream& stream) {
  error_code ec;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  char sink[4096];
  std::size_t total = 0;
  stream.expires_after(std::chrono::seconds(2));
  while (!ec && total < (std::size_t{1} << 20)) {
    std::size_t n = 0;
    std::tie(ec, n) = co_await stream.async_read_some(asio::buffer(sink), no_throw);
    total += n;
  }
  stream.socket().close(ec);
}

}  // namespace

asio::awaitable<void> run_session(asio::ip::tcp::socket socket, std::shared_ptr<const session_shared> shared) {
  const session_shared& s = *shared;
  count_guard connection(s.exchanges->connections);
  const std::string remote = remote_of(socket);
  if (!s.tls) {
    beast::tcp_stream stream(std::move(socket));
    co_await serve(stream, s, remote, false);
    co_await linger_close(stream);
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *s.tls);
  stream.next_layer().expires_after(s.client_timeout);
  auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, no_throw);
  if (hec) {
    spdlog::debug("{} {}: TLS handshake failed: {}", to_string(s.which), remote, hec.message());
    co_return;
  }
  co_await serve(stream, s, remote, true);
  // Same lingering close as plain HTTP, through TLS: a client still sending an over-limit body
  // must not get a reset that discards the 413 it has not read yet.
  {
    char sink[4096];
    std::size_t total = 0;
    error_code ec;
    stream.next_layer().expires_after(std::chrono::seconds(2));
    while (!ec && total < (std::size_t{1} << 20)) {
      std::size_t n = 0;
      std::tie(ec, n) = co_await stream.async_read_some(asio::buffer(sink), no_throw);
      total += n;
    }
  }
  stream.next_layer().expires_after(std::chrono::seconds(2));
  co_await stream.async_shutdown(no_throw);
}

}  // namespace ocpi::proxy
