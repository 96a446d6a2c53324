// Tariffs, IOP calling (MAPPING §3.6.1): F5 IOP pulls a legacy CPO's Tariffs through the bridge;
// F6 IOP pushes (PUT/DELETE) or checks Tariffs at a legacy eMSP, one variant per eMSP (§3.6.7).
#include "proxy/pipeline/url_mapping.hpp"
#include "proxy/router/hops.hpp"
#include "proxy/router/pulls.hpp"
#include "proxy/router/routes.hpp"
#include "proxy/router/tariff_variants.hpp"

namespace ocpi::proxy {

namespace {

translate_request down_request(const legacy_party& me, const party& owner) {
  return {
      .kind = object_kind::tariff, .dir = direction::down, .legacy = &me, .owner = owner, .to = recipient::legacy_emsp};
}

// What the legacy eMSP should now hold for (owner, id), or why nothing is sent. §3.6.7: every
// variant is kept; only the effective one is forwarded, and only when it changed.
struct tariff_push {
  std::optional<std::string> body_211;
  std::optional<error> err;
  std::string skipped;  // why nothing is sent (acknowledged 1000)
};

tariff_push prepare_push(runtime& rt, const legacy_party& me, const party& owner, const std::string& id,
                         const std::string& body) {
  tariff_push p;
  if (const body_facts facts = peek(body, body.capacity()); facts.valid_object) {
    p.err = check_object_id(id, facts.id.value_or(""), version::v2_2_1);
    if (!p.err) p.err = check_body_owner(body, owner);
    if (p.err) return p;
  }
  auto arriving = translate(down_request(me, owner), body, rt.state);
  if (!arriving.ok()) {
    p.err = std::move(arriving.err);
    return p;
  }
  const auto key = variant_key_of(body);
  rt.tables.put_tariff_variant(owner, id, {key ? key->target : std::string(), body});
  rt.state.put_tariff(body);  // for the connector tariff choice (4.4)
  const auto variants = rt.tables.tariff_variants(owner, id);
  const tariff_variant* effective = effective_variant(variants, me.id);
  if (!effective) {
    p.skipped = "variant for another operator: kept, not forwarded (3.6.7)";
    return p;
  }
  auto t = effective->json_221 == body ? std::move(arriving)
                                       : translate(down_request(me, owner), effective->json_221, rt.state);
  if (!t.ok() || t.suppressed) {
    p.skipped = t.ok() ? "tariff not forwarded to a legacy eMSP (type or elements, 3.6.2)"
                       : "effective variant not translatable";
    return p;
  }
  if (rt.tables.tariff_sent(me.id, owner, id) == t.body) {
    p.skipped = "effective variant unchanged: not re-sent (3.6.7)";
    return p;
  }
  p.body_211 = std::move(t.body);
  return p;
}

}  // namespace

route_result tariffs_pull_from_legacy_cpo(runtime& rt, exchange& ex, const segments& rest) {
  static constexpr pull_spec spec{.route = "F5 tariffs GET list", .module = "tariffs", .kind = object_kind::tariff};
  co_return co_await pull_from_legacy_cpo(rt, ex, spec, rest);
}

route_result tariffs_to_legacy_emsp(runtime& rt, exchange& ex, const segments& rest) {
  const auto method = ex.in.req.method();
  const bool is_get = method == http::verb::get, is_put = method == http::verb::put,
             is_delete = method == http::verb::delete_;
  ex.route = "F6 tariff " + std::string(ex.in.req.method_string());
  // 2.2.1 has no Tariff PATCH (3.6.6).
  if (!is_get && !is_put && !is_delete)
    co_return envelope_response(ex, 405, status::client_error, "method not allowed");
  response refused;
  // Tariff ids are never substituted: the Gireve 2.1.1 owner fields keep them unique (4.6).
  const auto at = emsp_object_url(rt, ex, "tariffs", rest, refused);
  if (!at) co_return refused;
  const legacy_config& emsp = *at->emsp;
  const legacy_party& me = rt.party_of(emsp);
  const party owner{rest[0], rest[1]};
  const std::string& id = rest[2];

  std::string body_211;
  if (is_put) {
    const std::string& body = ex.in.req.body();
    auto push = prepare_push(rt, me, owner, id, body);
    if (push.err) co_return to_iop(rt, ex, refusal(ex, *push.err, false));
    if (!push.body_211) co_return to_iop(rt, ex, acknowledged(ex, push.skipped));
    body_211 = std::move(*push.body_211);
  } else if (is_delete) {
    // A DELETE names no variant: all go; the legacy eMSP hears of it only if it had the Tariff (3.6.6).
    rt.tables.erase_tariff_variants(owner, id);
    if (!rt.tables.tariff_sent(me.id, owner, id))
      co_return to_iop(rt, ex, acknowledged(ex, "tariff never sent to this eMSP: acknowledged only (3.6.6)"));
  }
  const std::string sent = body_211;
  auto hop = co_await call_legacy(rt, ex, emsp, method, at->target, std::move(body_211));
  if (accepted(hop) && is_put) rt.tables.set_tariff_sent(me.id, owner, id, sent);
  if (accepted(hop) && is_delete) rt.tables.erase_tariff_sent(me.id, owner, id);
  std::string data;
  if (is_get && hop.up.ok() && hop.env && hop.env->status_code < 2000 && !hop.env->data.empty()) {
    translate_request tr{
        .kind = object_kind::tariff, .dir = direction::up, .legacy = &me, .owner = owner, .to = recipient::hub};
    auto t = translate(tr, hop.env->data, rt.state, hop.env->data.capacity());
    if (t.ok()) data = std::move(t.body);
  }
  co_return to_iop(rt, ex, relay_legacy_answer(ex, hop.up, hop.env, data));
}

}  // namespace ocpi::proxy
