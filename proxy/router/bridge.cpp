#include "proxy/router/bridge.hpp"

#include <spdlog/spdlog.h>

#include "proxy/pipeline/token_codec.hpp"
#include "proxy/pipeline/url_mapping.hpp"
#include "proxy/router/flow_support.hpp"
#include "proxy/router/routes.hpp"

namespace ocpi::proxy {

namespace {

using boost::asio::awaitable;

response unknown_route(exchange& ex) {
  ex.route = "unknown";
  return envelope_response(ex, 404, status::client_error, "unknown route");
}

response unauthorized(exchange& ex) {
  ex.route = ex.route.empty() ? "auth" : ex.route;
  return envelope_response(ex, 401, status::client_error, "unknown token");
}

bool is(const segments& s, std::initializer_list<std::string_view> prefix) {
  if (s.size() < prefix.size()) return false;
  std::size_t i = 0;
  for (auto p : prefix)
    if (s[i++] != p) return false;
  return true;
}

segments tail(const segments& s, std::size_t from) { return segments(s.begin() + static_cast<long>(from), s.end()); }

// 2.2.1 face: IOP presents the token the bridge issued to it (MAPPING §1.3, Base64 tried first).
awaitable<response> route_hub(runtime& rt, exchange& ex, const segments& seg) {
  const std::string_view known[] = {rt.cfg.iop.accepts_token};
  if (!match_authorization(ex.header("Authorization"), known, true)) co_return unauthorized(ex);
  const auto method = ex.in.req.method();
  if (seg.size() == 2 && is(seg, {"ocpi", "versions"}) && method == http::verb::get) co_return co_await versions_221(rt, ex);
  if (seg.size() == 2 && is(seg, {"ocpi", "2.2.1"}) && method == http::verb::get) co_return co_await details_221(rt, ex);
  if (is(seg, {"ocpi", "2.2.1", "cpo", "locations"})) co_return co_await locations_pull_from_legacy_cpo(rt, ex, tail(seg, 4));
  if (is(seg, {"ocpi", "2.2.1", "emsp", "locations"})) co_return co_await locations_to_legacy_emsp(rt, ex, tail(seg, 4));
  co_return unknown_route(ex);
}

// 2.1.1 face: each legacy backend presents the token the bridge issued to it; the path says which
// face it uses (/ocpi/emsp/... is shown to legacy CPOs, /ocpi/cpo/... to legacy eMSPs).
awaitable<response> route_legacy(runtime& rt, exchange& ex, const segments& seg) {
  std::vector<std::string_view> known;
  for (const auto& l : rt.cfg.legacy) known.push_back(l.accepts_token);
  const auto match = match_authorization(ex.header("Authorization"), known, false);
  if (!match) co_return unauthorized(ex);
  const legacy_config& caller = rt.cfg.legacy[match->index];
  ex.legacy = &caller;
  if (seg.size() < 3 || seg[0] != "ocpi" || (seg[1] != "emsp" && seg[1] != "cpo")) co_return unknown_route(ex);
  const std::string_view face_role = seg[1];
  // A CPO talks to the eMSP interfaces and vice versa (MAPPING §1.1).
  const bool role_fits = (face_role == "emsp") == (caller.party.role == party_role::cpo);
  if (!role_fits) co_return unknown_route(ex);
  const auto method = ex.in.req.method();
  if (seg.size() == 3 && seg[2] == "versions" && method == http::verb::get) co_return co_await versions_211(rt, ex, face_role);
  if (seg.size() == 3 && seg[2] == "2.1.1" && method == http::verb::get) co_return co_await details_211(rt, ex, face_role);
  if (seg.size() >= 4 && seg[2] == "2.1.1" && seg[3] == "locations") {
    if (face_role == "emsp") co_return co_await locations_from_legacy_cpo(rt, ex, caller, tail(seg, 4));
    co_return co_await locations_pull_by_legacy_emsp(rt, ex, caller, tail(seg, 4));
  }
  co_return unknown_route(ex);
}

}  // namespace

bridge::bridge(const bridge_config& cfg, shared_state& state, upstream_pool& upstream) : rt_(cfg, state, upstream) {}

void bridge::set_public_bases(std::string hub_base, std::string legacy_base) {
  while (!hub_base.empty() && hub_base.back() == '/') hub_base.pop_back();
  while (!legacy_base.empty() && legacy_base.back() == '/') legacy_base.pop_back();
  rt_.hub_base = std::move(hub_base);
  rt_.legacy_base = std::move(legacy_base);
}

awaitable<response> bridge::handle(inbound& in) {
  exchange ex(in);
  const auto parsed = path_segments(std::string_view(in.req.target()));
  const segments seg = parsed.value_or(segments{});  // a malformed path matches no route (404)
  // Plain if/else: GCC 12 mishandles the temporaries of co_await inside a conditional expression.
  response res;
  if (in.which == face::hub)
    res = co_await route_hub(rt_, ex, seg);
  else
    res = co_await route_legacy(rt_, ex, seg);
  // §1.5: IOP gets its own two ids echoed; a legacy caller gets its request id (or the outbound
  // one) and the correlation id used toward IOP.
  if (in.which == face::hub) {
    res.set(request_id_header, ex.ids.request_id);
  } else {
    const bool sent_request_id = !ex.header(request_id_header).empty();
    res.set(request_id_header, sent_request_id || !ex.upstream_ids ? ex.ids.request_id : ex.upstream_ids->request_id);
  }
  res.set(correlation_id_header, ex.ids.correlation_id);
  log_exchange(ex, res);
  co_return res;
}

}  // namespace ocpi::proxy
