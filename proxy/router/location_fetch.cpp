#include "proxy/router/location_fetch.hpp"

#include <simdjson.h>

#include "mappings/common/text.hpp"
#include "proxy/router/hops.hpp"
#include "proxy/router/json_edit.hpp"

namespace ocpi::proxy {

std::vector<std::string> cached_evse_uids(runtime& rt, const party& owner, std::string_view id) {
  std::vector<std::string> uids;
  const auto text = rt.state.location(owner, id);
  if (!text) return uids;
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  simdjson::dom::array evses;
  if (p.parse(*text).get(doc) || doc["evses"].get(evses)) return uids;
  for (auto e : evses) {
    std::string_view uid;
    if (!e["uid"].get(uid)) uids.emplace_back(uid);
  }
  return uids;
}

bool location_cached(runtime& rt, const party& owner, std::string_view id, std::string_view evse_uid) {
  if (!rt.state.location(owner, id)) return false;
  if (evse_uid.empty()) return true;
  for (const auto& uid : cached_evse_uids(rt, owner, id))
    if (mappings::iequals(uid, evse_uid)) return true;
  return false;
}

boost::asio::awaitable<void> ensure_location_from_iop(runtime& rt, exchange& ex, const legacy_party& asking,
                                                      const party& owner, std::string_view id,
                                                      std::string_view evse_uid) {
  if (id.empty() || location_cached(rt, owner, id, evse_uid)) co_return;
  const auto endpoint = rt.dirs.iop("locations", "SENDER");
  // 2.2.1 Sender GET object: {locations_endpoint_url}/{location_id}; the owner travels in OCPI-to.
  const auto target = endpoint ? endpoint_target(*endpoint, {std::string(id)}) : std::nullopt;
  const std::string what = owner.country_code + "/" + owner.party_id + "/" + std::string(id);
  if (!target) {
    ex.note = "location " + what + " not cached and IOP offers no Locations SENDER";
    co_return;
  }
  const party to = rt.cfg.mapping.routing_directed_to == "OWNER" ? owner : rt.cfg.mapping.iop;
  const auto hop = co_await call_iop(rt, ex, http::verb::get, *target, {}, asking.id, to);
  // Only the Location asked for is cached: with to = IOP the hub resolves the owner from the id alone.
  const bool usable = accepted(hop) && !hop.env->data.empty() &&
                      party{string_at(hop.env->data, {"country_code"}).value_or(""),
                            string_at(hop.env->data, {"party_id"}).value_or("")}
                          .same(owner) &&
                      mappings::iequals(string_at(hop.env->data, {"id"}).value_or(""), id);
  if (!usable) {
    ex.note = "location " + what + " not obtainable from IOP";
    co_return;
  }
  rt.state.put_location(hop.env->data);
  ex.note = "location " + what + " fetched from IOP (3.4.5)";
}

boost::asio::awaitable<void> ensure_location_from_legacy_cpo(runtime& rt, exchange& ex, const legacy_config& cpo,
                                                             std::string_view id) {
  const legacy_party& me = rt.party_of(cpo);
  if (id.empty() || location_cached(rt, me.id, id)) co_return;
  const auto endpoint = rt.dirs.legacy(rt.legacy_index(cpo), "locations");
  const auto target = endpoint ? endpoint_target(*endpoint, {std::string(id)}) : std::nullopt;
  if (!target) co_return;
  const auto hop = co_await call_legacy(rt, ex, cpo, http::verb::get, *target, {});
  if (!accepted(hop) || hop.env->data.empty()) {
    ex.note = "own location " + std::string(id) + " not obtainable from the legacy CPO";
    co_return;
  }
  translate_request tr{
      .kind = object_kind::location, .dir = direction::up, .legacy = &me, .owner = me.id, .to = recipient::hub};
  auto t = translate(tr, hop.env->data, rt.state, hop.env->data.capacity());
  if (t.ok() && !t.suppressed) rt.state.put_location(t.body);
}

}  // namespace ocpi::proxy
