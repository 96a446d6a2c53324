// Tariffs, legacy side calling (MAPPING §3.6.1): F1-F4 a legacy CPO pushes, patches, deletes or
// checks its Tariffs at IOP's receiver; F7 a legacy eMSP pulls Tariffs from IOP's sender.
#include "ocpi/json_writer.hpp"
#include "proxy/pipeline/url_mapping.hpp"
#include "proxy/router/hops.hpp"
#include "proxy/router/json_edit.hpp"
#include "proxy/router/pulls.hpp"
#include "proxy/router/routes.hpp"
#include "proxy/router/store_forward.hpp"
#include "proxy/router/tariff_variants.hpp"

namespace ocpi::proxy {

namespace {

translate_request tariff_request(const legacy_party& me, const party& owner, direction dir, input_shape shape) {
  return {.kind = object_kind::tariff,
          .dir = dir,
          .shape = shape,
          .legacy = &me,
          .owner = owner,
          .to = dir == direction::up ? recipient::hub : recipient::legacy_cpo};
}

// F2 (§3.6.6): 2.2.1 has no Tariff PATCH. The cache holds the last full 2.2.1 Tariff IOP accepted
// from this CPO (the shared cache keeps 2.2.1 objects); it is brought back to 2.1.1, the PATCH
// members replace its members (`elements` as a whole), and the result goes up as a full PUT. That
// round trip is exact for what a 2.1.1 CPO can send: the up-conversion only drops Gireve 2.1.1
// display extensions, which the CPO never sent in the first place.
std::optional<std::string> merged_tariff_211(runtime& rt, exchange& ex, const legacy_party& me, const party& owner,
                                             const std::string& id, std::string_view patch_211) {
  if (rt.tables.tariff_deleted(owner, id)) return std::nullopt;
  const auto cached = rt.state.tariff(owner, id);
  if (!cached) return std::nullopt;
  auto base = translate(tariff_request(me, owner, direction::down, input_shape::object), *cached, rt.state);
  if (!base.ok() || base.suppressed) return std::nullopt;
  auto merged = merge_members(base.body, patch_211, true);
  if (!merged || member_json(patch_211, "last_updated")) return merged;
  std::string now;
  json_writer::append_quoted(now, rt.state.now());
  ex.note = "PATCH without last_updated: receive time used (1.8.4)";
  return with_member(*merged, "last_updated", now);
}

// F4: the CPO's own Tariff back from IOP, without the eMSP extensions.
route_result check_tariff(runtime& rt, exchange& ex, const legacy_party& me, const url& target, const party& owner) {
  auto hop = co_await call_iop(rt, ex, http::verb::get, target, {}, me.id, rt.cfg.mapping.iop);
  co_return relay_iop_object(rt, ex, hop, tariff_request(me, owner, direction::down, input_shape::object));
}

// F3: forwarded; the cached copy stops being a PATCH base. 2.2.1 advises against deleting a
// Tariff that connectors still reference; IOP, which holds the Locations, is left to judge.
route_result delete_tariff(runtime& rt, exchange& ex, const legacy_party& me, const url& target, const party& owner,
                           const std::string& id) {
  const auto sent = co_await forward_to_iop(rt, ex, "tariffs", http::verb::delete_, target, {}, me.id, rt.cfg.mapping.iop);
  if (taken(sent)) rt.tables.set_tariff_deleted(owner, id, true);
  co_return forwarded_answer(rt, ex, sent);
}

}  // namespace

route_result tariffs_from_legacy_cpo(runtime& rt, exchange& ex, const legacy_config& cpo, const segments& rest) {
  const auto method = ex.in.req.method();
  const bool is_get = method == http::verb::get, is_put = method == http::verb::put,
             is_patch = method == http::verb::patch, is_delete = method == http::verb::delete_;
  ex.route = is_get      ? "F4 tariff GET"
             : is_put    ? "F1 tariff PUT"
             : is_patch  ? "F2 tariff PATCH"
             : is_delete ? "F3 tariff DELETE"
                         : "F1-F4 tariff";
  if (!is_get && !is_put && !is_patch && !is_delete)
    co_return envelope_response(ex, 405, status::client_error, "method not allowed", "{}");
  const legacy_party& me = rt.party_of(cpo);
  response refused;
  const auto target = iop_receiver_url(rt, ex, me, "tariffs", rest, refused);
  if (!target) co_return refused;
  const party owner{rest[0], rest[1]};
  if (is_get) co_return co_await check_tariff(rt, ex, me, *target, owner);
  if (is_delete) co_return co_await delete_tariff(rt, ex, me, *target, owner, rest[2]);

  std::string& body = ex.in.req.body();
  const body_facts facts = peek(body, body.capacity());
  if (!facts.valid_object) {
    // Let the translation name what is wrong (malformed JSON -> 400, wrong type -> 2001).
    auto t = translate(tariff_request(me, owner, direction::up, input_shape::patch), body, rt.state, body.capacity());
    co_return refusal(ex, t.err.value_or(error{status::invalid_parameters, 200, {}, "expected a JSON object"}), true);
  }
  if (is_put || facts.id)
    if (auto err = check_object_id(rest[2], facts.id.value_or(""), version::v2_1_1)) co_return refusal(ex, *err, true);
  std::string full_211 = body;
  if (is_patch) {
    auto merged = merged_tariff_211(rt, ex, me, owner, rest[2], body);
    // No base to merge into: guessing the rest of the Tariff would invent prices (3.6.6, TV-18).
    if (!merged) co_return envelope_response(ex, 200, status::invalid_parameters, "send a PUT", "{}");
    if (!facts.only({"tariff_alt_text", "tariff_alt_url", "last_updated", "id"}))
      ex.note = "tariff_price_changed_in_place: Gireve asks for immutable tariffs (3.6)";
    full_211 = std::move(*merged);
  }
  auto t = translate(tariff_request(me, owner, direction::up, input_shape::object), full_211, rt.state);
  if (!t.ok()) co_return refusal(ex, *t.err, true);
  const std::string full = t.body;
  // 2.2.1 has no Tariff PATCH: F2 goes as a PUT of the merged Tariff. Queueable (§4.14).
  const auto sent = co_await forward_to_iop(rt, ex, "tariffs", http::verb::put, *target, std::move(t.body), me.id,
                                            rt.cfg.mapping.iop);
  if (taken(sent)) {
    rt.state.put_tariff(full);
    rt.tables.set_tariff_deleted(owner, rest[2], false);
  }
  co_return forwarded_answer(rt, ex, sent);
}

route_result tariffs_pull_by_legacy_emsp(runtime& rt, exchange& ex, const legacy_config& emsp, const segments& rest) {
  static constexpr pull_spec spec{
      .route = "F7 tariffs GET list",
      .module = "tariffs",
      .kind = object_kind::tariff,
      .prepare_page = [](runtime& rt, const legacy_party& me, std::vector<std::string>& objects) {
        for (const auto& o : objects) rt.state.put_tariff(o);  // for the connector tariff choice (4.4)
        select_page_variants(rt.tables, me.id, objects);
      }};
  co_return co_await pull_by_legacy_emsp(rt, ex, emsp, spec, rest);
}

}  // namespace ocpi::proxy
