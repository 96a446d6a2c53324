// ChargingPeriod / CdrDimension, MAPPING §3.5.5. Dimensions without a counterpart are removed
// from their period; a period whose list becomes empty is removed (the CDR rule that replaces an
// empty list lives in cdrs/).
#include "sessions/charging_period.hpp"

#include <array>

namespace ocpi::mappings::sessions {

namespace {

#define SAME(v) enum_value{v, v}
constexpr std::array dimension_types_211{SAME("ENERGY"), enum_value{"FLAT", ""}, SAME("MAX_CURRENT"),
                                         SAME("MIN_CURRENT"), SAME("PARKING_TIME"), SAME("TIME")};
constexpr std::array dimension_types_221{
    SAME("ENERGY"), SAME("MAX_CURRENT"), SAME("MIN_CURRENT"), SAME("PARKING_TIME"), SAME("TIME"),
    enum_value{"CURRENT", ""}, enum_value{"ENERGY_EXPORT", ""}, enum_value{"ENERGY_IMPORT", ""},
    enum_value{"MAX_POWER", ""}, enum_value{"MIN_POWER", ""}, enum_value{"POWER", ""},
    enum_value{"RESERVATION_TIME", ""}, enum_value{"STATE_OF_CHARGE", ""}};
#undef SAME
constexpr enum_map dimension_type_up{"CdrDimensionType", dimension_types_211};
constexpr enum_map dimension_type_down{"CdrDimensionType", dimension_types_221};

// A type without counterpart removes the whole dimension (not just the field).
bool dimension_type(walk& w, const field_rule& r, od::value v, object_state& st) {
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  const enum_value* e = r.enums->find(s);
  if (!e) return w.fail(status::invalid_parameters, {}, "'" + std::string(s) + "' is not a valid CdrDimensionType");
  if (e->to.empty()) {
    st.drop = true;
    w.lost(loss_kind::dropped, {}, "dimension " + std::string(s) + " has no counterpart (3.5.5)");
    return true;
  }
  w.out.key("type");
  w.out.string(e->to);
  return true;
}

constexpr std::array dimension_up_fields{
    field_rule{.in = "type", .k = kind::custom, .required = true, .enums = &dimension_type_up, .fn = dimension_type, .section = "3.5.5"},
    field_rule{.in = "volume", .k = kind::number, .required = true, .section = "3.5.5"},
};
constexpr std::array dimension_down_fields{
    field_rule{.in = "type", .k = kind::custom, .required = true, .enums = &dimension_type_down, .fn = dimension_type, .section = "3.5.5"},
    field_rule{.in = "volume", .k = kind::number, .required = true, .section = "3.5.5"},
};

bool dimensions_up(walk& w, const field_rule&, od::value v, object_state& st);
bool dimensions_down(walk& w, const field_rule&, od::value v, object_state& st);

bool period_end(walk& w, object_state& st) {
  if (st.has("dimensions") && st.count == 0) {
    st.drop = true;
    w.lost(loss_kind::dropped, {}, "charging period removed: no dimension left (3.5.5)");
  }
  return true;
}

constexpr std::array period_up_fields{
    field_rule{.in = "start_date_time", .k = kind::datetime, .required = true, .section = "3.5.5"},
    field_rule{.in = "dimensions", .k = kind::custom, .required = true, .fn = dimensions_up, .section = "3.5.5"},
};
constexpr std::array period_down_fields{
    field_rule{.in = "start_date_time", .k = kind::datetime, .required = true, .section = "3.5.5"},
    field_rule{.in = "dimensions", .k = kind::custom, .required = true, .fn = dimensions_down, .section = "3.5.5"},
    field_rule{.in = "tariff_id", .k = kind::drop, .section = "3.5.5"},
};

bool dimensions(walk& w, od::value v, object_state& st, const object_rules& rules) {
  bool null = false;
  if (auto ec = v.is_null().get(null)) return w.fail_json({}, ec);
  if (null) return true;  // PATCH null inside a period: nothing to clear
  w.out.key("dimensions");
  return w.object_array(v, rules, &st, &st.count);
}

bool dimensions_up(walk& w, const field_rule&, od::value v, object_state& st) {
  return dimensions(w, v, st, cdr_dimension_rules_up);
}
bool dimensions_down(walk& w, const field_rule&, od::value v, object_state& st) {
  return dimensions(w, v, st, cdr_dimension_rules_down);
}

}  // namespace

const object_rules cdr_dimension_rules_up{"CdrDimension 2.1.1", dimension_up_fields};
const object_rules cdr_dimension_rules_down{"CdrDimension 2.2.1", dimension_down_fields};
const object_rules charging_period_rules_up{"ChargingPeriod 2.1.1", period_up_fields, nullptr, period_end};
const object_rules charging_period_rules_down{"ChargingPeriod 2.2.1", period_down_fields, nullptr, period_end};

bool charging_periods(walk& w, od::value v, object_state& parent, bool up, bool omit_if_empty, int& kept) {
  kept = 0;
  bool null = false;
  if (auto ec = v.is_null().get(null)) return w.fail_json({}, ec);
  const auto before = w.out.position();
  w.out.key("charging_periods");
  if (null) {  // PATCH null: "the list is now empty" (1.8.4)
    w.out.begin_array();
    w.out.end_array();
    return true;
  }
  if (!w.object_array(v, up ? charging_period_rules_up : charging_period_rules_down, &parent, &kept)) return false;
  if (kept == 0 && omit_if_empty) w.out.rollback(before);
  return true;
}

}  // namespace ocpi::mappings::sessions
