#pragma once
// The two outbound hops: toward IOP (2.2.1: Base64 token, routing headers, new X-Request-ID,
// propagated X-Correlation-ID, §1.3-§1.5) and toward a legacy backend (2.1.1: raw token; the ids
// are sent too for tracing, 2.1.1 servers ignore them).
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "proxy/router/flow_support.hpp"

namespace ocpi::proxy {

struct hop_result {
  upstream_result up;
  std::optional<parsed_envelope> env;  // set when the answer body is an OCPI envelope
};

// The peer took the message: an answer with HTTP 2xx and OCPI 1xxx (what a cache update waits for).
inline bool accepted(const hop_result& h) {
  return h.up.ok() && h.env && h.env->status_code >= 1000 && h.env->status_code < 2000 && h.up.res.result_int() < 300;
}

// ToIOP checks (L3, S3, D2, F4): IOP's answer to a GET object, its data translated by `tr` when
// IOP found the object; an answer that cannot be translated is HTTP 502 + 3000.
response relay_iop_object(runtime& rt, exchange& ex, const hop_result& hop, const translate_request& tr);

// `timeout` 0 = bridge.upstream_timeout (real-time authorization passes authorize_timeout).
boost::asio::awaitable<hop_result> call_iop(runtime& rt, exchange& ex, http::verb method, const url& target,
                                            std::string body, const party& from, const party& to,
                                            std::chrono::milliseconds timeout = {});

boost::asio::awaitable<hop_result> call_legacy(runtime& rt, exchange& ex, const legacy_config& legacy,
                                               http::verb method, const url& target, std::string body,
                                               std::chrono::milliseconds timeout = {});

}  // namespace ocpi::proxy
