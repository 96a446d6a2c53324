// Locations, legacy side calling (MAPPING §3.1.1): L1/L2/L3 a legacy CPO pushes or checks its own
// Locations at IOP's receiver; L7 a legacy eMSP pulls Locations from IOP's sender.
#include "proxy/router/hops.hpp"
#include "proxy/router/pulls.hpp"
#include "proxy/router/routes.hpp"
#include "proxy/router/store_forward.hpp"

namespace ocpi::proxy {

namespace {

object_kind kind_for_depth(std::size_t segments_after_location) {
  return segments_after_location == 0 ? object_kind::location
         : segments_after_location == 1 ? object_kind::evse
                                        : object_kind::connector;
}

translation translate_body(runtime& rt, object_kind kind, direction dir, input_shape shape, const legacy_party* legacy,
                           std::optional<party> owner, recipient to, std::string_view body, std::size_t capacity) {
  translate_request tr;
  tr.kind = kind;
  tr.dir = dir;
  tr.shape = shape;
  tr.legacy = legacy;
  tr.owner = std::move(owner);
  tr.to = to;
  return translate(tr, body, rt.state, capacity);
}

void note_losses(exchange& ex, const translation& t) {
  if (!t.losses.empty() && ex.note.empty()) ex.note = std::to_string(t.losses.size()) + " field(s) not carried over";
}

}  // namespace

route_result locations_from_legacy_cpo(runtime& rt, exchange& ex, const legacy_config& cpo, const segments& rest) {
  const auto method = ex.in.req.method();
  const bool is_get = method == http::verb::get, is_put = method == http::verb::put, is_patch = method == http::verb::patch;
  ex.route = is_get ? "L3 location GET" : is_put ? "L1 location PUT" : "L2 location PATCH";
  if (!is_get && !is_put && !is_patch) co_return envelope_response(ex, 405, status::client_error, "method not allowed", "{}");
  if (rest.size() < 3 || rest.size() > 5) co_return envelope_response(ex, 404, status::client_error, "unknown route", "{}");
  const legacy_party& me = rt.party_of(cpo);
  // §1.8.2: a legacy party may only push under its own country_code/party_id.
  if (!party{rest[0], rest[1]}.same(me.id))
    co_return envelope_response(ex, 404, status::invalid_parameters, "country_code/party_id in the URL are not the caller's", "{}");
  const auto endpoint = rt.dirs.iop("locations", "RECEIVER");
  if (!endpoint) co_return iop_endpoint_missing(rt, ex, "locations", "RECEIVER");
  const auto target = endpoint_target(*endpoint, rest);
  if (!target) co_return envelope_response(ex, 502, status::server_error, "IOP published an unusable locations URL", "{}");
  const object_kind kind = kind_for_depth(rest.size() - 3);
  const party owner{rest[0], rest[1]};

  if (is_get) {
    auto hop = co_await call_iop(rt, ex, http::verb::get, *target, {}, me.id, rt.cfg.mapping.iop);
    // L3: the CPO's own data coming back: no eMSP emulations (recipient legacy_cpo).
    const translate_request tr{
        .kind = kind, .dir = direction::down, .legacy = &me, .owner = owner, .to = recipient::legacy_cpo};
    co_return relay_iop_object(rt, ex, hop, tr);
  }

  std::string& body = ex.in.req.body();
  const body_facts facts = peek(body, body.capacity());
  if (!facts.valid_object) {
    // Let the translation name what is wrong (malformed JSON -> 400, wrong type -> 2001).
    auto t = translate_body(rt, kind, direction::up, is_patch ? input_shape::patch : input_shape::object, &me, owner,
                            recipient::hub, body, body.capacity());
    co_return refusal(ex, t.err.value_or(error{status::invalid_parameters, 200, {}, "expected a JSON object"}), true);
  }
  // §1.8.2: the URL id must equal the body id.
  const auto& body_id = kind == object_kind::evse ? facts.uid : facts.id;
  if ((is_put || body_id) && body_id.value_or("") != rest.back())
    co_return envelope_response(ex, 200, status::invalid_parameters, "the id in the body differs from the id in the URL", "{}");
  // §4.15: a status-only EVSE PATCH identical to the last delivered status is not re-sent.
  const bool status_patch = is_patch && kind == object_kind::evse && facts.status && facts.only({"status", "last_updated"});
  if (status_patch && rt.cfg.mapping.locations_status_dedup &&
      rt.state.last_status(owner, rest[2], rest[3]) == facts.status) {
    ex.note = "status unchanged: not re-sent (4.15)";
    co_return envelope_response(ex, 200, status::success, "Success", "{}");
  }
  auto t = translate_body(rt, kind, direction::up, is_patch ? input_shape::patch : input_shape::object, &me, owner,
                          recipient::hub, body, body.capacity());
  if (!t.ok()) co_return refusal(ex, *t.err, true);
  note_losses(ex, t);
  // Queueable (§4.14): a queued status counts as delivered for the de-duplication (§4.15).
  const auto sent = co_await forward_to_iop(rt, ex, "locations", method, *target, std::move(t.body), me.id, rt.cfg.mapping.iop);
  if (taken(sent) && kind == object_kind::evse && facts.status)
    rt.state.set_last_status(owner, rest[2], rest[3], *facts.status);
  co_return forwarded_answer(rt, ex, sent);
}

route_result locations_pull_by_legacy_emsp(runtime& rt, exchange& ex, const legacy_config& emsp, const segments& rest) {
  ex.route = rest.empty() ? "L7 locations GET list" : "L7 location GET";
  if (ex.in.req.method() != http::verb::get) co_return envelope_response(ex, 405, status::client_error, "method not allowed", "{}");
  if (rest.size() > 3) co_return envelope_response(ex, 404, status::client_error, "unknown route", "{}");
  const legacy_party& me = rt.party_of(emsp);
  const auto endpoint = rt.dirs.iop("locations", "SENDER");
  if (!endpoint) co_return iop_endpoint_missing(rt, ex, "locations", "SENDER");
  party to = rt.cfg.mapping.iop;
  segments upstream_segs = rest;
  std::optional<party> owner;
  if (!rest.empty()) {
    // §4.6: the legacy eMSP knows Locations by their exposed id.
    const auto key = rt.state.location_by_exposed_id(rest[0]);
    if (!key) co_return envelope_response(ex, 404, status::client_error, "unknown location", "{}");
    upstream_segs[0] = key->id;
    owner = key->owner;
    if (rt.cfg.mapping.routing_directed_to == "OWNER") to = key->owner;
  } else if (rt.cfg.mapping.routing_single_party_pull == "TO_HEADER") {
    // Gireve 2.1.1 "pull Locations of one CPO" (§1.4, A-03).
    if (auto p = routing_party(ex.in.req, "ocpi-to")) to = *p;
  }
  const auto target = endpoint_target(*endpoint, upstream_segs, rest.empty() ? forwarded_query(ex.in.req.target()) : "");
  if (!target) co_return envelope_response(ex, 502, status::server_error, "IOP published an unusable locations URL", "{}");
  auto hop = co_await call_iop(rt, ex, http::verb::get, *target, {}, me.id, to);
  std::string data;
  std::size_t left_out = 0;
  if (hop.up.ok() && hop.env && hop.env->status_code < 2000 && !hop.env->data.empty()) {
    const auto kind = rest.empty() ? object_kind::location : kind_for_depth(rest.size() - 1);
    translate_request tr{.kind = kind, .dir = direction::down, .shape = rest.empty() ? input_shape::list : input_shape::object,
                         .legacy = &me, .owner = owner, .to = recipient::legacy_emsp};
    auto t = translate(tr, hop.env->data, rt.state, hop.env->data.capacity());
    if (!t.ok()) co_return envelope_response(ex, 502, status::server_error, "IOP answer not translatable: " + t.err->describe(), "{}");
    if (t.suppressed) co_return envelope_response(ex, 404, status::client_error, "unknown location", "{}");  // publish=false
    left_out = t.left_out;
    data = std::move(t.body);
  }
  response res = relay_iop_answer(rt, ex, hop.up, hop.env, data, !rest.empty());
  if (rest.empty() && hop.up.ok()) {
    relay_pagination(hop.up.res, res, rt.legacy_base + "/ocpi/cpo/2.1.1/locations", ex.in.req.target(), 0, false);
    discount_left_out(res, left_out);
  }
  co_return res;
}

}  // namespace ocpi::proxy
