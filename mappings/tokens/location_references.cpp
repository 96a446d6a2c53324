// LocationReferences, MAPPING §3.2.4: connector_ids removed in 2.2 (up), Location ids exposed to
// legacy eMSPs (down, §4.6), long ids (§1.9).
#include <array>

#include "engine/walk.hpp"
#include "tokens/entries.hpp"
#include "tokens/id_rules.hpp"
#include "tokens/location_references.hpp"

namespace ocpi::mappings::tokens {

namespace {

// The gireve_id of a cached Location, which expose_location_id prefers (§4.6). Views into the
// thread's side parser: valid until its next parse.
std::string_view cached_gireve_id(const mapping_context& ctx, const party& owner, std::string_view id) {
  thread_local side_parser parser;
  const auto cached = ctx.location(owner, id);
  if (!cached) return {};
  simdjson::dom::element loc;
  std::string_view gireve_id;
  if (parser.parse(*cached, loc) || loc["gireve_id"].get(gireve_id)) return {};
  return gireve_id;
}

// Toward a legacy eMSP (T4) the Location id is the one that eMSP knows (§4.6). Its owner is the
// OCPI-from party when that is a CPO; the hub itself owns no Location.
bool location_id_down(walk& w, const field_rule& r, od::value v, object_state& st) {
  if (w.req.to != recipient::legacy_emsp) return id_down(w, r, v, st);
  std::string_view id;
  if (!w.read_string(v, {}, id)) return false;
  if (id.size() > 36) return w.fail(status::invalid_parameters, {}, "longer than 36 characters");
  const std::optional<party>& from = w.req.from;
  if (!from || from->same(w.opts().iop)) {
    // No owner-less lookup exists in mapping_context (see NOTES.md): the id is sent as received.
    w.lost(loss_kind::warning, {}, "Location owner unknown: owner id sent, not the exposed id (4.6)");
    w.out.field(r.target(), id);
    return true;
  }
  const std::string gireve_id(cached_gireve_id(w.ctx, *from, id));
  w.out.field(r.target(), w.ctx.expose_location_id({*from, std::string(id)}, gireve_id));
  return true;
}

constexpr std::array up_fields{
    field_rule{.in = "location_id", .k = kind::custom, .required = true, .fn = long_id_up, .section = "3.2.4"},
    field_rule{.in = "evse_uids", .k = kind::custom, .fn = long_id_array_up, .section = "3.2.4"},
    field_rule{.in = "connector_ids", .k = kind::drop, .section = "3.2.4"},
};

constexpr std::array down_fields{
    field_rule{.in = "location_id", .k = kind::custom, .required = true, .fn = location_id_down, .section = "3.2.4"},
    field_rule{.in = "evse_uids", .k = kind::custom, .fn = id_array_down, .section = "3.2.4"},
};

}  // namespace

const object_rules location_references_rules_up{"LocationReferences 2.1.1", up_fields};
const object_rules location_references_rules_down{"LocationReferences 2.2.1", down_fields};

bool location_references_up(walk& w, od::value root, bool* dropped) {
  return w.object(root, location_references_rules_up, nullptr, dropped);
}
bool location_references_down(walk& w, od::value root, bool* dropped) {
  return w.object(root, location_references_rules_down, nullptr, dropped);
}

}  // namespace ocpi::mappings::tokens
