// Tokens, legacy side calling (MAPPING §3.2): T1/T2 a legacy eMSP pushes or checks its Tokens at
// IOP's receiver; T5 a legacy CPO asks for a token download; T6 Gireve 2.1.1's unitary token GET,
// answered from the token cache; T7 real-time authorization by a legacy CPO.
#include <simdjson.h>

#include "proxy/pipeline/url_mapping.hpp"
#include "proxy/router/hops.hpp"
#include "proxy/router/pulls.hpp"
#include "proxy/router/routes.hpp"

namespace ocpi::proxy {

namespace {

// §4.1, §4.13: what an authorize answer teaches the bridge — the Token (for T6 and for Sessions and
// CDRs) and the authorization_reference -> {token, location, EVSEs} entry.
void learn_from_authorization(runtime& rt, const party& cpo, std::string_view info_221) {
  simdjson::dom::parser p;
  simdjson::dom::object o, token, location;
  if (p.parse(info_221.data(), info_221.size()).get(o) || o["token"].get(token)) return;
  const std::string token_json = simdjson::minify(token);
  rt.state.put_token(token_json);
  std::string_view reference;
  if (o["authorization_reference"].get(reference) || reference.empty()) return;
  authorization_record rec;
  rec.token_json = token_json;
  rec.source = "AUTHORIZE";
  if (!o["location"].get(location)) {
    std::string_view id;
    if (!location["location_id"].get(id)) rec.location_id = std::string(id);
    simdjson::dom::array evses;
    if (!location["evse_uids"].get(evses))
      for (auto e : evses) {
        std::string_view uid;
        if (!e.get(uid)) rec.evse_uids.emplace_back(uid);
      }
  }
  rt.state.put_authorization(cpo, std::string(reference), std::move(rec));
}

// A body that is absent, `null` or `{}` carries no location (§3.2.5: answered 2002 locally).
bool has_location(std::string_view body) {
  simdjson::dom::parser p;
  simdjson::dom::object o;
  if (p.parse(body.data(), body.size()).get(o)) return !body.empty() && body.find_first_not_of(" \t\r\n") != std::string_view::npos && body != "null";
  return o.size() > 0;
}

}  // namespace

route_result tokens_from_legacy_emsp(runtime& rt, exchange& ex, const legacy_config& emsp, const segments& rest) {
  const auto method = ex.in.req.method();
  const bool is_get = method == http::verb::get, is_put = method == http::verb::put, is_patch = method == http::verb::patch;
  ex.route = is_get ? "T2 token GET" : is_put ? "T1 token PUT" : "T1 token PATCH";
  if (!is_get && !is_put && !is_patch) co_return envelope_response(ex, 405, status::client_error, "method not allowed", "{}");
  if (rest.size() != 3) co_return envelope_response(ex, 404, status::client_error, "unknown route", "{}");
  const legacy_party& me = rt.party_of(emsp);
  const party owner{rest[0], rest[1]};
  // §1.8.2: a legacy party may only push under its own country_code/party_id.
  if (!owner.same(me.id))
    co_return envelope_response(ex, 404, status::invalid_parameters, "country_code/party_id in the URL are not the caller's", "{}");
  const auto endpoint = rt.dirs.iop("tokens", "RECEIVER");
  if (!endpoint) co_return iop_endpoint_missing(rt, ex, "tokens", "RECEIVER");

  std::string body_221, type;
  if (!is_get) {
    std::string& body = ex.in.req.body();
    const body_facts facts = peek(body, body.capacity());
    if (facts.valid_object && (is_put || facts.uid) && facts.uid.value_or("") != rest[2])
      co_return envelope_response(ex, 200, status::invalid_parameters, "the uid in the body differs from the uid in the URL", "{}");
    translate_request tr{.kind = object_kind::token, .dir = direction::up, .shape = is_patch ? input_shape::patch : input_shape::object,
                         .legacy = &me, .owner = owner, .to = recipient::hub};
    auto t = translate(tr, body, rt.state, body.capacity());
    if (!t.ok()) co_return refusal(ex, *t.err, true);
    if (!t.losses.empty()) ex.note = std::to_string(t.losses.size()) + " field(s) not carried over";
    simdjson::dom::parser p;
    std::string_view ty;
    if (!p.parse(t.body).get_object()["type"].get(ty)) type = std::string(ty);
    body_221 = std::move(t.body);
  } else if (auto q = query_value(query_string(ex), "type")) {
    type = *q;
  }
  // §3.2.2 note: 2.2.1 addresses a Token by uid *and* type; RFID is the default.
  const std::string query = !type.empty() && type != "RFID" ? "type=" + percent_encode_segment(type) : "";
  const auto target = endpoint_target(*endpoint, rest, query);
  if (!target) co_return envelope_response(ex, 502, status::server_error, "IOP published an unusable tokens URL", "{}");
  if (is_put) rt.state.put_token(body_221);
  auto hop = co_await call_iop(rt, ex, method, *target, std::move(body_221), me.id, rt.cfg.mapping.iop);
  std::string data;
  if (is_get && hop.up.ok() && hop.env && hop.env->status_code < 2000 && !hop.env->data.empty()) {
    translate_request tr{.kind = object_kind::token, .dir = direction::down, .legacy = &me, .owner = owner,
                         .to = recipient::legacy_emsp};
    auto t = translate(tr, hop.env->data, rt.state, hop.env->data.capacity());
    if (!t.ok()) co_return envelope_response(ex, 502, status::server_error, "IOP answer not translatable: " + t.err->describe(), "{}");
    data = std::move(t.body);
  }
  co_return relay_iop_answer(rt, ex, hop.up, hop.env, data, is_get);
}

route_result tokens_for_legacy_cpo(runtime& rt, exchange& ex, const legacy_config& cpo, const segments& rest) {
  const auto method = ex.in.req.method();
  const legacy_party& me = rt.party_of(cpo);
  const bool authorize = rest.size() == 2 && rest[1] == "authorize";

  if (authorize) {  // T7
    ex.route = "T7 authorize";
    if (method != http::verb::post) co_return envelope_response(ex, 405, status::client_error, "method not allowed", "{}");
    const auto endpoint = rt.dirs.iop("tokens", "SENDER");
    if (!endpoint) co_return iop_endpoint_missing(rt, ex, "tokens", "SENDER");
    std::string& body = ex.in.req.body();
    // §3.2.5, §4.12: Gireve needs the location; without it the bridge answers 2002 itself.
    if (!has_location(body))
      co_return envelope_response(ex, 200, status::not_enough_information, "LocationReferences required by IOP (4.12)", "{}");
    translate_request tr{.kind = object_kind::location_references, .dir = direction::up, .legacy = &me, .owner = me.id,
                         .to = recipient::hub};
    auto t = translate(tr, body, rt.state, body.capacity());
    if (!t.ok()) co_return refusal(ex, *t.err, true);
    const auto type = query_value(query_string(ex), "type");
    const std::string query = type && !type->empty() ? "type=" + percent_encode_segment(*type) : "";
    const auto target = endpoint_target(*endpoint, {rest[0], "authorize"}, query);
    if (!target) co_return envelope_response(ex, 502, status::server_error, "IOP published an unusable tokens URL", "{}");
    auto hop = co_await call_iop(rt, ex, http::verb::post, *target, std::move(t.body), me.id, rt.cfg.mapping.iop,
                                 rt.cfg.bridge.authorize_timeout);
    std::string data;
    if (hop.up.ok() && hop.env && hop.env->status_code < 2000 && !hop.env->data.empty()) {
      translate_request down{.kind = object_kind::authorization_info, .dir = direction::down, .legacy = &me,
                             .to = recipient::legacy_cpo};
      auto d = translate(down, hop.env->data, rt.state, hop.env->data.capacity());
      if (!d.ok()) co_return envelope_response(ex, 502, status::server_error, "IOP answer not translatable: " + d.err->describe(), "{}");
      learn_from_authorization(rt, me.id, hop.env->data);
      data = std::move(d.body);
    }
    co_return relay_iop_answer(rt, ex, hop.up, hop.env, data, false);
  }

  if (method != http::verb::get) co_return envelope_response(ex, 405, status::client_error, "method not allowed", "{}");
  if (rest.size() == 1) {  // T6: served from the token cache, never forwarded
    ex.route = "T6 token GET by uid";
    const auto f = filter_unitary_token_query(query_string(ex));
    const auto type = query_value(f.query, "type").value_or("RFID");
    const auto cached = rt.state.token_by_uid(rest[0], type);
    // A miss is what Gireve 2.1.1 answered for unknown tokens: 2000 without data (§3.2.6).
    if (!cached) co_return envelope_response(ex, 200, status::client_error, "unknown token", "");
    translate_request tr{.kind = object_kind::token, .dir = direction::down, .legacy = &me, .to = recipient::legacy_cpo};
    auto t = translate(tr, *cached, rt.state);
    if (!t.ok()) co_return envelope_response(ex, 500, status::server_error, "cached token not translatable", "");
    co_return envelope_response(ex, 200, status::success, "Success", t.body);
  }
  if (!rest.empty()) co_return envelope_response(ex, 404, status::client_error, "unknown route", "{}");

  // T5: forwarded if IOP offers it; never an empty "full" list in its place (§3.2.7).
  ex.route = "T5 tokens GET list";
  const auto unavailable = "token download not available at IOP 2.2.1; use real-time authorization";
  const auto endpoint = rt.dirs.iop("tokens", "SENDER");
  if (!endpoint) co_return envelope_response(ex, 200, status::server_error, unavailable, "");
  const auto target = endpoint_target(*endpoint, {}, forwarded_query(ex.in.req.target()));
  if (!target) co_return envelope_response(ex, 200, status::server_error, unavailable, "");
  party to = rt.cfg.mapping.iop;
  if (rt.cfg.mapping.routing_single_party_pull == "TO_HEADER")
    if (auto p = routing_party(ex.in.req, "ocpi-to")) to = *p;  // Gireve "tokens of one eMSP"
  auto hop = co_await call_iop(rt, ex, http::verb::get, *target, {}, me.id, to);
  if (!hop.up.ok() || !hop.env || hop.env->status_code >= 2000 || hop.up.res.result_int() >= 300)
    co_return envelope_response(ex, 200, status::server_error, unavailable, "");
  translate_request tr{.kind = object_kind::token, .dir = direction::down, .shape = input_shape::list, .legacy = &me,
                       .to = recipient::legacy_cpo};
  auto t = translate(tr, hop.env->data.empty() ? "[]" : hop.env->data, rt.state);
  if (!t.ok()) co_return envelope_response(ex, 502, status::server_error, "IOP answer not translatable: " + t.err->describe(), "");
  // An empty *full* list would make the CPO drop its whole whitelist; a delta may be empty.
  const bool full_pull = !query_value(query_string(ex), "date_from");
  if (full_pull && array_size(t.body) == 0 && !query_value(query_string(ex), "offset").has_value())
    co_return envelope_response(ex, 200, status::server_error, unavailable, "");
  response res = relay_iop_answer(rt, ex, hop.up, hop.env, t.body, false);
  relay_pagination(hop.up.res, res, rt.legacy_base + "/ocpi/emsp/2.1.1/tokens", ex.in.req.target(), 0, false);
  discount_left_out(res, t.left_out);
  co_return res;
}

}  // namespace ocpi::proxy
