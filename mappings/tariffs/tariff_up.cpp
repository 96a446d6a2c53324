// Tariff 2.1.1 (+Gireve 2.1.1 extensions) -> 2.2.1, MAPPING §3.6.2-§3.6.5, TV-18, TV-19, TV-25.
// Owner from the URL or the legacy connection (never from the body), `type` and `start_date_time`
// injected, Gireve SESSION_TIME split into TIME + PARKING_TIME, Gireve rounding fields ignored.
#include <array>
#include <limits>

#include "common/datetime.hpp"
#include "common/energy_mix.hpp"
#include "common/enums.hpp"
#include "common/shared_rules.hpp"
#include "common/text.hpp"
#include "tariffs/entries.hpp"
#include "tariffs/tariff_rules.hpp"

namespace ocpi::mappings::tariffs {

namespace {

// TariffElement flags (object_state::flags of the element).
constexpr std::uint32_t element_has_time = 1U;          // a TIME or PARKING_TIME component
constexpr std::uint32_t element_has_session_time = 2U;  // a Gireve SESSION_TIME component
// PriceComponent flags.
constexpr std::uint32_t component_session_time = 1U;

// --- PriceComponent ---------------------------------------------------------------------------

bool dimension_up(walk& w, const field_rule&, od::value v, object_state& st) {
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  std::uint32_t& element = st.parent->flags;
  if (s == "SESSION_TIME") {
    if (element & element_has_time)
      return w.fail(status::invalid_parameters, {}, "SESSION_TIME in an element that already prices TIME or PARKING_TIME (3.6.5)");
    element |= element_has_session_time;
    st.flags |= component_session_time;
    w.lost(loss_kind::derived, {}, "Gireve SESSION_TIME written as TIME + PARKING_TIME (3.6.5)");
    w.out.field("type", "TIME");
    return true;
  }
  if (s == "TIME" || s == "PARKING_TIME") {
    if (element & element_has_session_time)
      return w.fail(status::invalid_parameters, {}, s == "TIME" ? "TIME in an element that already prices SESSION_TIME (3.6.5)"
                                                              : "PARKING_TIME in an element that already prices SESSION_TIME (3.6.5)");
    element |= element_has_time;
  } else if (s != "ENERGY" && s != "FLAT") {
    return w.fail(status::invalid_parameters, {}, "'" + std::string(s) + "' is not a valid TariffDimensionType");
  }
  w.out.field("type", s);
  return true;
}

// The number token is kept in slot[0] for the PARKING_TIME twin of a SESSION_TIME component. A
// decimal sent as a string (§0.2 r4) is viewed in simdjson's string buffer, stable for the document.
bool price_up(walk& w, const field_rule&, od::value v, object_state& st) {
  od::json_type t;
  if (auto ec = v.type().get(t)) return w.fail_json({}, ec);
  std::string_view token;
  if (t == od::json_type::string) {
    if (!w.read_string(v, {}, token)) return false;
    token = trim(token);
    if (!is_json_decimal(token)) return w.fail(status::invalid_parameters, {}, "expected a number");
  } else {
    std::string unused;
    if (!w.read_number(v, {}, token, unused)) return false;
  }
  st.slot[0] = token;
  w.out.field_raw("price", token);
  return true;
}

bool step_size_up(walk& w, const field_rule&, od::value v, object_state& st) {
  std::int64_t i;
  if (!w.read_int(v, {}, i)) return false;
  if (i < 0 || i > std::numeric_limits<int>::max()) return w.fail(status::invalid_parameters, {}, "step_size out of range");
  st.count = static_cast<int>(i);
  w.out.key("step_size");
  w.out.integer(i);
  return true;
}

// SESSION_TIME: the TIME component is closed here and its PARKING_TIME twin written in the same
// element; the walker closes the twin.
bool component_up_end(walk& w, object_state& st) {
  if (!(st.flags & component_session_time)) return true;
  w.out.end_object();
  w.out.begin_object();
  w.out.field("type", "PARKING_TIME");
  if (!st.slot[0].empty()) w.out.field_raw("price", st.slot[0]);
  if (st.has("step_size")) {
    w.out.key("step_size");
    w.out.integer(st.count);
  }
  return true;
}

constexpr std::array component_fields{
    field_rule{.in = "type", .k = kind::custom, .required = true, .fn = dimension_up, .section = "3.6.3"},
    field_rule{.in = "price", .k = kind::custom, .required = true, .fn = price_up, .section = "3.6.3"},
    field_rule{.in = "step_size", .k = kind::custom, .required = true, .fn = step_size_up, .section = "3.6.3"},
    field_rule{.in = "price_round", .k = kind::drop, .section = "3.6.3 Gireve extension ignored"},
    field_rule{.in = "step_round", .k = kind::drop, .section = "3.6.3 Gireve extension ignored"},
    field_rule{.in = "exact_price_component", .k = kind::drop, .section = "3.6.3 Gireve extension ignored"},
};
const object_rules component_rules{"PriceComponent 2.1.1", component_fields, nullptr, component_up_end};

// --- TariffRestrictions, TariffElement --------------------------------------------------------

constexpr std::array restriction_fields{
    field_rule{.in = "start_time", .k = kind::string, .max_len = 5, .section = "3.6.4"},
    field_rule{.in = "end_time", .k = kind::string, .max_len = 5, .section = "3.6.4"},
    field_rule{.in = "start_date", .k = kind::string, .max_len = 10, .section = "3.6.4"},
    field_rule{.in = "end_date", .k = kind::string, .max_len = 10, .section = "3.6.4"},
    field_rule{.in = "min_kwh", .k = kind::number, .section = "3.6.4"},
    field_rule{.in = "max_kwh", .k = kind::number, .section = "3.6.4"},
    field_rule{.in = "min_power", .k = kind::number, .section = "3.6.4"},
    field_rule{.in = "max_power", .k = kind::number, .section = "3.6.4"},
    field_rule{.in = "min_duration", .k = kind::integer, .section = "3.6.4"},
    field_rule{.in = "max_duration", .k = kind::integer, .section = "3.6.4"},
    field_rule{.in = "day_of_week", .k = kind::enum_array, .enums = &enums::day_of_week, .section = "3.6.4"},
};
const object_rules restriction_rules{"TariffRestrictions 2.1.1", restriction_fields};

// `+` in both versions: an empty list cannot be sent on.
bool price_components_up(walk& w, const field_rule&, od::value v, object_state& st) {
  w.out.key("price_components");
  int n = 0;
  if (!w.object_array(v, component_rules, &st, &n)) return false;
  if (n == 0 && !w.patch()) return w.fail(status::invalid_parameters, {}, "at least one price component is required (3.6.3)");
  return true;
}

constexpr std::array element_fields{
    field_rule{.in = "price_components", .k = kind::custom, .required = true, .fn = price_components_up, .section = "3.6.3"},
    field_rule{.in = "restrictions", .k = kind::object, .sub = &restriction_rules, .section = "3.6.4"},
};
const object_rules element_rules{"TariffElement 2.1.1", element_fields};

// --- Tariff -------------------------------------------------------------------------------------

// TV-25: a legacy CPO's own country_code/party_id (Gireve 2.1.1 eMSP-side extension) never names
// the owner; the URL or the legacy connection does.
bool owner_field_ignored(walk& w, const field_rule&, od::value v, object_state&) {
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  w.lost(loss_kind::dropped, {}, "ignored: the owner is taken from the URL or the legacy connection (3.6.2, TV-25)");
  return true;
}

bool tariff_restriction_ignored(walk& w, const field_rule&, od::value, object_state&) {
  w.lost(loss_kind::warning, {}, "Gireve tariff-level restriction ignored: IOP 2.2.1 has no equivalent (3.6.2)");
  return true;
}

bool elements_up(walk& w, const field_rule&, od::value v, object_state& st) {
  w.out.key("elements");
  int n = 0;
  if (!w.object_array(v, element_rules, &st, &n)) return false;
  if (n == 0 && !w.patch()) return w.fail(status::invalid_parameters, {}, "at least one element is required (3.6.2)");
  return true;
}

// `last_updated` copied; `start_date_time` = the same instant per tariffs.start_date_time_source.
bool last_updated_up(walk& w, const field_rule&, od::value v, object_state&) {
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  thread_local std::string normalized;
  if (!normalize_datetime(s, false, normalized)) return w.fail(status::invalid_parameters, {}, "not a valid DateTime");
  w.out.field("last_updated", normalized);
  if (w.opts().tariffs_start_date_time_source == "LAST_UPDATED") w.out.field("start_date_time", normalized);
  return true;
}

bool tariff_up_begin(walk& w, object_state&) {
  if (w.patch()) return true;  // a PATCH is merged into the cached tariff by the proxy (3.6.6)
  const party* owner = w.req.owner ? &*w.req.owner : w.req.legacy ? &w.req.legacy->id : nullptr;
  if (!owner) return w.fail(status::server_error, {}, "tariff owner unknown: no URL owner and no legacy connection (3.6.2)");
  if (owner->country_code.size() != 2 || owner->party_id.size() != 3)
    return w.fail(status::invalid_parameters, {}, "owner " + owner->emi3() + " is not a valid country_code/party_id");
  w.out.field("country_code", owner->country_code);
  w.out.field("party_id", owner->party_id);
  const std::string& type = w.opts().tariffs_default_type;
  if (!type.empty()) w.out.field("type", type);  // a 2.1.1 tariff is the roaming tariff
  return true;
}

constexpr std::array tariff_fields{
    field_rule{.in = "country_code", .k = kind::custom, .fn = owner_field_ignored, .section = "3.6.2"},
    field_rule{.in = "party_id", .k = kind::custom, .fn = owner_field_ignored, .section = "3.6.2"},
    field_rule{.in = "id", .k = kind::string, .required = true, .max_len = 36, .section = "3.6.2"},
    field_rule{.in = "currency", .k = kind::string, .required = true, .max_len = 3, .section = "3.6.2"},
    field_rule{.in = "tariff_alt_text", .k = kind::object_array, .sub = &shared::display_text, .section = "3.6.2"},
    field_rule{.in = "tariff_alt_url", .k = kind::string, .max_len = 255, .section = "3.6.2"},
    field_rule{.in = "elements", .k = kind::custom, .required = true, .fn = elements_up, .section = "3.6.3"},
    field_rule{.in = "energy_mix", .k = kind::object, .sub = &shared::energy_mix_up, .section = "3.6.2"},
    field_rule{.in = "last_updated", .k = kind::custom, .required = true, .fn = last_updated_up, .section = "3.6.2"},
    field_rule{.in = "restriction", .k = kind::custom, .fn = tariff_restriction_ignored, .section = "3.6.2"},
};

}  // namespace

const object_rules tariff_rules_up{"Tariff 2.1.1", tariff_fields, tariff_up_begin};

bool tariff_up(walk& w, od::value root, bool* dropped) { return w.object(root, tariff_rules_up, nullptr, dropped); }

}  // namespace ocpi::mappings::tariffs
