#include "proxy/router/bridge.hpp"

#include <boost/beast/core/string.hpp>
#include <spdlog/spdlog.h>

#include "proxy/pipeline/request_checks.hpp"
#include "proxy/pipeline/token_codec.hpp"
#include "proxy/pipeline/url_mapping.hpp"
#include "proxy/router/commands.hpp"
#include "proxy/router/flow_support.hpp"
#include "proxy/router/peers.hpp"
#include "proxy/router/routes.hpp"
#include "proxy/router/store_forward.hpp"

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

// Configuration routes a registration token A may reach (MAPPING §2.3 step 2-3, §2.4).
bool configuration_route(const segments& s, std::size_t version_at) {
  return s.size() == version_at + 1 || (s.size() == version_at + 2 && s[version_at + 1] == "credentials");
}

// The module flows by face (MAPPING §1.2.3): on the 2.2.1 face /ocpi/2.2.1/{cpo|emsp}/{module}
// serves IOP on behalf of legacy CPOs or eMSPs; on the 2.1.1 face /ocpi/{emsp|cpo}/2.1.1/{module}
// serves the legacy CPOs (eMSP interfaces) or the legacy eMSPs (CPO interfaces). nullptr: the
// module has no such interface on that side.
using hub_flow = route_result (*)(runtime&, exchange&, const segments&);
using legacy_flow = route_result (*)(runtime&, exchange&, const legacy_config&, const segments&);

struct module_flows {
  std::string_view module;
  hub_flow for_legacy_cpo, for_legacy_emsp;       // IOP calling
  legacy_flow from_legacy_cpo, from_legacy_emsp;  // a legacy backend calling
};

constexpr module_flows flows[] = {
    {"locations", locations_pull_from_legacy_cpo, locations_to_legacy_emsp, locations_from_legacy_cpo,
     locations_pull_by_legacy_emsp},
    {"tokens", tokens_to_legacy_cpo, tokens_from_legacy_emsp_for_iop, tokens_for_legacy_cpo, tokens_from_legacy_emsp},
    {"commands", commands_to_legacy_cpo, nullptr, nullptr, commands_from_legacy_emsp},
    {"sessions", sessions_pull_from_legacy_cpo, sessions_to_legacy_emsp, sessions_from_legacy_cpo,
     sessions_pull_by_legacy_emsp},
    {"cdrs", cdrs_pull_from_legacy_cpo, cdrs_to_legacy_emsp, cdrs_from_legacy_cpo, cdrs_pull_by_legacy_emsp},
    {"tariffs", tariffs_pull_from_legacy_cpo, tariffs_to_legacy_emsp, tariffs_from_legacy_cpo,
     tariffs_pull_by_legacy_emsp},
};

const module_flows* flows_of(std::string_view module) {
  for (const auto& f : flows)
    if (f.module == module) return &f;
  return nullptr;
}

// 2.2.1 face: IOP presents the token the bridge issued to it (MAPPING §1.3, Base64 tried first),
// or, before it registered, a token A from `ocpi-bridge admin token-a iop`.
awaitable<response> route_hub(runtime& rt, exchange& ex, const segments& seg) {
  const std::string registered = iop_token_in(rt);
  const std::vector<std::string> token_a = rt.state.registration_tokens(iop_connection);
  const std::string in_flight = rt.in_flight_token(std::string(iop_connection));
  std::vector<std::string_view> known{registered};
  known.insert(known.end(), token_a.begin(), token_a.end());
  known.push_back(in_flight);  // last; empty never matches
  const auto match = match_authorization(ex.header("Authorization"), known, true);
  if (!match) co_return unauthorized(ex);
  const bool with_in_flight = match->index == known.size() - 1;
  const bool with_token_a = match->index > 0 && !with_in_flight;
  const bool configuration = seg.size() >= 2 && seg[0] == "ocpi" &&
                             ((seg.size() == 2 && seg[1] == "versions") || (seg[1] == "2.2.1" && configuration_route(seg, 1)));
  if (with_token_a && !configuration) co_return unauthorized(ex);  // token A opens the handshake only
  // The token B of the bridge's own POST in flight: the peer's reading of versions and details only.
  if (with_in_flight && !(ex.in.req.method() == http::verb::get && seg.size() == 2 && seg[0] == "ocpi" &&
                          (seg[1] == "versions" || seg[1] == "2.2.1")))
    co_return unauthorized(ex);
  const auto method = ex.in.req.method();
  if (seg.size() == 2 && is(seg, {"ocpi", "versions"}) && method == http::verb::get) co_return co_await versions_221(rt, ex);
  if (seg.size() == 2 && is(seg, {"ocpi", "2.2.1"}) && method == http::verb::get) co_return co_await details_221(rt, ex);
  if (seg.size() == 3 && is(seg, {"ocpi", "2.2.1", "credentials"})) co_return co_await credentials_221(rt, ex, with_token_a);
  if (seg.size() == 4 && is(seg, {"ocpi", "2.2.1", "callbacks"})) co_return co_await command_result_from_iop(rt, ex, seg[3]);
  // §3.5.7: the URL a CDR pushed to a legacy eMSP is known by (D5).
  if (is(seg, {"ocpi", "2.2.1", "cdrs-created"})) co_return co_await cdr_created_get(rt, ex, tail(seg, 3));
  const module_flows* f = seg.size() >= 4 && is(seg, {"ocpi", "2.2.1"}) ? flows_of(seg[3]) : nullptr;
  const hub_flow flow = !f ? nullptr : seg[2] == "cpo" ? f->for_legacy_cpo : seg[2] == "emsp" ? f->for_legacy_emsp : nullptr;
  if (flow) co_return co_await flow(rt, ex, tail(seg, 4));
  co_return unknown_route(ex);
}

