#include "proxy/router/hops.hpp"

#include "proxy/net/tls.hpp"
#include "proxy/pipeline/token_codec.hpp"
#include "proxy/router/peers.hpp"

namespace ocpi::proxy {

namespace {

request make_request(exchange& ex, http::verb method, std::string body) {
  request req{method, "/", 11};
  if (!body.empty() || method == http::verb::put || method == http::verb::patch || method == http::verb::post) {
    req.set(http::field::content_type, "application/json");
    req.body() = std::move(body);
  }
  req.set(http::field::accept, "application/json");
  (void)ex;
  return req;
}

boost::asio::awaitable<hop_result> send(runtime& rt, exchange& ex, request req, const url& target,
                                        std::shared_ptr<const client_tls> tls, std::chrono::milliseconds timeout) {
  hop_result r;
  r.up = co_await rt.upstream.send(target, std::move(req), timeout, std::move(tls), renew_request_id(&ex.upstream_ids));
  if (r.up.ok()) {
    ex.upstream_http = static_cast<int>(r.up.res.result_int());
    r.env = parse_upstream_envelope(r.up.res.body(), r.up.res.body().capacity());
    if (auto redirect = redirect_note(r.up)) ex.note = std::move(*redirect);
  } else {
    ex.note = std::string("upstream ") + to_string(r.up.fail) + ": " + r.up.detail;
  }
  co_return r;
}

}  // namespace

response relay_iop_object(runtime& rt, exchange& ex, const hop_result& hop, const translate_request& tr) {
  std::string data;
  if (hop.up.ok() && hop.env && hop.env->status_code < 2000 && !hop.env->data.empty()) {
    auto t = translate(tr, hop.env->data, rt.state, hop.env->data.capacity());
    if (!t.ok())
      return envelope_response(ex, 502, status::server_error, "IOP answer not translatable: " + t.err->describe(),
                               "{}");
    data = std::move(t.body);
  }
  return relay_iop_answer(rt, ex, hop.up, hop.env, data, true);
}

boost::asio::awaitable<hop_result> call_iop(runtime& rt, exchange& ex, http::verb method, const url& target,
                                            std::string body, const party& from, const party& to,
                                            std::chrono::milliseconds timeout) {
  request req = make_request(ex, method, std::move(body));
  const bool base64 = rt.cfg.iop.auth_encoding != "RAW";
  req.set(http::field::authorization, authorization_value(iop_token_out(rt), base64));
  set_routing(req, from, to);
  ex.upstream_ids = toiop_outbound(ex.ids.correlation_id);
  req.set(request_id_header, ex.upstream_ids->request_id);
  req.set(correlation_id_header, ex.upstream_ids->correlation_id);
  co_return co_await send(rt, ex, std::move(req), target, rt.iop_tls,
                          timeout.count() > 0 ? timeout : rt.cfg.bridge.upstream_timeout);
}

boost::asio::awaitable<hop_result> call_legacy(runtime& rt, exchange& ex, const legacy_config& legacy,
                                               http::verb method, const url& target, std::string body,
                                               std::chrono::milliseconds timeout) {
  request req = make_request(ex, method, std::move(body));
  const auto index = rt.legacy_index(legacy);
  req.set(http::field::authorization, authorization_value(legacy_token_out(rt, index), false));
  ex.upstream_ids = fromiop_outbound(ex.ids.correlation_id);
  req.set(request_id_header, ex.upstream_ids->request_id);
  req.set(correlation_id_header, ex.upstream_ids->correlation_id);
  auto tls = index < rt.legacy_tls.size() ? rt.legacy_tls[index] : nullptr;
  co_return co_await send(rt, ex, std::move(req), target, std::move(tls),
                          timeout.count() > 0 ? timeout : rt.cfg.bridge.upstream_timeout);
}

}  // namespace ocpi::proxy
