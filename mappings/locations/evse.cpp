// EVSE, MAPPING §3.1.3, with the Gireve rules that apply to it: the eMI3 evse_id prefix (§4.10),
// the fields Gireve requires (§4.11), the tariff divergence warning (§4.4) and, down, the EVSE
// left without a connector 2.1.1 can describe (§3.1.4).
#include <array>

#include "common/shared_rules.hpp"
#include "common/text.hpp"
#include "locations/entries.hpp"
#include "locations/rules.hpp"

namespace ocpi::mappings::locations {

namespace {

// slot[2] of an EVSE state: its status (up), for the "missing evse_id" rule. Slots 0/1 stay empty:
// tariff_owner() reads them as the owner of the enclosing Location.
constexpr std::size_t status_slot = 2;

// `evse_id` starts with the operator id, with or without its `*` separators (§4.10).
bool has_operator_prefix(std::string_view evse_id, std::string_view op) noexcept {
  if (istarts_with(evse_id, op)) return true;
  std::size_t i = 0;
  for (char c : op) {
    if (c == '*') continue;
    if (i >= evse_id.size() || !iequals(evse_id.substr(i, 1), std::string_view(&c, 1))) return false;
    ++i;
  }
  return true;
}

std::string operator_id(const walk& w) {
  if (w.req.legacy) return w.req.legacy->effective_operator_id();
  if (w.req.owner) return w.req.owner->emi3();
  return {};
}

// WARN logs and forwards (status updates must keep flowing); REJECT refuses with 2001.
bool prefix_violation(walk& w, std::string_view field, std::string message) {
  if (w.opts().evse_id_prefix_check == "REJECT") return w.fail(status::invalid_parameters, field, std::move(message));
  w.lost(loss_kind::warning, field, std::move(message));
  return true;
}

bool evse_id_up(walk& w, const field_rule& r, od::value v, object_state&) {
  bool ok = true;
  if (patch_null(w, v, ok)) return ok;
  std::string_view id;
  if (!w.read_string(v, {}, id)) return false;
  if (id.size() > r.max_len) return w.fail(status::invalid_parameters, {}, "longer than 48 characters");
  const std::string op = operator_id(w);
  if (!op.empty() && !has_operator_prefix(id, op) &&
      !prefix_violation(w, {}, "evse_id " + std::string(id) + " does not start with operator id " + op + " (4.10)"))
    return false;
  w.out.field("evse_id", id);
  return true;
}

bool status_up(walk& w, const field_rule& r, od::value v, object_state& st) {
  bool ok = true;
  if (patch_null(w, v, ok)) return ok;
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  if (!r.enums->find(s)) return w.fail(status::invalid_parameters, {}, "'" + std::string(s) + "' is not a valid Status");
  st.slot[status_slot] = s;
  w.out.field("status", s);
  return true;
}

// Gireve requires capabilities (§4.11): an absent or empty list is forwarded and warned about.
bool capabilities_up(walk& w, const field_rule& r, od::value v, object_state& st) {
  bool ok = true;
  if (patch_null(w, v, ok)) return ok;
  static constexpr field_rule list{.in = "capabilities", .k = kind::enum_array, .enums = &capability_up, .section = "3.1.3"};
  w.pop();  // apply() pushes the key itself
  ok = w.apply(list, v, st);
  w.push(r.in);
  if (ok && w.out.buffer().ends_with("[]"))
    w.lost(loss_kind::warning, {}, "capabilities empty: Gireve requires them (4.11)");
  return ok;
}

bool evse_up_end(walk& w, object_state& st) {
  patch_last_updated(w, st);
  if (!w.patch()) {
    if (!st.has("capabilities")) w.lost(loss_kind::warning, "capabilities", "missing: Gireve requires them (4.11)");
    if (!st.has("evse_id") && st.slot[status_slot] != "REMOVED" &&
        !prefix_violation(w, "evse_id", "missing while status is not REMOVED: Gireve requires it (4.10, 4.11)"))
      return false;
  }
  if (st.flags & evse_tariff_divergent)
    w.lost(loss_kind::warning, "connectors",
           "connectors carry different tariff_id values: IOP applies the first connector's (" +
               (st.slot[3].empty() ? std::string("none") : std::string(st.slot[3])) + ") to the whole EVSE (4.4)");
  return true;
}

constexpr std::array up_fields{
    field_rule{.in = "uid", .k = kind::custom, .required = true, .fn = long_id_up, .section = "3.1.3"},
    field_rule{.in = "evse_id", .k = kind::custom, .max_len = 48, .fn = evse_id_up, .section = "4.10"},
    field_rule{.in = "status", .k = kind::custom, .required = true, .enums = &evse_status, .fn = status_up, .section = "3.1.3"},
    field_rule{.in = "status_schedule", .k = kind::object_array, .sub = &status_schedule, .section = "3.1.3"},
    field_rule{.in = "capabilities", .k = kind::custom, .fn = capabilities_up, .section = "3.1.3"},
    field_rule{.in = "connectors", .k = kind::object_array, .required = true, .sub = &connector_rules_up, .section = "3.1.3"},
    field_rule{.in = "floor_level", .k = kind::string, .max_len = 4, .section = "3.1.3"},
    field_rule{.in = "coordinates", .k = kind::object, .sub = &geo_location_up, .section = "3.1.3"},
    field_rule{.in = "physical_reference", .k = kind::string, .max_len = 16, .section = "3.1.3"},
    field_rule{.in = "directions", .k = kind::object_array, .sub = &shared::display_text, .section = "3.1.3"},
    field_rule{.in = "parking_restrictions", .k = kind::enum_array, .enums = &parking_restriction, .section = "3.1.3"},
    field_rule{.in = "images", .k = kind::object_array, .sub = &shared::image, .section = "3.1.3"},
    field_rule{.in = "last_updated", .k = kind::datetime, .required = true, .section = "3.1.3"},
};

// Connectors whose standard 2.1.1 lacks are dropped by their own rule; an EVSE left with none is
// dropped too (a 2.1.1 EVSE needs at least one connector), both counted (§3.1.4).
bool connectors_down(walk& w, const field_rule&, od::value v, object_state& st) {
  bool ok = true;
  if (patch_null(w, v, ok)) return ok;
  const auto before = w.out.position();
  w.out.plain_key("connectors");
  int written = 0;
  if (!w.object_array(v, connector_rules_down, &st, &written)) return false;
  if (written > 0) return true;
  if (w.patch()) {  // a PATCH cannot empty the list 2.1.1 requires to hold one connector
    w.out.rollback(before);
    w.lost(loss_kind::dropped, {}, "no connector 2.1.1 can describe: list left unchanged (3.1.4)");
    return true;
  }
  st.drop = true;
  w.lost(loss_kind::dropped, {}, "EVSE removed: no connector 2.1.1 can describe (3.1.4)");
  return true;
}

constexpr std::array down_fields{
    field_rule{.in = "uid", .k = kind::string, .required = true, .max_len = 36, .section = "3.1.3"},
    field_rule{.in = "evse_id", .k = kind::string, .max_len = 48, .section = "3.1.3"},
    field_rule{.in = "status", .k = kind::enumeration, .required = true, .enums = &evse_status, .section = "3.1.3"},
    field_rule{.in = "status_schedule", .k = kind::object_array, .sub = &status_schedule, .section = "3.1.3"},
    field_rule{.in = "capabilities", .k = kind::enum_array, .enums = &capability_down, .section = "3.1.3"},
    field_rule{.in = "connectors", .k = kind::custom, .required = true, .fn = connectors_down, .section = "3.1.4"},
    field_rule{.in = "floor_level", .k = kind::string, .max_len = 4, .section = "3.1.3"},
    field_rule{.in = "coordinates", .k = kind::object, .sub = &geo_location_down, .section = "1.9"},
    field_rule{.in = "physical_reference", .k = kind::string, .max_len = 16, .section = "3.1.3"},
    field_rule{.in = "directions", .k = kind::object_array, .sub = &shared::display_text, .section = "3.1.3"},
    field_rule{.in = "parking_restrictions", .k = kind::enum_array, .enums = &parking_restriction, .section = "3.1.3"},
    field_rule{.in = "images", .k = kind::object_array, .sub = &shared::image, .section = "3.1.3"},
    field_rule{.in = "last_updated", .k = kind::datetime, .required = true, .section = "3.1.3"},
};

}  // namespace

const object_rules evse_rules_up{"EVSE 2.1.1", up_fields, nullptr, evse_up_end};
const object_rules evse_rules_down{"EVSE 2.2.1", down_fields};

bool evse_up(walk& w, od::value root, bool* dropped) { return w.object(root, evse_rules_up, nullptr, dropped); }
bool evse_down(walk& w, od::value root, bool* dropped) { return w.object(root, evse_rules_down, nullptr, dropped); }

}  // namespace ocpi::mappings::locations
