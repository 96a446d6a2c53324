// Sessions, IOP calling (MAPPING §3.4.1): S4 IOP pulls a legacy CPO's Sessions through the bridge,
// S5 charging preferences (no 2.1.1 counterpart); S6/S7 IOP pushes (or checks) Sessions at a
// legacy eMSP.
#include "ocpi/json_writer.hpp"
#include "proxy/pipeline/url_mapping.hpp"
#include "proxy/router/hops.hpp"
#include "proxy/router/json_edit.hpp"
#include "proxy/router/location_fetch.hpp"
#include "proxy/router/pulls.hpp"
#include "proxy/router/routes.hpp"
#include "proxy/router/session_patch.hpp"

namespace ocpi::proxy {

namespace {

translate_request down_request(const runtime& rt, const legacy_party& me, const party& owner, input_shape shape) {
  return {.kind = object_kind::session,
          .dir = direction::down,
          .shape = shape,
          .legacy = &me,
          .owner = owner,
          .to = recipient::legacy_emsp,
          .accept_patch_without_last_updated = rt.cfg.iop.accept_patch_without_last_updated};
}

// S6 PUT/PATCH body for the legacy eMSP, and the 2.2.1 Session to cache once it accepted.
struct session_push {
  std::optional<std::string> body_211;
  std::string cache_221;
  std::optional<error> err;
};

// §3.4.5: the embedded 2.1.1 Location is rebuilt from the cache, filled from IOP on a miss; a
// Session whose Location cannot be obtained is refused with 3000 and nothing is sent.
boost::asio::awaitable<session_push> prepare_push(runtime& rt, exchange& ex, const legacy_party& me, const party& owner,
                                                  const std::string& id, const std::string& body, bool is_patch) {
  session_push p;
  std::string to_translate = body;
  if (is_patch) {
    const auto cached = rt.state.session(owner, id);
    const auto plan =
        plan_fromiop_session_patch(cached ? std::optional<std::string_view>(*cached) : std::nullopt, body);
    if (!plan) {
      // The translation says precisely what is wrong (a body that is not JSON is a 400).
      const auto t = translate(down_request(rt, me, owner, input_shape::patch), body, rt.state);
      p.err = t.err.value_or(error{status::invalid_parameters, 200, {}, "PATCH body is not a JSON object"});
      co_return p;
    }
    if (!plan->warning.empty()) ex.note = plan->warning;
    to_translate = plan->patch_221;
    p.cache_221 = plan->merged;
  } else {
    p.cache_221 = body;
  }
  const std::string location_id = string_at(to_translate, {"location_id"}).value_or("");
  const std::string evse_uid = string_at(to_translate, {"evse_uid"}).value_or("");
  co_await ensure_location_from_iop(rt, ex, me, owner, location_id, evse_uid);
  auto t = translate(down_request(rt, me, owner, is_patch ? input_shape::patch : input_shape::object), to_translate,
                     rt.state);
  if (is_patch) note_quirks(ex, t);
  if (!t.ok())
    p.err = std::move(t.err);
  else
    p.body_211 = std::move(t.body);
  co_return p;
}

// S7: the Session as the legacy eMSP holds it, up-converted.
route_result check_at_emsp(runtime& rt, exchange& ex, const legacy_config& emsp, const url& target,
                           const party& owner) {
  const legacy_party& me = rt.party_of(emsp);
  auto hop = co_await call_legacy(rt, ex, emsp, http::verb::get, target, {});
  std::string data;
  if (hop.up.ok() && hop.env && hop.env->status_code < 2000 && !hop.env->data.empty()) {
    translate_request tr{
        .kind = object_kind::session, .dir = direction::up, .legacy = &me, .owner = owner, .to = recipient::hub};
    auto t = translate(tr, hop.env->data, rt.state, hop.env->data.capacity());
    if (!t.ok())
      co_return envelope_response(ex, 502, status::server_error,
                                  "legacy answer not translatable: " + t.err->describe());
    data = std::move(t.body);
    // §4.6: the legacy eMSP holds the exposed Location id; IOP the owner's.
    if (const auto exposed = string_at(data, {"location_id"})) {
      std::string location_json;
      json_writer::append_quoted(location_json, owner_location_id(rt, *exposed));
      if (auto restored = with_member(data, "location_id", location_json)) data = std::move(*restored);
    }
  }
  co_return relay_legacy_answer(ex, hop.up, hop.env, data);
}

}  // namespace

route_result sessions_pull_from_legacy_cpo(runtime& rt, exchange& ex, const segments& rest) {
  // S5: 2.2.1 Sender PUT {id}/charging_preferences; a 2.1.1 EVSE cannot honour them.
  if (rest.size() == 2 && rest[1] == "charging_preferences") {
    ex.route = "S5 charging_preferences";
    response refused;
    if (!fromiop_party(rt, ex, party_role::cpo, refused)) co_return refused;
    co_return to_iop(
        rt, ex,
        envelope_response(ex, 404, status::invalid_parameters, "charging preferences are not supported by this CPO"));
  }
  static constexpr pull_spec spec{
      .route = "S4 sessions GET list", .module = "sessions", .kind = object_kind::session, .date_from_required = true};
  co_return co_await pull_from_legacy_cpo(rt, ex, spec, rest);
}

route_result sessions_to_legacy_emsp(runtime& rt, exchange& ex, const segments& rest) {
  const auto method = ex.in.req.method();
  const bool is_get = method == http::verb::get, is_put = method == http::verb::put,
             is_patch = method == http::verb::patch;
  ex.route = is_get ? "S7 session GET" : is_put ? "S6 session PUT" : is_patch ? "S6 session PATCH" : "S6/S7 session";
  if (!is_get && !is_put && !is_patch) co_return envelope_response(ex, 405, status::client_error, "method not allowed");
  response refused;
  // Session ids are Gireve's and cross unchanged in URL and body (§4.5).
  const auto at = emsp_object_url(rt, ex, "sessions", rest, refused);
  if (!at) co_return refused;
  const legacy_config& emsp = *at->emsp;
  const party owner{rest[0], rest[1]};
  if (is_get) {
    auto res = co_await check_at_emsp(rt, ex, emsp, at->target, owner);
    co_return to_iop(rt, ex, std::move(res));
  }

  std::string& body = ex.in.req.body();
  const body_facts facts = peek(body, body.capacity());
  if (facts.valid_object && (is_put || facts.id))
    if (auto err = check_object_id(rest[2], facts.id.value_or(""), version::v2_2_1))
      co_return to_iop(rt, ex, refusal(ex, *err, false));
  if (facts.valid_object && is_put)
    if (auto err = check_body_owner(body, owner)) co_return to_iop(rt, ex, refusal(ex, *err, false));
  auto push = co_await prepare_push(rt, ex, rt.party_of(emsp), owner, rest[2], body, is_patch);
  if (push.err) co_return to_iop(rt, ex, refusal(ex, *push.err, false));
  auto hop = co_await call_legacy(rt, ex, emsp, method, at->target, std::move(*push.body_211));
  // The base of later PATCHes from IOP (§3.4.6): only what the legacy eMSP accepted.
  if (accepted(hop) && !push.cache_221.empty()) rt.state.put_session(push.cache_221);
  co_return to_iop(rt, ex, relay_legacy_answer(ex, hop.up, hop.env, {}));
}

}  // namespace ocpi::proxy
