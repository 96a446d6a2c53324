// Location, MAPPING §3.1.2, with the Gireve rules that shape it: defaults for the fields 2.2.1 or
// Gireve require (§4.11), the exposed id and `gireve_id` (§4.6), the operator-name emulation
// (§4.2) and the publish filter (§4.7) toward legacy eMSPs.
#include <array>

#include "common/shared_rules.hpp"
#include "common/energy_mix.hpp"
#include "locations/entries.hpp"
#include "locations/rules.hpp"
#include "locations/tariff_choice.hpp"

namespace ocpi::mappings::locations {

namespace {

// ===== up: 2.1.1 -> 2.2.1 =====================================================================

// The owner fields 2.1.1 keeps in the URL: the push URL's segments (req.owner), else the legacy
// CPO answering a GET (§3.1.2). A PATCH carries neither (they stay in the URL).
bool location_up_begin(walk& w, object_state&) {
  if (w.patch()) return true;
  const party* owner = w.req.owner ? &*w.req.owner : w.req.legacy ? &w.req.legacy->id : nullptr;
  if (!owner) return w.fail(status::server_error, {}, "owner of the Location unknown (no URL party, no legacy party)");
  w.out.field("country_code", owner->country_code);
  w.out.field("party_id", owner->party_id);
  w.out.field("publish", w.opts().locations_default_publish);  // §4.7: 2.1.1 has no private Locations
  return true;
}

// LocationType -> ParkingType: OTHER and UNKNOWN say nothing 2.2.1 can hold; in a PATCH the field
// cannot be removed either (§3.1.7).
bool type_up(walk& w, const field_rule& r, od::value v, object_state&) {
  bool ok = true;
  if (patch_null(w, v, ok)) return ok;
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  const enum_value* e = r.enums->find(s);
  if (!e) return w.fail(status::invalid_parameters, {}, "'" + std::string(s) + "' is not a valid LocationType");
  if (e->to.empty()) {
    w.lost(loss_kind::dropped, {}, w.patch() ? "type " + std::string(s) + " cannot be expressed in a 2.2.1 PATCH (3.1.7)"
                                             : "type " + std::string(s) + " has no ParkingType: omitted (3.1.2)");
    return true;
  }
  w.out.field("parking_type", e->to);
  return true;
}

// 2.2.1 allows omitting postal_code only when there is none, which is what "" says in 2.1.1.
bool postal_code_up(walk& w, const field_rule& r, od::value v, object_state&) {
  bool ok = true;
  if (patch_null(w, v, ok)) return ok;
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  if (s.size() > r.max_len) return w.fail(status::invalid_parameters, {}, "longer than 10 characters");
  if (!s.empty()) w.out.field("postal_code", s);
  return true;
}

bool location_up_end(walk& w, object_state& st) {
  patch_last_updated(w, st);
  if (w.patch()) return true;
  const legacy_party* lp = w.req.legacy;
  if (!st.has("operator")) {  // OCPI: the credentials identity stands in for a missing operator
    if (lp && !lp->business_name.empty()) {
      w.out.plain_key("operator");
      w.out.begin_object();
      w.out.field("name", lp->business_name);
      w.out.end_object();
      w.lost(loss_kind::defaulted, "operator", "filled with the legacy party's business name (3.1.2, 4.11)");
    } else {
      w.lost(loss_kind::warning, "operator", "operator.name missing and no business name configured (4.11)");
    }
  }
  if (!st.has("owner")) {
    if (lp && !lp->default_owner_name.empty()) {
      w.out.plain_key("owner");
      w.out.begin_object();
      w.out.field("name", lp->default_owner_name);
      w.out.end_object();
      w.lost(loss_kind::defaulted, "owner", "filled with legacy default_owner_name (4.11)");
    } else {
      w.lost(loss_kind::warning, "owner", "owner.name missing: Gireve requires it (4.11)");
    }
  }
  if (!st.has("time_zone")) {
    if (!lp || lp->default_time_zone.empty())
      return w.fail(status::invalid_parameters, "time_zone", "missing, and no default_time_zone configured (3.1.2)");
    w.out.field("time_zone", lp->default_time_zone);
    w.lost(loss_kind::defaulted, "time_zone", "legacy default_time_zone used (3.1.2)");
  }
  return true;
}

constexpr std::array up_fields{
    field_rule{.in = "id", .k = kind::custom, .required = true, .fn = long_id_up, .section = "3.1.2"},
    field_rule{.in = "type", .out = "parking_type", .k = kind::custom, .enums = &parking_type_up, .fn = type_up, .section = "3.1.2"},
    field_rule{.in = "name", .k = kind::text, .max_len = 255, .section = "3.1.2"},
    field_rule{.in = "address", .k = kind::text, .required = true, .max_len = 255, .section = "3.1.2"},
    field_rule{.in = "city", .k = kind::text, .required = true, .max_len = 45, .section = "3.1.2"},
    field_rule{.in = "postal_code", .k = kind::custom, .max_len = 10, .fn = postal_code_up, .section = "3.1.2"},
    field_rule{.in = "country", .k = kind::string, .required = true, .max_len = 3, .section = "3.1.2"},
    field_rule{.in = "coordinates", .k = kind::object, .required = true, .sub = &geo_location_up, .section = "3.1.5"},
    field_rule{.in = "related_locations", .k = kind::object_array, .sub = &additional_geo_location_up, .section = "3.1.5"},
    field_rule{.in = "evses", .k = kind::object_array, .sub = &evse_rules_up, .section = "3.1.3"},
    field_rule{.in = "directions", .k = kind::object_array, .sub = &shared::display_text, .section = "3.1.2"},
    field_rule{.in = "operator", .k = kind::object, .sub = &shared::business_details, .section = "3.1.2"},
    field_rule{.in = "suboperator", .k = kind::object, .sub = &shared::business_details, .section = "3.1.2"},
    field_rule{.in = "owner", .k = kind::object, .sub = &shared::business_details, .section = "3.1.2"},
    field_rule{.in = "facilities", .k = kind::enum_array, .enums = &facility_up, .section = "3.1.2"},
    field_rule{.in = "time_zone", .k = kind::string, .max_len = 255, .section = "3.1.2"},
    field_rule{.in = "opening_times", .k = kind::object, .sub = &hours_up, .section = "3.1.6"},
    field_rule{.in = "charging_when_closed", .k = kind::boolean, .section = "3.1.2"},
    field_rule{.in = "images", .k = kind::object_array, .sub = &shared::image, .section = "3.1.5"},
    field_rule{.in = "energy_mix", .k = kind::object, .sub = &shared::energy_mix_up, .section = "3.1.5"},
    field_rule{.in = "last_updated", .k = kind::datetime, .required = true, .section = "3.1.2"},
};

// ===== down: 2.2.1 -> 2.1.1 ===================================================================
// Slots of a Location state: 0/1 the owner's country_code/party_id (tariff_owner() reads them),
// 2 the owner id and 3 the gireve_id captured for the exposed id, which is written at the end
// because `id` and `gireve_id` may come in any order.
constexpr std::size_t id_slot = 2;
constexpr std::size_t gireve_id_slot = 3;

bool toward_emsp(const walk& w) { return w.req.to == recipient::legacy_emsp; }

bool read_owner_field(walk& w, object_state& st, std::string_view key, std::size_t slot, std::size_t max_len) {
  od::value v;
  const auto err = st.obj->find_field_unordered(key).get(v);
  if (err == simdjson::NO_SUCH_FIELD) return true;
  if (err) return w.fail_json(key, err);
  bool null = false;
  if (auto ec = v.is_null().get(null)) return w.fail_json(key, ec);
  if (null) return true;
  std::string_view s;
  if (!w.read_string(v, key, s)) return false;
  if (s.size() > max_len) return w.fail(status::invalid_parameters, key, "longer than " + std::to_string(max_len) + " characters");
  st.slot[slot] = s;
  return true;
}

// The owner is needed before the fields that depend on it (tariff choice, operator name): it is
// pre-read, then the object is walked from its start.
bool location_down_begin(walk& w, object_state& st) {
  if (!read_owner_field(w, st, "country_code", 0, 2) || !read_owner_field(w, st, "party_id", 1, 3)) return false;
  if (auto ec = st.obj->reset().error()) return w.fail_json({}, ec);
  return true;
}

party owner_of(const walk& w, const object_state& st) { return tariff_owner(w, st); }

// country_code / party_id: read by the begin hook; 2.1.1 keeps them in the URL of pushes.
bool owner_field_down(walk&, const field_rule&, od::value, object_state&) { return true; }

bool id_down(walk& w, const field_rule&, od::value v, object_state& st) {
  bool ok = true;
  if (patch_null(w, v, ok)) return ok;
  std::string_view id;
  if (!w.read_string(v, {}, id)) return false;
  if (id.size() > 36) return w.fail(status::invalid_parameters, {}, "longer than 36 characters");
  if (toward_emsp(w)) st.slot[id_slot] = id;  // exposed id written by the end hook (4.6)
  else w.out.field("id", id);
  return true;
}

bool gireve_id_down(walk& w, const field_rule&, od::value v, object_state& st) {
  bool ok = true;
  if (patch_null(w, v, ok)) return ok;
  std::string_view id;
  if (!w.read_string(v, {}, id)) return false;
  st.slot[gireve_id_slot] = id;  // consumed, never emitted (4.6)
  return true;
}

// §4.7: Gireve does not show unpublished Locations to 2.1.1 eMSPs, neither does the proxy.
bool publish_down(walk& w, const field_rule&, od::value v, object_state& st) {
  bool ok = true;
  if (patch_null(w, v, ok)) return ok;
  bool published = true;
  if (!w.read_bool(v, {}, published)) return false;
  if (!published && toward_emsp(w)) {
    st.drop = true;
    w.lost(loss_kind::dropped, {}, "Location not published (publish=false): not forwarded to a legacy eMSP (4.7)");
  }
  return true;
}

bool parking_type_down_row(walk& w, const field_rule& r, od::value v, object_state&) {
  bool ok = true;
  if (patch_null(w, v, ok)) return ok;
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  const enum_value* e = r.enums->find(s);
  if (!e) return w.fail(status::invalid_parameters, {}, "'" + std::string(s) + "' is not a valid ParkingType");
  if (e->to != s) w.lost(loss_kind::derived, {}, s, " written as type ", e->to, " (3.1.2)");
  w.out.field("type", e->to);
  return true;
}

// "Who is the CPO?" (§4.2): toward a legacy eMSP, Gireve 2.1.1 showed the owner's eMI3 party id
// as operator name; website and logo are kept.
bool emi3_operator(const walk& w) { return toward_emsp(w) && w.opts().emsp_operator_name_mode == "EMI3_PARTY"; }

bool emi3_name(walk& w, const field_rule&, od::value v, object_state& st) {
  bool ok = true;
  if (patch_null(w, v, ok)) return ok;
  std::string_view original;
  if (!w.read_string(v, {}, original)) return false;
  const party owner = owner_of(w, st);
  if (owner.country_code.empty()) return w.fail(status::invalid_parameters, {}, "owner of the Location unknown");
  const std::string name = owner.emi3();
  if (name != original) w.lost(loss_kind::derived, {}, "operator name ", original, " replaced by ", name, " (4.2)");
  w.out.field("name", name);
  return true;
}

constexpr std::array emi3_operator_fields{
    field_rule{.in = "name", .k = kind::custom, .required = true, .fn = emi3_name, .section = "4.2"},
    field_rule{.in = "website", .k = kind::string, .max_len = 255, .section = "3.1.5"},
    field_rule{.in = "logo", .k = kind::object, .sub = &shared::image, .section = "3.1.5"},
};
const object_rules emi3_operator_rules{"BusinessDetails (operator, EMI3_PARTY)", emi3_operator_fields};

bool operator_down(walk& w, const field_rule&, od::value v, object_state& st) {
  bool ok = true;
  if (patch_null(w, v, ok)) return ok;
  w.out.plain_key("operator");
  return w.object(v, emi3_operator(w) ? emi3_operator_rules : shared::business_details, &st);
}

bool location_down_end(walk& w, object_state& st) {
  if (st.drop) return true;
  const party owner = owner_of(w, st);
  if (!st.slot[id_slot].empty()) {
    if (owner.country_code.empty()) return w.fail(status::invalid_parameters, "country_code", "owner of the Location unknown");
    const std::string exposed =
        w.ctx.expose_location_id({owner, std::string(st.slot[id_slot])}, st.slot[gireve_id_slot]);
    if (exposed != st.slot[id_slot]) w.lost(loss_kind::derived, "id", "exposed as ", exposed, " (4.6)");
    w.out.field("id", exposed);
  }
  if (w.patch()) return true;
  if (!st.has("operator") && emi3_operator(w)) {
    w.out.plain_key("operator");
    w.out.begin_object();
    w.out.field("name", owner.emi3());
    w.out.end_object();
    w.lost(loss_kind::derived, "operator", "set to the owner's eMI3 party id (4.2)");
  }
  if (!st.has("parking_type")) w.out.field("type", std::string_view("UNKNOWN"));       // §3.1.2
  if (!st.has("postal_code")) w.out.field("postal_code", std::string_view(""));        // "" = none
  return true;
}

constexpr std::array down_fields{
    field_rule{.in = "country_code", .k = kind::custom, .required = true, .fn = owner_field_down, .section = "3.1.2"},
    field_rule{.in = "party_id", .k = kind::custom, .required = true, .fn = owner_field_down, .section = "3.1.2"},
    field_rule{.in = "id", .k = kind::custom, .required = true, .fn = id_down, .section = "4.6"},
    field_rule{.in = "publish", .k = kind::custom, .required = true, .fn = publish_down, .section = "4.7"},
    field_rule{.in = "publish_allowed_to", .k = kind::drop, .section = "3.1.2"},
    field_rule{.in = "name", .k = kind::text, .max_len = 255, .section = "3.1.2"},
    field_rule{.in = "address", .k = kind::text, .required = true, .max_len = 45, .source_max_len = 255, .section = "1.9"},
    field_rule{.in = "city", .k = kind::text, .required = true, .max_len = 45, .section = "3.1.2"},
    field_rule{.in = "postal_code", .k = kind::text, .max_len = 10, .section = "3.1.2"},
    field_rule{.in = "state", .k = kind::drop, .section = "3.1.2"},
    field_rule{.in = "country", .k = kind::string, .required = true, .max_len = 3, .section = "3.1.2"},
    field_rule{.in = "coordinates", .k = kind::object, .required = true, .sub = &geo_location_down, .section = "1.9"},
    field_rule{.in = "related_locations", .k = kind::object_array, .sub = &additional_geo_location_down, .section = "1.9"},
    field_rule{.in = "parking_type", .out = "type", .k = kind::custom, .enums = &parking_type_down, .fn = parking_type_down_row, .section = "3.1.2"},
    field_rule{.in = "evses", .k = kind::object_array, .sub = &evse_rules_down, .section = "3.1.3"},
    field_rule{.in = "directions", .k = kind::object_array, .sub = &shared::display_text, .section = "3.1.2"},
    field_rule{.in = "operator", .k = kind::custom, .fn = operator_down, .section = "4.2"},
    field_rule{.in = "suboperator", .k = kind::object, .sub = &shared::business_details, .section = "3.1.2"},
    field_rule{.in = "owner", .k = kind::object, .sub = &shared::business_details, .section = "3.1.2"},
    field_rule{.in = "facilities", .k = kind::enum_array, .enums = &facility_down, .section = "3.1.8"},
    field_rule{.in = "time_zone", .k = kind::string, .required = true, .max_len = 255, .section = "3.1.2"},
    field_rule{.in = "opening_times", .k = kind::object, .sub = &hours_down, .section = "3.1.6"},
    field_rule{.in = "charging_when_closed", .k = kind::boolean, .section = "3.1.2"},
    field_rule{.in = "images", .k = kind::object_array, .sub = &shared::image, .section = "3.1.5"},
    field_rule{.in = "energy_mix", .k = kind::object, .sub = &shared::energy_mix_down, .section = "3.1.5"},
    field_rule{.in = "last_updated", .k = kind::datetime, .required = true, .section = "3.1.2"},
    field_rule{.in = "gireve_id", .k = kind::custom, .fn = gireve_id_down, .section = "4.6"},
};

}  // namespace

const object_rules location_rules_up{"Location 2.1.1", up_fields, location_up_begin, location_up_end};
const object_rules location_rules_down{"Location 2.2.1", down_fields, location_down_begin, location_down_end};

bool location_up(walk& w, od::value root, bool* dropped) { return w.object(root, location_rules_up, nullptr, dropped); }
bool location_down(walk& w, od::value root, bool* dropped) { return w.object(root, location_rules_down, nullptr, dropped); }

}  // namespace ocpi::mappings::locations
