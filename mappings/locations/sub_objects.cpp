// Sub-objects of Location and EVSE (MAPPING §3.1.5, §3.1.6): GeoLocation, AdditionalGeoLocation,
// BusinessDetails, Image, Hours with RegularHours and ExceptionalPeriod, StatusSchedule, EnergyMix
// with EnergySource and EnvironmentalImpact. PublishTokenType has no 2.1.1 counterpart: the
// Location tables drop `publish_allowed_to` whole.
#include <array>

#include "common/enums.hpp"
#include "common/geo.hpp"
#include "common/shared_rules.hpp"
#include "locations/rules.hpp"

namespace ocpi::mappings::locations {

namespace {

// --- GeoLocation (§3.1.5, §1.9) -------------------------------------------------------------
// Up: 2.2.1 accepts 5 to 7 decimals, so a conforming 2.1.1 value (6) is copied as is; anything
// else a lenient 2.1.1 stack sends is normalised to 6. Down: exactly 6, rounding reported.
// Fewer than 5 decimals ("49.0381") matches neither version's regex: it is padded (the value is
// the same number, and refusing would take the whole Location off roaming for a format slip) and
// reported, because the padding states a precision the owner never gave (issue 13 item 12).
bool coordinate(walk& w, const field_rule& r, od::value v, int int_digits, direction dir) {
  bool ok = true;
  if (patch_null(w, v, ok)) return ok;
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  const int min_dec = dir == direction::up ? 5 : 6;
  const int max_dec = dir == direction::up ? 7 : 6;
  w.out.plain_key(r.target());
  if (is_coordinate(s, int_digits, min_dec, max_dec)) {
    w.out.string(s);
    return true;
  }
  thread_local std::string scratch;
  if (!normalize_coordinate(s, int_digits, scratch))
    return w.fail(status::invalid_parameters, {}, "not a decimal-degree coordinate (3.1.5)");
  if (!is_coordinate(s, int_digits, 0, 6))
    w.lost(loss_kind::derived, {}, std::string(s) + " rounded to " + scratch + " (1.9)");
  else if (!is_coordinate(s, int_digits, 5, 6))
    w.lost(loss_kind::warning, {}, std::string(s),
           " has fewer than the 5 decimals either version requires: padded to ", scratch, " (1.9)");
  w.out.string(scratch);
  return true;
}
bool latitude_up(walk& w, const field_rule& r, od::value v, object_state&) { return coordinate(w, r, v, latitude_digits, direction::up); }
bool longitude_up(walk& w, const field_rule& r, od::value v, object_state&) { return coordinate(w, r, v, longitude_digits, direction::up); }
bool latitude_down(walk& w, const field_rule& r, od::value v, object_state&) { return coordinate(w, r, v, latitude_digits, direction::down); }
bool longitude_down(walk& w, const field_rule& r, od::value v, object_state&) { return coordinate(w, r, v, longitude_digits, direction::down); }

constexpr std::array geo_up_fields{
    field_rule{.in = "latitude", .k = kind::custom, .required = true, .fn = latitude_up, .section = "3.1.5"},
    field_rule{.in = "longitude", .k = kind::custom, .required = true, .fn = longitude_up, .section = "3.1.5"},
};
constexpr std::array geo_down_fields{
    field_rule{.in = "latitude", .k = kind::custom, .required = true, .fn = latitude_down, .section = "1.9"},
    field_rule{.in = "longitude", .k = kind::custom, .required = true, .fn = longitude_down, .section = "1.9"},
};
constexpr std::array additional_geo_up_fields{
    geo_up_fields[0], geo_up_fields[1],
    field_rule{.in = "name", .k = kind::object, .sub = &shared::display_text, .section = "3.1.5"},
};
constexpr std::array additional_geo_down_fields{
    geo_down_fields[0], geo_down_fields[1],
    field_rule{.in = "name", .k = kind::object, .sub = &shared::display_text, .section = "3.1.5"},
};


bool weekday(walk& w, const field_rule& r, od::value v, object_state&) {
  bool ok = true;
  if (patch_null(w, v, ok)) return ok;
  std::int64_t d = 0;
  if (!w.read_int(v, {}, d)) return false;
  if (d < 1 || d > 7) return w.fail(status::invalid_parameters, {}, "weekday must be 1 (Monday) to 7 (Sunday)");
  w.out.plain_key(r.target());
  w.out.integer(d);
  return true;
}

constexpr std::array regular_hours_fields{
    field_rule{.in = "weekday", .k = kind::custom, .required = true, .fn = weekday, .section = "3.1.5"},
    field_rule{.in = "period_begin", .k = kind::string, .required = true, .max_len = 5, .section = "3.1.5"},
    field_rule{.in = "period_end", .k = kind::string, .required = true, .max_len = 5, .section = "3.1.5"},
};
const object_rules regular_hours{"RegularHours", regular_hours_fields};

// --- Hours (§3.1.6) --------------------------------------------------------------------------
// 2.1.1 Hours is a choice (regular_hours *or* twentyfourseven), 2.2.1 makes twentyfourseven
// mandatory and allows regular_hours only when it is false. Both directions need the flag before
// regular_hours, which may come first: the begin hook pre-reads it.
constexpr std::uint32_t h_present = 1U << 0;
constexpr std::uint32_t h_true = 1U << 1;

bool hours_begin(walk& w, object_state& st) {
  od::value v;
  const auto err = st.obj->find_field_unordered("twentyfourseven").get(v);
  if (!err) {
    bool null = false;
    if (auto ec = v.is_null().get(null)) return w.fail_json("twentyfourseven", ec);
    bool b = false;
    if (!null && !w.read_bool(v, "twentyfourseven", b)) return false;
    if (!null) st.flags |= h_present | (b ? h_true : 0U);
  } else if (err != simdjson::NO_SUCH_FIELD) {
    return w.fail_json("twentyfourseven", err);
  }
  if (auto ec = st.obj->reset().error()) return w.fail_json({}, ec);
  return true;
}

bool twentyfourseven_up(walk& w, const field_rule&, od::value, object_state& st) {
  if (!(st.flags & h_present)) return true;  // PATCH null: nothing to clear
  w.out.field("twentyfourseven", (st.flags & h_true) != 0);
  return true;
}

bool twentyfourseven_down(walk& w, const field_rule&, od::value, object_state& st) {
  if (st.flags & h_true) w.out.field("twentyfourseven", true);  // false: 2.1.1 says it with regular_hours
  return true;
}

bool regular_hours_rows(walk& w, const field_rule&, od::value v, object_state& st) {
  bool ok = true;
  if (patch_null(w, v, ok)) return ok;
  if (st.flags & h_true) {
    w.lost(loss_kind::dropped, {}, "regular_hours ignored: twentyfourseven is true (3.1.6)");
    return true;
  }
  const auto before = w.out.position();
  w.out.plain_key("regular_hours");
  int written = 0;
  if (!w.object_array(v, regular_hours, &st, &written)) return false;
  if (written == 0) w.out.rollback(before);  // an empty list is the same as none here
  st.count += written;
  return true;
}

bool hours_up_end(walk& w, object_state& st) {
  if (st.count > 0) {
    if (!(st.flags & h_present)) {
      w.out.field("twentyfourseven", false);
      w.lost(loss_kind::derived, "twentyfourseven", "set to false: regular_hours given (3.1.6)");
    }
    return true;
  }
  if (st.flags & h_true) return true;
  st.drop = true;
  w.lost(loss_kind::warning, {}, (st.flags & h_present)
      ? "opening_times dropped: twentyfourseven false without regular_hours, which 2.2.1 rejects (3.1.6)"
      : "opening_times dropped: neither twentyfourseven nor regular_hours; exceptional periods lost (3.1.6)");
  return true;
}

bool hours_down_end(walk& w, object_state& st) {
  if (st.count > 0 || (st.flags & h_true)) return true;
  st.drop = true;
  w.lost(loss_kind::warning, {}, "opening_times dropped: twentyfourseven false without regular_hours (3.1.6)");
  return true;
}

constexpr std::array exceptional_period_fields{
    field_rule{.in = "period_begin", .k = kind::datetime, .required = true, .section = "3.1.5"},
    field_rule{.in = "period_end", .k = kind::datetime, .required = true, .section = "3.1.5"},
};
const object_rules exceptional_period{"ExceptionalPeriod", exceptional_period_fields};

constexpr std::array hours_up_fields{
    field_rule{.in = "twentyfourseven", .k = kind::custom, .fn = twentyfourseven_up, .section = "3.1.6"},
    field_rule{.in = "regular_hours", .k = kind::custom, .fn = regular_hours_rows, .section = "3.1.6"},
    field_rule{.in = "exceptional_openings", .k = kind::object_array, .sub = &exceptional_period, .section = "3.1.6"},
    field_rule{.in = "exceptional_closings", .k = kind::object_array, .sub = &exceptional_period, .section = "3.1.6"},
};
constexpr std::array hours_down_fields{
    field_rule{.in = "twentyfourseven", .k = kind::custom, .required = true, .fn = twentyfourseven_down, .section = "3.1.6"},
    field_rule{.in = "regular_hours", .k = kind::custom, .fn = regular_hours_rows, .section = "3.1.6"},
    field_rule{.in = "exceptional_openings", .k = kind::object_array, .sub = &exceptional_period, .section = "3.1.6"},
    field_rule{.in = "exceptional_closings", .k = kind::object_array, .sub = &exceptional_period, .section = "3.1.6"},
};

// --- StatusSchedule (§3.1.5): identical ------------------------------------------------------
constexpr std::array status_schedule_fields{
    field_rule{.in = "period_begin", .k = kind::datetime, .required = true, .section = "3.1.5"},
    field_rule{.in = "period_end", .k = kind::datetime, .section = "3.1.5"},
    field_rule{.in = "status", .k = kind::enumeration, .required = true, .enums = &evse_status, .section = "3.1.5"},
};

}  // namespace

const object_rules geo_location_up{"GeoLocation 2.1.1", geo_up_fields};
const object_rules geo_location_down{"GeoLocation 2.2.1", geo_down_fields};
const object_rules additional_geo_location_up{"AdditionalGeoLocation 2.1.1", additional_geo_up_fields};
const object_rules additional_geo_location_down{"AdditionalGeoLocation 2.2.1", additional_geo_down_fields};
const object_rules hours_up{"Hours 2.1.1", hours_up_fields, hours_begin, hours_up_end};
const object_rules hours_down{"Hours 2.2.1", hours_down_fields, hours_begin, hours_down_end};
const object_rules status_schedule{"StatusSchedule", status_schedule_fields};

}  // namespace ocpi::mappings::locations
