// Tokens, IOP calling (MAPPING §3.2): T3 IOP pulls a legacy eMSP's Tokens; T4 real-time
// authorization at a legacy eMSP; T8 IOP pushes (or checks) Tokens at a legacy CPO.
#include "proxy/pipeline/url_mapping.hpp"
#include "proxy/router/hops.hpp"
#include "proxy/router/pulls.hpp"
#include "proxy/router/routes.hpp"

namespace ocpi::proxy {

route_result tokens_from_legacy_emsp_for_iop(runtime& rt, exchange& ex, const segments& rest) {
  const bool authorize = rest.size() == 2 && rest[1] == "authorize";
  ex.route = authorize ? "T4 authorize" : "T3 tokens GET list";
  std::string why;
  const legacy_config* emsp = addressed(rt, ex, party_role::emsp, why);
  if (!emsp) co_return envelope_response(ex, 200, status::invalid_parameters, why);
  ex.legacy = emsp;
  const legacy_party& me = rt.party_of(*emsp);
  auto finish = [&](response res) {
    answer_routing(rt, ex, res, *emsp);
    return res;
  };
  const auto method = ex.in.req.method();
  if ((authorize && method != http::verb::post) || (!authorize && method != http::verb::get))
    co_return finish(envelope_response(ex, 405, status::client_error, "method not allowed"));
  if (!authorize && !rest.empty()) co_return finish(envelope_response(ex, 404, status::client_error, "unknown route"));
  const auto endpoint = rt.dirs.legacy(rt.legacy_index(*emsp), "tokens");
  if (!endpoint) co_return finish(legacy_endpoint_missing(rt, ex, *emsp, "tokens"));

  if (authorize) {
    const std::string type = query_value(query_string(ex), "type").value_or("");
    std::string body_211;
    std::string& body = ex.in.req.body();
    if (!body.empty()) {
      translate_request tr{.kind = object_kind::location_references, .dir = direction::down, .legacy = &me,
                           .to = recipient::legacy_emsp, .from = routing_party(ex.in.req, "OCPI-from")};
      auto t = translate(tr, body, rt.state, body.capacity());
      if (!t.ok()) co_return finish(refusal(ex, *t.err, false));
      body_211 = std::move(t.body);
    }
    const auto target = endpoint_target(*endpoint, {rest[0], "authorize"}, type.empty() ? "" : "type=" + percent_encode_segment(type));
    if (!target) co_return finish(envelope_response(ex, 502, status::server_error, "legacy backend published an unusable URL"));
    auto hop = co_await call_legacy(rt, ex, *emsp, http::verb::post, *target, std::move(body_211), rt.cfg.bridge.authorize_timeout);
    std::string data;
    if (hop.up.ok() && hop.env && hop.env->status_code < 2000 && !hop.env->data.empty()) {
      translate_request tr{.kind = object_kind::authorization_info, .dir = direction::up, .legacy = &me, .owner = me.id,
                           .to = recipient::hub, .token_uid = rest[0], .token_type = type};
      auto t = translate(tr, hop.env->data, rt.state, hop.env->data.capacity());
      if (!t.ok()) co_return finish(envelope_response(ex, 502, status::server_error, "legacy answer not translatable: " + t.err->describe()));
      if (!t.losses.empty()) ex.note = std::to_string(t.losses.size()) + " field(s) derived or dropped";
      data = std::move(t.body);
    }
    co_return finish(relay_legacy_answer(ex, hop.up, hop.env, data, true));
  }

  const auto target = endpoint_target(*endpoint, {}, forwarded_query(ex.in.req.target()));
  if (!target) co_return finish(envelope_response(ex, 502, status::server_error, "legacy backend published an unusable URL"));
  auto hop = co_await call_legacy(rt, ex, *emsp, http::verb::get, *target, {});
  std::string data;
  std::size_t count = 0, left_out = 0;
  if (hop.up.ok() && hop.env && hop.env->status_code < 2000) {
    translate_request tr{.kind = object_kind::token, .dir = direction::up, .shape = input_shape::list, .legacy = &me,
                         .to = recipient::hub};
    auto t = translate(tr, hop.env->data.empty() ? "[]" : hop.env->data, rt.state);
    if (!t.ok()) co_return finish(envelope_response(ex, 502, status::server_error, "legacy answer not translatable: " + t.err->describe()));
    count = array_size(hop.env->data);
    left_out = t.left_out;
    data = std::move(t.body);
  }
  response res = relay_legacy_answer(ex, hop.up, hop.env, data);
  if (hop.up.ok()) {
    relay_pagination(hop.up.res, res, rt.hub_base + "/ocpi/2.2.1/emsp/tokens", ex.in.req.target(), count, true);
    discount_left_out(res, left_out);
  }
  co_return finish(std::move(res));
}

route_result tokens_to_legacy_cpo(runtime& rt, exchange& ex, const segments& rest) {
  const auto method = ex.in.req.method();
  const bool is_get = method == http::verb::get, is_put = method == http::verb::put, is_patch = method == http::verb::patch;
  ex.route = is_get ? "T8 token GET" : is_put ? "T8 token PUT" : "T8 token PATCH";
  std::string why;
  const legacy_config* cpo = addressed(rt, ex, party_role::cpo, why);
  if (!cpo) co_return envelope_response(ex, 200, status::invalid_parameters, why);
  ex.legacy = cpo;
  const legacy_party& me = rt.party_of(*cpo);
  auto finish = [&](response res) {
    answer_routing(rt, ex, res, *cpo);
    return res;
  };
  if (!is_get && !is_put && !is_patch) co_return finish(envelope_response(ex, 405, status::client_error, "method not allowed"));
  if (rest.size() != 3) co_return finish(envelope_response(ex, 404, status::client_error, "unknown route"));
  const party owner{rest[0], rest[1]};
  const auto endpoint = rt.dirs.legacy(rt.legacy_index(*cpo), "tokens");
  if (!endpoint) co_return finish(legacy_endpoint_missing(rt, ex, *cpo, "tokens"));
  std::string body_211;
  if (!is_get) {
    std::string& body = ex.in.req.body();
    const body_facts facts = peek(body, body.capacity());
    if (facts.valid_object && (is_put || facts.uid) && facts.uid.value_or("") != rest[2])
      co_return finish(envelope_response(ex, 200, status::invalid_parameters, "the uid in the body differs from the uid in the URL"));
    translate_request tr{.kind = object_kind::token, .dir = direction::down, .shape = is_patch ? input_shape::patch : input_shape::object,
                         .legacy = &me, .owner = owner, .to = recipient::legacy_cpo,
                         .accept_patch_without_last_updated = rt.cfg.iop.accept_patch_without_last_updated};
    auto t = translate(tr, body, rt.state, body.capacity());
    if (!t.ok()) co_return finish(refusal(ex, *t.err, false));
    if (is_patch) note_quirks(ex, t);
    if (is_put) rt.state.put_token(body);  // T6 answers from this cache
    body_211 = std::move(t.body);
  }
  // §3.2.2 note: 2.1.1 has no `?type=`; it is dropped.
  const auto target = endpoint_target(*endpoint, rest);
  if (!target) co_return finish(envelope_response(ex, 502, status::server_error, "legacy backend published an unusable URL"));
  auto hop = co_await call_legacy(rt, ex, *cpo, method, *target, std::move(body_211));
  std::string data;
  if (is_get && hop.up.ok() && hop.env && hop.env->status_code < 2000 && !hop.env->data.empty()) {
    translate_request tr{.kind = object_kind::token, .dir = direction::up, .legacy = &me, .owner = owner, .to = recipient::hub};
    auto t = translate(tr, hop.env->data, rt.state, hop.env->data.capacity());
    if (t.ok()) data = std::move(t.body);
  }
  co_return finish(relay_legacy_answer(ex, hop.up, hop.env, data));
}

}  // namespace ocpi::proxy
