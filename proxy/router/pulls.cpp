#include "proxy/router/pulls.hpp"

#include <charconv>
#include <set>

#include "proxy/pipeline/url_mapping.hpp"
#include "proxy/router/hops.hpp"
#include "proxy/router/json_edit.hpp"
#include "proxy/router/location_fetch.hpp"

namespace ocpi::proxy {

namespace {

std::string query_of(std::string_view target) {
  const auto q = target.find('?');
  return q == std::string_view::npos ? std::string() : std::string(target.substr(q + 1));
}

// The objects of a page translated one by one; those that cannot cross are counted and named.
// `left_out` receives how many objects the page lost (refused or suppressed).
std::string translate_each(runtime& rt, exchange& ex, const std::vector<std::string>& objects,
                           const translate_request& tr, std::size_t& left_out) {
  std::vector<std::string> out;
  std::size_t refused = 0;
  std::string first_reason;
  for (const auto& o : objects) {
    auto t = translate(tr, o, rt.state);
    if (!t.ok()) {
      if (refused++ == 0) first_reason = t.err->describe();
      continue;
    }
    if (!t.suppressed) out.push_back(std::move(t.body));
  }
  if (refused) ex.note = std::to_string(refused) + " object(s) left out of the page, first: " + first_reason;
  left_out = objects.size() - out.size();
  return join_array(out);
}

// §3.4.5 / §3.5.4: the Locations a page of Sessions or CDRs refers to, fetched once each on a miss.
boost::asio::awaitable<void> fill_locations(runtime& rt, exchange& ex, const legacy_party& emsp, embedded_location what,
                                            const std::vector<std::string>& objects) {
  std::set<std::string> tried;
  for (const auto& o : objects) {
    const party owner{string_at(o, {"country_code"}).value_or(""), string_at(o, {"party_id"}).value_or("")};
    const bool cdr = what == embedded_location::cdr;
    const auto id = cdr ? string_at(o, {"cdr_location", "id"}) : string_at(o, {"location_id"});
    const auto evse = cdr ? string_at(o, {"cdr_location", "evse_uid"}) : string_at(o, {"evse_uid"});
    if (!id || !tried.insert(owner.emi3() + "*" + *id).second) continue;
    co_await ensure_location_from_iop(rt, ex, emsp, owner, *id, evse.value_or(""));
  }
}

// §1.7 rule 5, the same on both faces: a Sessions list without `date_from` is refused before any
// upstream call (both specs' request parameters say "Required: yes" for Sessions' date_from).
std::optional<response> missing_date_from(exchange& ex, const pull_spec& spec) {
  if (!spec.date_from_required || query_value(query_of(ex.in.req.target()), "date_from")) return std::nullopt;
  return envelope_response(ex, 200, status::invalid_parameters, "date_from is required (1.7)");
}

}  // namespace

void discount_left_out(response& res, std::size_t left_out) {
  if (left_out == 0) return;
  const auto it = res.find("X-Total-Count");
  if (it == res.end()) return;
  const std::string_view text = it->value();
  std::size_t total = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), total);
  if (ec != std::errc{} || end != text.data() + text.size()) return;  // not a count: relayed as is
  res.set("X-Total-Count", std::to_string(total > left_out ? total - left_out : 0));
}

