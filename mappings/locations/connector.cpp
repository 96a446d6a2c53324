// Connector, MAPPING §3.1.4. The worked example of a rules table: renames (voltage ->
// max_voltage), enum tables, and two custom rows for tariff_id <-> tariff_ids.
#include <array>
#include <charconv>

#include "common/enums.hpp"
#include "common/text.hpp"
#include "locations/entries.hpp"
#include "locations/rules.hpp"
#include "locations/tariff_choice.hpp"

namespace ocpi::mappings::locations {

namespace {

// slot[3] of a Connector state (up): its tariff id, for the EVSE's §4.4 divergence check. Slots 0/1
// stay empty: tariff_owner() reads them as the owner of the enclosing Location.
constexpr std::size_t tariff_slot = 3;

// 2.1.1 `tariff_id` (one) -> 2.2.1 `tariff_ids` (list). A PATCH null clears: `[]` (§1.8.4).
bool tariff_id_up(walk& w, const field_rule&, od::value v, object_state& st) {
  bool null = false;
  if (auto ec = v.is_null().get(null)) return w.fail_json({}, ec);
  w.out.plain_key("tariff_ids");
  w.out.begin_array();
  if (!null) {
    std::string_view id;
    if (!w.read_string(v, {}, id)) return false;
    if (id.size() > 36) return w.fail(status::invalid_parameters, {}, "longer than 36 characters");
    w.out.string(id);
    st.slot[tariff_slot] = id;
  }
  w.out.end_array();
  return true;
}

// §4.4 ToIOP 1: IOP applies the first connector's tariff ids to the whole EVSE; connectors that
// disagree are forwarded unchanged and the EVSE warns (see evse.cpp).
void track_evse_tariff(const object_state& st) {
  object_state* evse = st.parent;
  if (!evse || evse->rules != &evse_rules_up) return;
  if (evse->count++ == 0) evse->slot[tariff_slot] = st.slot[tariff_slot];
  else if (!iequals(evse->slot[tariff_slot], st.slot[tariff_slot])) evse->flags |= evse_tariff_divergent;
}

bool connector_up_end(walk& w, object_state& st) {
  patch_last_updated(w, st);
  if (!w.patch() && !st.has("tariff_id"))
    w.lost(loss_kind::warning, "tariff_id", "missing: Gireve requires tariff ids on every connector (4.4, 4.11)");
  track_evse_tariff(st);
  return true;
}

constexpr std::array up_fields{
    field_rule{.in = "id", .k = kind::string, .required = true, .max_len = 36, .section = "3.1.4"},
    field_rule{.in = "standard", .k = kind::enumeration, .required = true, .enums = &enums::connector_type_up, .section = "3.1.4"},
    field_rule{.in = "format", .k = kind::enumeration, .required = true, .enums = &enums::connector_format, .section = "3.1.4"},
    field_rule{.in = "power_type", .k = kind::enumeration, .required = true, .enums = &enums::power_type_up, .section = "3.1.4"},
    field_rule{.in = "voltage", .out = "max_voltage", .k = kind::integer, .required = true, .section = "3.1.4"},
    field_rule{.in = "amperage", .out = "max_amperage", .k = kind::integer, .required = true, .section = "3.1.4"},
    field_rule{.in = "tariff_id", .k = kind::custom, .fn = tariff_id_up, .section = "3.1.4"},
    field_rule{.in = "terms_and_conditions", .k = kind::string, .section = "3.1.4"},
    field_rule{.in = "last_updated", .k = kind::datetime, .required = true, .section = "3.1.4"},
};

// 2.2.1 `standard` values added in 2.2 have no 2.1.1 plug type: the connector is dropped rather
// than shown to a driver with a wrong plug (§3.1.4 Decision).
bool standard_down(walk& w, const field_rule& r, od::value v, object_state& st) {
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  const enum_value* e = r.enums->find(s);
  if (!e) return w.fail(status::invalid_parameters, {}, "'" + std::string(s) + "' is not a valid ConnectorType");
  if (e->to.empty()) {
    st.drop = true;
    w.lost(loss_kind::dropped, {}, "connector removed: standard ", s, " does not exist in 2.1.1 (3.1.4)");
    return true;
  }
  w.out.plain_key("standard");
  w.out.plain_string(e->to);
  return true;
}

bool power_type_down(walk& w, const field_rule& r, od::value v, object_state&) {
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  const enum_value* e = r.enums->find(s);
  if (!e) return w.fail(status::invalid_parameters, {}, "'" + std::string(s) + "' is not a valid PowerType");
  if (e->to != s) w.lost(loss_kind::derived, {}, s, " written as ", e->to, " (3.1.4)");
  w.out.plain_key("power_type");
  w.out.plain_string(e->to);
  return true;
}

// 2.2.1 `tariff_ids` -> the single 2.1.1 `tariff_id` chosen by §4.4.
bool tariff_ids_down(walk& w, const field_rule&, od::value v, object_state& st) {
  bool null = false;
  if (auto ec = v.is_null().get(null)) return w.fail_json({}, ec);
  if (null) {  // PATCH null: nothing a 2.1.1 PATCH could express beyond "unchanged"; never silent
    w.lost(loss_kind::dropped, {}, null_list_in_221_patch);
    return true;
  }
  od::array arr;
  if (auto ec = v.get_array().get(arr)) return w.fail_json({}, ec);
  std::array<std::string_view, 16> ids{};
  std::size_t n = 0, total = 0;
  for (auto e : arr) {
    std::string_view id;
    od::value ev;
    if (auto ec = e.get(ev)) return w.fail_json({}, ec);
    if (!w.read_string(ev, {}, id)) return false;
    if (id.size() > 36) return w.fail(status::invalid_parameters, {}, "longer than 36 characters");
    if (n < ids.size()) ids[n++] = id;
    ++total;
  }
  if (n == 0) return true;  // `[]` -> no tariff_id
  const party owner = tariff_owner(w, st);
  const std::string_view chosen = choose_tariff_id(w.ctx, owner, {ids.data(), n});
  if (total > 1) {
    char n[24];
    const char* n_end = std::to_chars(n, n + sizeof n, total).ptr;
    w.lost(loss_kind::dropped, {}, "kept tariff ", chosen, " of ", {n, n_end}, " (4.4)");
  }
  w.out.plain_key("tariff_id");
  w.out.string(chosen);
  return true;
}

constexpr std::array down_fields{
    field_rule{.in = "id", .k = kind::string, .required = true, .max_len = 36, .section = "3.1.4"},
    field_rule{.in = "standard", .k = kind::custom, .required = true, .enums = &enums::connector_type_down, .fn = standard_down, .section = "3.1.4"},
    field_rule{.in = "format", .k = kind::enumeration, .required = true, .enums = &enums::connector_format, .section = "3.1.4"},
    field_rule{.in = "power_type", .k = kind::custom, .required = true, .enums = &enums::power_type_down, .fn = power_type_down, .section = "3.1.4"},
    field_rule{.in = "max_voltage", .out = "voltage", .k = kind::integer, .required = true, .section = "3.1.4"},
    field_rule{.in = "max_amperage", .out = "amperage", .k = kind::integer, .required = true, .section = "3.1.4"},
    field_rule{.in = "max_electric_power", .k = kind::drop, .section = "3.1.4"},
    field_rule{.in = "tariff_ids", .k = kind::custom, .fn = tariff_ids_down, .section = "4.4"},
    field_rule{.in = "terms_and_conditions", .k = kind::string, .section = "3.1.4"},
    field_rule{.in = "last_updated", .k = kind::datetime, .required = true, .section = "3.1.4"},
};

}  // namespace

const object_rules connector_rules_up{"Connector 2.1.1", up_fields, nullptr, connector_up_end};
const object_rules connector_rules_down{"Connector 2.2.1", down_fields};

bool connector_up(walk& w, od::value root, bool* dropped) { return w.object(root, connector_rules_up, nullptr, dropped); }
bool connector_down(walk& w, od::value root, bool* dropped) { return w.object(root, connector_rules_down, nullptr, dropped); }

}  // namespace ocpi::mappings::locations
