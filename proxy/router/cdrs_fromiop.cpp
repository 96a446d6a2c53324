// CDRs, IOP calling (MAPPING §3.5.1): D3 IOP pulls a legacy CPO's CDRs through the bridge; D4 IOP
// posts a CDR to a legacy eMSP, D5 reads it back through the URL the bridge handed out.
#include <spdlog/spdlog.h>

#include "ocpi/json_writer.hpp"
#include "proxy/pipeline/url_mapping.hpp"
#include "proxy/router/hops.hpp"
#include "proxy/router/json_edit.hpp"
#include "proxy/router/location_fetch.hpp"
#include "proxy/router/peers.hpp"
#include "proxy/router/pulls.hpp"
#include "proxy/router/routes.hpp"

namespace ocpi::proxy {

namespace {

// §3.5.7: the answer to IOP names a bridge URL standing for the CDR at the legacy eMSP. 2.2.1
// makes the header mandatory; a 2.1.1 eMSP that sends none (Gireve's 2.1.1 examples show none)
// is assumed to serve the CDR at its cdrs endpoint + exposed id, the 2.1.1 spec's URL example.
void hand_out_location(runtime& rt, exchange& ex, response& res, const upstream_result& up, const legacy_config& emsp,
                       const party& owner, const std::string& owner_id, const std::string& exposed_id) {
  std::string at_legacy;
  if (const auto it = up.res.find(http::field::location); it != up.res.end()) at_legacy = std::string(it->value());
  if (at_legacy.empty()) {
    at_legacy = join_url(rt.dirs.legacy(rt.legacy_index(emsp), "cdrs").value_or(""), {std::string_view(exposed_id)});
    ex.note = "legacy eMSP answered without a Location header: assumed " + at_legacy;
  }
  const std::string opaque = rt.tables.add_cdr_link(
      {.url = at_legacy, .legacy = connection_key(emsp.party.id), .at_iop = false, .owner = owner, .owner_id = owner_id});
  res.set(http::field::location, rt.hub_base + "/ocpi/2.2.1/cdrs-created/" + opaque);
}

// D5: the legacy eMSP knows the CDR by its exposed id (§3.5.8) and the Location by its exposed id
// (§4.6); IOP knows both by the owner's.
std::optional<std::string> owner_ids(runtime& rt, const std::string& cdr_221, const std::string& owner_cdr_id) {
  std::string id_json, location_json;
  json_writer::append_quoted(id_json, owner_cdr_id);
  auto out = with_member(cdr_221, "id", id_json);
  const auto location = member_json(cdr_221, "cdr_location");
  const auto exposed = string_at(cdr_221, {"cdr_location", "id"});
  if (!out || !location || !exposed) return out;
  json_writer::append_quoted(location_json, owner_location_id(rt, *exposed));
  const auto restored = with_member(*location, "id", location_json);
  return restored ? with_member(*out, "cdr_location", *restored) : out;
}

// `emsp.credit_cdr_action=PARK` (§3.5.9): the dead-letter store comes with store-and-forward;
// until then a parked Credit CDR is written to the log in full for manual replay, and alerted.
response park_credit_cdr(exchange& ex, const std::string& body_211) {
  spdlog::warn("credit CDR parked for {} (emsp.credit_cdr_action=PARK), replay by hand: {}", ex.legacy->party.id.emi3(),
               body_211);
  return acknowledged(ex, "alert: credit CDR parked (3.5.9)");
}

}  // namespace

route_result cdrs_pull_from_legacy_cpo(runtime& rt, exchange& ex, const segments& rest) {
  static constexpr pull_spec spec{.route = "D3 cdrs GET list", .module = "cdrs", .kind = object_kind::cdr};
  co_return co_await pull_from_legacy_cpo(rt, ex, spec, rest);
}

route_result cdrs_to_legacy_emsp(runtime& rt, exchange& ex, const segments& rest) {
  ex.route = "D4 cdr POST";
  if (ex.in.req.method() != http::verb::post)
    co_return envelope_response(ex, 405, status::client_error, "method not allowed");
  response refused;
  const legacy_config* emsp = fromiop_party(rt, ex, party_role::emsp, refused);
  if (!emsp) co_return refused;
  if (!rest.empty()) co_return to_iop(rt, ex, envelope_response(ex, 404, status::client_error, "unknown route"));
  const auto target = legacy_url(rt, ex, *emsp, "cdrs", {}, {}, refused);
  if (!target) co_return refused;
  const legacy_party& me = rt.party_of(*emsp);

  std::string& body = ex.in.req.body();
  const party owner{string_at(body, {"country_code"}).value_or(""), string_at(body, {"party_id"}).value_or("")};
  const std::string owner_id = string_at(body, {"id"}).value_or("");
  // §3.5.4: the snapshot comes from the CDR; what 2.1.1 also needs comes from the cached Location,
  // fetched once from IOP on a miss. Without it the CDR still goes, with the documented fallbacks.
  const std::string location_id = string_at(body, {"cdr_location", "id"}).value_or("");
  const std::string evse_uid = string_at(body, {"cdr_location", "evse_uid"}).value_or("");
  if (!owner.country_code.empty() && !owner.party_id.empty())
    co_await ensure_location_from_iop(rt, ex, me, owner, location_id, evse_uid);
  translate_request tr{.kind = object_kind::cdr, .dir = direction::down, .legacy = &me, .to = recipient::legacy_emsp};
  auto t = translate(tr, body, rt.state, body.capacity());
  if (!t.ok()) co_return to_iop(rt, ex, refusal(ex, *t.err, false));
  const bool credit = member_json(body, "credit") == "true";
  if (credit && rt.cfg.mapping.emsp_credit_cdr_action == "PARK") co_return to_iop(rt, ex, park_credit_cdr(ex, t.body));
  if (credit) ex.note = "credit_cdr_forwarded (3.5.9)";
  const std::string exposed_id = string_at(t.body, {"id"}).value_or("");
  auto hop = co_await call_legacy(rt, ex, *emsp, http::verb::post, *target, std::move(t.body));
  response res = relay_legacy_answer(ex, hop.up, hop.env, {});
  if (accepted(hop)) hand_out_location(rt, ex, res, hop.up, *emsp, owner, owner_id, exposed_id);
  co_return to_iop(rt, ex, std::move(res));
}

route_result cdr_created_get(runtime& rt, exchange& ex, const segments& rest) {
  ex.route = "D5 cdr GET";
  if (ex.in.req.method() != http::verb::get)
    co_return envelope_response(ex, 405, status::client_error, "method not allowed");
  const auto link = rest.size() == 1 ? rt.tables.cdr_link_of(rest[0]) : std::nullopt;
  // A link whose legacy connection left the configuration since is as unknown as a made-up one.
  const auto index = link && !link->at_iop ? legacy_index_of(rt, link->legacy) : std::nullopt;
  if (!index) co_return envelope_response(ex, 404, status::client_error, "unknown CDR");
  const legacy_config& emsp = rt.cfg.legacy[*index];
  ex.legacy = &emsp;
  const legacy_party& me = rt.party_of(emsp);
  const auto target = parse_url(link->url);
  if (!target) co_return to_iop(rt, ex, envelope_response(ex, 502, status::server_error, "unusable legacy CDR URL"));
  auto hop = co_await call_legacy(rt, ex, emsp, http::verb::get, *target, {});
  std::string data;
  if (hop.up.ok() && hop.env && hop.env->status_code < 2000 && !hop.env->data.empty()) {
    translate_request tr{
        .kind = object_kind::cdr, .dir = direction::up, .legacy = &me, .owner = link->owner, .to = recipient::hub};
    auto t = translate(tr, hop.env->data, rt.state, hop.env->data.capacity());
    auto restored = t.ok() ? owner_ids(rt, t.body, link->owner_id) : std::nullopt;
    if (!restored)
      co_return to_iop(rt, ex, envelope_response(ex, 502, status::server_error, "legacy answer not translatable"));
    data = std::move(*restored);
  }
  co_return to_iop(rt, ex, relay_legacy_answer(ex, hop.up, hop.env, data));
}

}  // namespace ocpi::proxy