route_result pull_from_legacy_cpo(runtime& rt, exchange& ex, const pull_spec& spec, const segments& rest) {
  ex.route = spec.route;
  if (ex.in.req.method() != http::verb::get)
    co_return envelope_response(ex, 405, status::client_error, "method not allowed");
  if (!rest.empty()) co_return envelope_response(ex, 404, status::client_error, "unknown route");
  response refused;
  const legacy_config* cpo = fromiop_party(rt, ex, party_role::cpo, refused);
  if (!cpo) co_return refused;
  const legacy_party& me = rt.party_of(*cpo);
  if (auto refused_query = missing_date_from(ex, spec)) co_return to_iop(rt, ex, std::move(*refused_query));
  const auto target = legacy_url(rt, ex, *cpo, spec.module, {}, forwarded_query(ex.in.req.target()), refused);
  if (!target) co_return refused;
  auto hop = co_await call_legacy(rt, ex, *cpo, http::verb::get, *target, {});
  std::string data;
  std::size_t count = 0, left_out = 0;
  if (hop.up.ok() && hop.env && hop.env->status_code < 2000 && !hop.env->data.empty()) {
    const auto objects = array_elements(hop.env->data);
    if (!objects)
      co_return to_iop(rt, ex, envelope_response(ex, 502, status::server_error, "legacy answer is not a list"));
    count = objects->size();
    const translate_request tr{
        .kind = spec.kind, .dir = direction::up, .legacy = &me, .owner = me.id, .to = recipient::hub};
    data = translate_each(rt, ex, *objects, tr, left_out);
  }
  response res = relay_legacy_answer(ex, hop.up, hop.env, data);
  if (hop.up.ok()) {
    relay_pagination(hop.up.res, res, rt.hub_base + "/ocpi/2.2.1/cpo/" + std::string(spec.module), ex.in.req.target(),
                     count, true);
    discount_left_out(res, left_out);
  }
  co_return to_iop(rt, ex, std::move(res));
}

route_result pull_by_legacy_emsp(runtime& rt, exchange& ex, const legacy_config& emsp, const pull_spec& spec,
                                 const segments& rest) {
  ex.route = spec.route;
  if (ex.in.req.method() != http::verb::get)
    co_return envelope_response(ex, 405, status::client_error, "method not allowed", "{}");
  // The 2.1.1 CPO interfaces of these modules have only the list.
  if (!rest.empty()) co_return envelope_response(ex, 404, status::client_error, "unknown route", "{}");
  const legacy_party& me = rt.party_of(emsp);
  if (auto refused_query = missing_date_from(ex, spec)) co_return std::move(*refused_query);
  response refused;
  const auto target = iop_url(rt, ex, spec.module, "SENDER", {}, forwarded_query(ex.in.req.target()), refused);
  if (!target) co_return refused;
  party to = rt.cfg.mapping.iop;
  // Gireve 2.1.1 "pull the objects of one CPO" (§1.4, A-03), as for Locations.
  if (rt.cfg.mapping.routing_single_party_pull == "TO_HEADER")
    if (auto p = routing_party(ex.in.req, "ocpi-to")) to = *p;
  auto hop = co_await call_iop(rt, ex, http::verb::get, *target, {}, me.id, to);
  std::string data;
  std::size_t left_out = 0;
  if (hop.up.ok() && hop.env && hop.env->status_code < 2000 && !hop.env->data.empty()) {
    auto objects = array_elements(hop.env->data);
    if (!objects) co_return envelope_response(ex, 502, status::server_error, "IOP answer is not a list", "{}");
    if (spec.location != embedded_location::none) co_await fill_locations(rt, ex, me, spec.location, *objects);
    const std::size_t upstream_count = objects->size();
    if (spec.prepare_page) spec.prepare_page(rt, me, *objects);  // may leave out other eMSPs' variants
    const translate_request tr{.kind = spec.kind, .dir = direction::down, .legacy = &me, .to = recipient::legacy_emsp};
    data = translate_each(rt, ex, *objects, tr, left_out);
    left_out += upstream_count - objects->size();
  }
  response res = relay_iop_answer(rt, ex, hop.up, hop.env, data, false);
  if (hop.up.ok()) {
    relay_pagination(hop.up.res, res, rt.legacy_base + "/ocpi/cpo/2.1.1/" + std::string(spec.module),
                     ex.in.req.target(), 0, false);
    discount_left_out(res, left_out);
  }
  co_return res;
}

}  // namespace ocpi::proxy
