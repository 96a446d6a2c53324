// Locations, IOP calling (MAPPING §3.1.1): L4 IOP pulls a legacy CPO's Locations through the
// bridge; L5/L6 IOP pushes (or checks) Locations at a legacy eMSP.
#include <simdjson.h>

#include "ocpi/json_writer.hpp"
#include "proxy/router/hops.hpp"
#include "proxy/router/location_fetch.hpp"
#include "proxy/router/pulls.hpp"
#include "proxy/router/routes.hpp"

namespace ocpi::proxy {

namespace {

object_kind kind_for_depth(std::size_t depth) {
  return depth == 0 ? object_kind::location : depth == 1 ? object_kind::evse : object_kind::connector;
}

// publish flag of a cached 2.2.1 Location (absent = published).
std::optional<bool> cached_publish(runtime& rt, const party& owner, std::string_view id) {
  const auto text = rt.state.location(owner, id);
  if (!text) return std::nullopt;
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  if (p.parse(*text).get(doc)) return std::nullopt;
  bool publish = true;
  if (doc["publish"].get(publish)) publish = true;  // absent: published (2.2.1 makes it mandatory)
  return publish;
}

}  // namespace

route_result locations_pull_from_legacy_cpo(runtime& rt, exchange& ex, const segments& rest) {
  ex.route = rest.empty() ? "L4 locations GET list" : "L4 location GET";
  if (ex.in.req.method() != http::verb::get) co_return envelope_response(ex, 405, status::client_error, "method not allowed");
  if (rest.size() > 3) co_return envelope_response(ex, 404, status::client_error, "unknown route");
  response refused;
  const legacy_config* cpo = fromiop_party(rt, ex, party_role::cpo, refused);
  if (!cpo) co_return refused;
  const legacy_party& me = rt.party_of(*cpo);
  const auto target =
      legacy_url(rt, ex, *cpo, "locations", rest, rest.empty() ? forwarded_query(ex.in.req.target()) : "", refused);
  if (!target) co_return refused;
  auto hop = co_await call_legacy(rt, ex, *cpo, http::verb::get, *target, {});
  std::string data;
  std::size_t count = 0, left_out = 0;
  if (hop.up.ok() && hop.env && hop.env->status_code < 2000 && !hop.env->data.empty()) {
    translate_request tr{.kind = rest.empty() ? object_kind::location : kind_for_depth(rest.size() - 1),
                         .dir = direction::up,
                         .shape = rest.empty() ? input_shape::list : input_shape::object,
                         .legacy = &me,
                         .owner = me.id,
                         .to = recipient::hub};
    auto t = translate(tr, hop.env->data, rt.state, hop.env->data.capacity());
    if (!t.ok())
      co_return to_iop(
          rt, ex,
          envelope_response(ex, 502, status::server_error, "legacy answer not translatable: " + t.err->describe()));
    if (rest.empty()) count = array_size(hop.env->data);
    left_out = t.left_out;
    data = std::move(t.body);
  }
  response res = relay_legacy_answer(ex, hop.up, hop.env, data);
  if (rest.empty() && hop.up.ok()) {
    relay_pagination(hop.up.res, res, rt.hub_base + "/ocpi/2.2.1/cpo/locations", ex.in.req.target(), count, true);
    discount_left_out(res, left_out);
  }
  co_return to_iop(rt, ex, std::move(res));
}

route_result locations_to_legacy_emsp(runtime& rt, exchange& ex, const segments& rest) {
  const auto method = ex.in.req.method();
  const bool is_get = method == http::verb::get, is_put = method == http::verb::put, is_patch = method == http::verb::patch;
  ex.route = is_get ? "L6 location GET" : is_put ? "L5 location PUT" : "L5 location PATCH";
  if (!is_get && !is_put && !is_patch) co_return envelope_response(ex, 405, status::client_error, "method not allowed");
  response refused;
  const legacy_config* emsp = fromiop_party(rt, ex, party_role::emsp, refused);
  if (!emsp) co_return refused;
  const legacy_party& me = rt.party_of(*emsp);
  auto finish = [&](response res) { return to_iop(rt, ex, std::move(res)); };
  if (rest.size() < 3 || rest.size() > 5) co_return finish(envelope_response(ex, 404, status::client_error, "unknown route"));
  const party owner{rest[0], rest[1]};
  const object_kind kind = kind_for_depth(rest.size() - 3);
  const auto endpoint = rt.dirs.legacy(rt.legacy_index(*emsp), "locations");
  if (!endpoint) co_return finish(legacy_endpoint_missing(rt, ex, *emsp, "locations"));

  std::string body_211;
  if (!is_get) {
    std::string& body = ex.in.req.body();
    const body_facts facts = peek(body, body.capacity());
    const auto& body_id = kind == object_kind::evse ? facts.uid : facts.id;
    if (facts.valid_object && (is_put || body_id) && body_id.value_or("") != rest.back())
      co_return finish(envelope_response(ex, 200, status::invalid_parameters, "the id in the body differs from the id in the URL"));
    // §4.7: parts of a Location the legacy eMSP never got (publish=false) are acknowledged only.
    if (kind != object_kind::location && cached_publish(rt, owner, rest[2]) == false) {
      ex.note = "location not published: not forwarded (4.7)";
      co_return finish(envelope_response(ex, 200, status::success, "Success"));
    }
    translate_request tr{.kind = kind, .dir = direction::down, .shape = is_patch ? input_shape::patch : input_shape::object,
                         .legacy = &me, .owner = owner, .to = recipient::legacy_emsp,
                         .accept_patch_without_last_updated = rt.cfg.iop.accept_patch_without_last_updated};
    auto t = translate(tr, body, rt.state, body.capacity());
    if (!t.ok()) co_return finish(refusal(ex, *t.err, false));
    if (is_patch) note_quirks(ex, t);
    if (kind == object_kind::location && is_put) {
      const auto was_published = cached_publish(rt, owner, rest[2]);
      const auto old_evses = cached_evse_uids(rt, owner, rest[2]);
      rt.state.put_location(body);
      if (t.suppressed) {
        ex.note = "publish=false: not forwarded (4.7)";
        // Published -> unpublished: withdraw the EVSEs the legacy eMSP has (REMOVE_EVSES).
        if (was_published == true && rt.cfg.mapping.emsp_unpublish_action == "REMOVE_EVSES") {
          std::string patch = "{\"status\":\"REMOVED\",\"last_updated\":";
          json_writer::append_quoted(patch, facts.last_updated.value_or(rt.state.now()));
          patch += '}';
          const std::string exposed = rt.state.expose_location_id({owner, rest[2]}, {});
          for (const auto& uid : old_evses) {
            const auto evse_target = endpoint_target(*endpoint, {rest[0], rest[1], exposed, uid});
            if (!evse_target) continue;
            auto hop = co_await call_legacy(rt, ex, *emsp, http::verb::patch, *evse_target, patch);
            if (!hop.up.ok() || !hop.env || hop.env->status_code >= 2000) ex.note = "withdrawing EVSE " + uid + " failed";
          }
        }
        co_return finish(envelope_response(ex, 200, status::success, "Success"));
      }
    }
    body_211 = std::move(t.body);
  }
  segments legacy_segs = rest;
  legacy_segs[2] = rt.state.expose_location_id({owner, rest[2]}, {});
  const auto target = endpoint_target(*endpoint, legacy_segs);
  if (!target) co_return finish(envelope_response(ex, 502, status::server_error, "legacy backend published an unusable URL"));
  auto hop = co_await call_legacy(rt, ex, *emsp, method, *target, std::move(body_211));
  std::string data;
  if (is_get && hop.up.ok() && hop.env && hop.env->status_code < 2000 && !hop.env->data.empty()) {
    translate_request tr{.kind = kind, .dir = direction::up, .legacy = &me, .owner = owner, .to = recipient::hub};
    auto t = translate(tr, hop.env->data, rt.state, hop.env->data.capacity());
    if (t.ok()) data = std::move(t.body);
  }
  co_return finish(relay_legacy_answer(ex, hop.up, hop.env, data));
}

}  // namespace ocpi::proxy