// 2.1.1 face: each legacy backend presents the token the bridge issued to it; the path says which
// face it uses (/ocpi/emsp/... is shown to legacy CPOs, /ocpi/cpo/... to legacy eMSPs).
awaitable<response> route_legacy(runtime& rt, exchange& ex, const segments& seg) {
  // Registered (or configured) tokens first, one per connection, then the pending tokens A.
  std::vector<std::string> tokens;
  std::vector<std::size_t> owner;
  std::size_t registered_count = rt.cfg.legacy.size();
  for (std::size_t i = 0; i < registered_count; ++i) {
    tokens.push_back(legacy_token_in(rt, i));
    owner.push_back(i);
  }
  for (std::size_t i = 0; i < rt.cfg.legacy.size(); ++i)
    for (auto& t : rt.state.registration_tokens(legacy_connection(rt, i))) {
      tokens.push_back(std::move(t));
      owner.push_back(i);
    }
  // Last: the token B of a POST the bridge has in flight to a backend (runtime::in_flight_token).
  const std::size_t in_flight_from = tokens.size();
  for (std::size_t i = 0; i < rt.cfg.legacy.size(); ++i)
    if (auto t = rt.in_flight_token(legacy_connection(rt, i)); !t.empty()) {
      tokens.push_back(std::move(t));
      owner.push_back(i);
    }
  const std::vector<std::string_view> known(tokens.begin(), tokens.end());
  const auto match = match_authorization(ex.header("Authorization"), known, false);
  if (!match) co_return unauthorized(ex);
  const std::size_t index = owner[match->index];
  const bool with_in_flight = match->index >= in_flight_from;
  const bool with_token_a = match->index >= registered_count && !with_in_flight;
  // The in-flight token B: the backend's reading of versions and details only.
  if (with_in_flight && !(ex.in.req.method() == http::verb::get && seg.size() == 3 && seg[0] == "ocpi" &&
                          (seg[2] == "versions" || seg[2] == "2.1.1")))
    co_return unauthorized(ex);
  const legacy_config& caller = rt.cfg.legacy[index];
  ex.legacy = &caller;
  // C4: the callback URL the bridge put in a command's response_url (§3.3.2).
  if (seg.size() == 4 && is(seg, {"ocpi", "2.1.1", "callbacks"}) && !with_token_a)
    co_return co_await command_result_from_legacy_cpo(rt, ex, caller, seg[3]);
  if (seg.size() < 3 || seg[0] != "ocpi" || (seg[1] != "emsp" && seg[1] != "cpo")) co_return unknown_route(ex);
  const std::string_view face_role = seg[1];
  // A CPO talks to the eMSP interfaces and vice versa (MAPPING §1.1).
  const bool role_fits = (face_role == "emsp") == (caller.party.role == party_role::cpo);
  if (!role_fits) co_return unknown_route(ex);
  const bool configuration = seg[2] == "versions" ? seg.size() == 3 : seg[2] == "2.1.1" && configuration_route(seg, 2);
  if (with_token_a && !configuration) co_return unauthorized(ex);  // token A opens the handshake only
  const auto method = ex.in.req.method();
  if (seg.size() == 3 && seg[2] == "versions" && method == http::verb::get) co_return co_await versions_211(rt, ex, face_role);
  if (seg.size() == 3 && seg[2] == "2.1.1" && method == http::verb::get) co_return co_await details_211(rt, ex, face_role);
  if (seg.size() == 4 && seg[2] == "2.1.1" && seg[3] == "credentials")
    co_return co_await credentials_211(rt, ex, index, with_token_a);
  const module_flows* f = seg.size() >= 4 && seg[2] == "2.1.1" ? flows_of(seg[3]) : nullptr;
  const legacy_flow flow = !f ? nullptr : face_role == "emsp" ? f->from_legacy_cpo : f->from_legacy_emsp;
  if (flow) co_return co_await flow(rt, ex, caller, tail(seg, 4));
  co_return unknown_route(ex);
}

