// Sessions, legacy side calling (MAPPING §3.4.1): S1/S2/S3 a legacy CPO pushes or checks its
// Sessions at IOP's receiver; S8 a legacy eMSP pulls Sessions from IOP's sender.
#include "proxy/pipeline/url_mapping.hpp"
#include "proxy/router/hops.hpp"
#include "proxy/router/json_edit.hpp"
#include "proxy/router/location_fetch.hpp"
#include "proxy/router/pulls.hpp"
#include "proxy/router/routes.hpp"
#include "proxy/router/session_patch.hpp"
#include "proxy/router/store_forward.hpp"

namespace ocpi::proxy {

namespace {

translate_request up_request(const legacy_party& me, const party& owner, input_shape shape) {
  return {.kind = object_kind::session,
          .dir = direction::up,
          .shape = shape,
          .legacy = &me,
          .owner = owner,
          .to = recipient::hub};
}

// S3: the CPO's own Session comes back down with its own Location (no eMSP emulations).
route_result check_session(runtime& rt, exchange& ex, const legacy_config& cpo, const url& target, const party& owner) {
  const legacy_party& me = rt.party_of(cpo);
  auto hop = co_await call_iop(rt, ex, http::verb::get, target, {}, me.id, rt.cfg.mapping.iop);
  if (accepted(hop) && !hop.env->data.empty()) {
    const std::string location_id = string_at(hop.env->data, {"location_id"}).value_or("");
    co_await ensure_location_from_legacy_cpo(rt, ex, cpo, location_id);
  }
  const translate_request tr{
      .kind = object_kind::session, .dir = direction::down, .legacy = &me, .owner = owner, .to = recipient::legacy_cpo};
  co_return relay_iop_object(rt, ex, hop, tr);
}

// S2 (§3.4.6): the translated PATCH merged into the last full Session sent, PUT (PUT_MERGED) or
// sent as a delta (PATCH_DELTA); the cache follows what IOP accepted.
route_result patch_session(runtime& rt, exchange& ex, const legacy_party& me, const url& target, const party& owner,
                           const std::string& id, std::string patch_221) {
  const auto cached = rt.state.session(owner, id);
  const auto plan = plan_toiop_session_patch(cached ? std::optional<std::string_view>(*cached) : std::nullopt,
                                             patch_221, rt.cfg.mapping.sessions_patch_strategy == "PATCH_DELTA");
  if (!plan)
    co_return envelope_response(ex, 200, status::server_error, "cached Session unusable for a PATCH merge", "{}");
  if (!plan->warning.empty()) ex.note = plan->warning;
  // Queueable (§4.14); a queued merge is the base of the next one ("cache updated at enqueue time").
  const auto sent = co_await forward_to_iop(rt, ex, "sessions", plan->put ? http::verb::put : http::verb::patch, target,
                                            plan->body, me.id, rt.cfg.mapping.iop);
  if (taken(sent) && !plan->merged.empty()) rt.state.put_session(plan->merged);
  co_return forwarded_answer(rt, ex, sent);
}

}  // namespace

route_result sessions_from_legacy_cpo(runtime& rt, exchange& ex, const legacy_config& cpo, const segments& rest) {
  const auto method = ex.in.req.method();
  const bool is_get = method == http::verb::get, is_put = method == http::verb::put,
             is_patch = method == http::verb::patch;
  ex.route = is_get ? "S3 session GET" : is_put ? "S1 session PUT" : is_patch ? "S2 session PATCH" : "S1-S3 session";
  if (!is_get && !is_put && !is_patch)
    co_return envelope_response(ex, 405, status::client_error, "method not allowed", "{}");
  const legacy_party& me = rt.party_of(cpo);
  response refused;
  const auto target = iop_receiver_url(rt, ex, me, "sessions", rest, refused);
  if (!target) co_return refused;
  const party owner{rest[0], rest[1]};
  if (is_get) co_return co_await check_session(rt, ex, cpo, *target, owner);

  std::string& body = ex.in.req.body();
  const body_facts facts = peek(body, body.capacity());
  // §1.8.2: the URL id must equal the body id (a PATCH need not repeat it).
  if (facts.valid_object && (is_put || facts.id))
    if (auto err = check_object_id(rest[2], facts.id.value_or(""), version::v2_1_1)) co_return refusal(ex, *err, true);
  auto t = translate(up_request(me, owner, is_patch ? input_shape::patch : input_shape::object), body, rt.state,
                     body.capacity());
  if (!t.ok()) co_return refusal(ex, *t.err, true);
  if (!t.losses.empty()) ex.note = std::to_string(t.losses.size()) + " field(s) not carried over";
  if (is_patch) co_return co_await patch_session(rt, ex, me, *target, owner, rest[2], std::move(t.body));
  const std::string full = t.body;
  const auto sent = co_await forward_to_iop(rt, ex, "sessions", http::verb::put, *target, std::move(t.body), me.id,
                                            rt.cfg.mapping.iop);
  // The base of later PATCH merges (§3.4.6, §5.3): the full 2.2.1 Session IOP accepted (or queued).
  if (taken(sent)) rt.state.put_session(full);
  co_return forwarded_answer(rt, ex, sent);
}

route_result sessions_pull_by_legacy_emsp(runtime& rt, exchange& ex, const legacy_config& emsp, const segments& rest) {
  static constexpr pull_spec spec{.route = "S8 sessions GET list",
                                  .module = "sessions",
                                  .kind = object_kind::session,
                                  .date_from_required = true,
                                  .location = embedded_location::session};
  co_return co_await pull_by_legacy_emsp(rt, ex, emsp, spec, rest);
}

}  // namespace ocpi::proxy