// Issue 12 defects 5 and 6: what the request brings is checked here, once, before any route
// sees it. The path (no dot segment, printable ids of bounded length), the trace and routing
// headers, and the body (one valid JSON value; the ids that become URL segments printable).
// Before authentication too: nothing of an unchecked request reaches the state store or a log
// field other than the exchange line. nullopt = accepted.
std::optional<std::string> refusal_of(const inbound& in, const std::optional<segments>& path) {
  if (auto why = check_target(in.req.target())) return why;
  if (!path) return std::string("invalid path: broken percent-encoding");
  if (auto why = check_path(*path, in.which == face::hub)) return why;
  std::vector<std::string_view> values;
  for (const auto& rule : checked_headers) {
    values.clear();
    for (const auto& f : in.req)
      if (boost::beast::iequals(f.name_string(), rule.name)) values.push_back(f.value());
    if (auto why = check_header(rule, values)) return why;
  }
  if (in.req.body().empty()) return std::nullopt;
  return check_body(in.req.body(), in.req.body().capacity());
}

}  // namespace

bridge::bridge(const bridge_config& cfg, shared_state& state, upstream_pool& upstream) : rt_(cfg, state, upstream) {
  // What the store kept (MAPPING §5.1, §5.8): the last good directories serve at once, discovery
  // refreshes them; CDR links and Tariff deliveries stay valid across the restart.
  std::vector<std::string> connections;
  for (const auto& l : cfg.legacy) connections.push_back(connection_key(l.party.id));
  rt_.dirs.attach(state, std::move(connections));
  rt_.tables.attach(state);
  rt_.sf = std::make_shared<store_forward>();
}

void bridge::start_store_forward(boost::asio::any_io_executor executor) { rt_.sf->start(rt_, std::move(executor)); }

awaitable<void> bridge::command_deadlines() { co_await command_deadline_loop(rt_); }

void bridge::set_public_bases(std::string hub_base, std::string legacy_base) {
  while (!hub_base.empty() && hub_base.back() == '/') hub_base.pop_back();
  while (!legacy_base.empty() && legacy_base.back() == '/') legacy_base.pop_back();
  rt_.hub_base = std::move(hub_base);
  rt_.legacy_base = std::move(legacy_base);
}

awaitable<response> bridge::handle(inbound& in) {
  exchange ex(in);
  const auto parsed = path_segments(std::string_view(in.req.target()));
  const segments seg = parsed.value_or(segments{});
  const auto refused = in.which == face::admin ? std::nullopt : refusal_of(in, parsed);
  // Plain if/else: GCC 12 mishandles the temporaries of co_await inside a conditional expression.
  response res;
  if (refused) {
    ex.route = "refused";
    res = envelope_response(ex, 400, status::invalid_parameters, *refused);
  } else if (in.which == face::hub)
    res = co_await route_hub(rt_, ex, seg);
  else if (in.which == face::legacy)
    res = co_await route_legacy(rt_, ex, seg);
  else
    res = co_await admin_api(rt_, ex, seg);
  // §1.5: IOP gets its own two ids echoed; a legacy caller gets its request id (or the outbound
  // one) and the correlation id used toward IOP.
  if (in.which == face::hub) {
    res.set(request_id_header, ex.ids.request_id);
  } else {
    const bool sent_request_id = !ex.header(request_id_header).empty();
    res.set(request_id_header, sent_request_id || !ex.upstream_ids ? ex.ids.request_id : ex.upstream_ids->request_id);
  }
  res.set(correlation_id_header, ex.ids.correlation_id);
  // An error is not a page (issue 13): whatever route produced it, no pagination headers go out
  // with it, relayed from upstream or synthesised.
  if (ex.ocpi_status >= 2000) {
    res.erase("X-Total-Count");
    res.erase("X-Limit");
    res.erase(http::field::link);
  }
  log_exchange(ex, res);
  co_return res;
}

}  // namespace ocpi::proxy
