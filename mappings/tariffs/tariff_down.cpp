// Tariff 2.2.1 (+Gireve 2.2.1 extensions) -> 2.1.1, MAPPING §3.6.2-§3.6.5, §3.6.7, TV-20.
// Dropped: min/max_price, start/end_date_time, vat, target_operator_*, gireve_id. Toward a legacy
// eMSP: non-REGULAR tariffs and variants for other eMSPs are suppressed, and the Gireve 2.1.1
// extensions (owner, price_round, step_round, exact_price_component) are emitted.
#include <array>

#include "common/energy_mix.hpp"
#include "common/enums.hpp"
#include "common/shared_rules.hpp"
#include "common/text.hpp"
#include "tariffs/entries.hpp"
#include "tariffs/scan.hpp"
#include "tariffs/tariff_rules.hpp"

namespace ocpi::mappings::tariffs {

namespace {

// Tariff flags (object_state::flags of the tariff).
constexpr std::uint32_t tariff_extensions = 1U;  // emit the Gireve 2.1.1 extensions
constexpr std::uint32_t tariff_inexact = 2U;     // exact_price_component: false everywhere

// The tariff being walked; tariffs never nest, so one per thread is enough.
tariff_scan& current_scan() {
  thread_local tariff_scan scan;
  return scan;
}

const object_state* tariff_of_component(const object_state& component) {
  return component.parent ? component.parent->parent : nullptr;
}

// --- PriceComponent ---------------------------------------------------------------------------

bool dimension_down(walk& w, const field_rule&, od::value v, object_state& st) {
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  if (s != "ENERGY" && s != "FLAT" && s != "TIME" && s != "PARKING_TIME")
    return w.fail(status::invalid_parameters, {}, "'" + std::string(s) + "' is not a valid TariffDimensionType");
  if (st.parent && (st.parent->flags & collapse_session_time)) {
    if (s == "PARKING_TIME") {
      st.drop = true;
      w.lost(loss_kind::derived, {}, "PARKING_TIME merged into Gireve SESSION_TIME (3.6.5)");
      return true;
    }
    if (s == "TIME") {
      w.lost(loss_kind::derived, {}, "TIME + PARKING_TIME written as Gireve SESSION_TIME (3.6.5)");
      s = "SESSION_TIME";
    }
  }
  w.out.field("type", s);
  return true;
}

bool component_down_end(walk& w, object_state& st) {
  const object_state* tariff = tariff_of_component(st);
  if (!tariff || !(tariff->flags & tariff_extensions)) return true;
  w.out.key("price_round");
  w.out.begin_object();
  w.out.field("round_granularity", "THOUSANDTH");
  w.out.field("round_rule", "ROUND_NEAR");
  w.out.end_object();
  w.out.key("step_round");
  w.out.begin_object();
  w.out.field("round_granularity", "UNIT");
  w.out.field("round_rule", "ROUND_UP");
  w.out.end_object();
  w.out.field("exact_price_component", !(tariff->flags & tariff_inexact));
  return true;
}

constexpr std::array component_fields{
    field_rule{.in = "type", .k = kind::custom, .required = true, .fn = dimension_down, .section = "3.6.3"},
    field_rule{.in = "price", .k = kind::number, .required = true, .section = "3.6.3"},
    field_rule{.in = "vat", .k = kind::drop, .section = "3.6.3"},
    field_rule{.in = "step_size", .k = kind::integer, .required = true, .section = "3.6.3"},
};
const object_rules component_rules{"PriceComponent 2.2.1", component_fields, nullptr, component_down_end};

// --- TariffRestrictions -----------------------------------------------------------------------

bool current_removed(walk& w, const field_rule&, od::value v, object_state&) {
  std::string_view tok;
  std::string scratch;
  if (!w.read_number(v, {}, tok, scratch)) return false;
  w.lost(loss_kind::dropped, {}, "cannot be expressed in 2.1.1: exact_price_component false (3.6.4)");
  return true;
}

bool reservation_seen(walk& w, const field_rule&, od::value v, object_state&) {
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  if (s != "RESERVATION" && s != "RESERVATION_EXPIRES")
    return w.fail(status::invalid_parameters, {}, "'" + std::string(s) + "' is not a valid ReservationRestrictionType");
  return true;  // the element is dropped (element_begin reported it)
}

// An object left empty by the removals is not sent: `restrictions: {}` would read as "always".
bool restrictions_begin(walk& w, object_state& st) {
  st.count = static_cast<int>(w.out.position().size);
  return true;
}
bool restrictions_end(walk& w, object_state& st) {
  if (w.out.position().size == static_cast<std::size_t>(st.count)) st.drop = true;
  return true;
}

constexpr std::array restriction_fields{
    field_rule{.in = "start_time", .k = kind::string, .max_len = 5, .section = "3.6.4"},
    field_rule{.in = "end_time", .k = kind::string, .max_len = 5, .section = "3.6.4"},
    field_rule{.in = "start_date", .k = kind::string, .max_len = 10, .section = "3.6.4"},
    field_rule{.in = "end_date", .k = kind::string, .max_len = 10, .section = "3.6.4"},
    field_rule{.in = "min_kwh", .k = kind::number, .section = "3.6.4"},
    field_rule{.in = "max_kwh", .k = kind::number, .section = "3.6.4"},
    field_rule{.in = "min_current", .k = kind::custom, .fn = current_removed, .section = "3.6.4"},
    field_rule{.in = "max_current", .k = kind::custom, .fn = current_removed, .section = "3.6.4"},
    field_rule{.in = "min_power", .k = kind::number, .section = "3.6.4"},
    field_rule{.in = "max_power", .k = kind::number, .section = "3.6.4"},
    field_rule{.in = "min_duration", .k = kind::integer, .section = "3.6.4"},
    field_rule{.in = "max_duration", .k = kind::integer, .section = "3.6.4"},
    field_rule{.in = "day_of_week", .k = kind::enum_array, .enums = &enums::day_of_week, .section = "3.6.4"},
    field_rule{.in = "reservation", .k = kind::custom, .fn = reservation_seen, .section = "3.6.4"},
};
const object_rules restriction_rules{"TariffRestrictions 2.2.1", restriction_fields, restrictions_begin, restrictions_end};

// --- TariffElement ----------------------------------------------------------------------------

// The element's index in the tariff is counted on the tariff's state; its action comes from the
// pre-read (scan.hpp) and is kept in the element's flags for the components.
bool element_begin(walk& w, object_state& st) {
  const auto index = static_cast<std::size_t>(st.parent->count++);
  const auto& actions = current_scan().actions;
  st.flags = index < actions.size() ? actions[index] : std::uint8_t{keep};
  if (st.flags & drop_reservation) {
    st.drop = true;
    w.lost(loss_kind::dropped, {}, "element with a reservation restriction removed: no 2.1.1 meaning (3.6.4)");
  } else if (st.flags & drop_current) {
    st.drop = true;
    w.lost(loss_kind::dropped, {}, "element restricted by current only removed: it would shadow a later element (3.6.4)");
  }
  return true;
}

constexpr std::array element_fields{
    field_rule{.in = "price_components", .k = kind::object_array, .required = true, .sub = &component_rules, .section = "3.6.3"},
    field_rule{.in = "restrictions", .k = kind::object, .sub = &restriction_rules, .section = "3.6.4"},
};
const object_rules element_rules{"TariffElement 2.2.1", element_fields, element_begin};

// --- Tariff -------------------------------------------------------------------------------------

// The owner: a Gireve 2.1.1 extension toward legacy eMSPs, otherwise named by the URL.
bool owner_down(walk& w, const field_rule& r, od::value v, object_state& st) {
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  if (s.size() > r.max_len) return w.fail(status::invalid_parameters, {}, "longer than " + std::to_string(r.max_len) + " characters");
  if (st.flags & tariff_extensions) {
    w.out.field(r.in, s);
    return true;
  }
  w.lost(loss_kind::dropped, {}, "2.1.1 names the owner in the URL (3.6.2)");
  return true;
}

bool type_down(walk& w, const field_rule&, od::value v, object_state&) {
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  if (s == "REGULAR") return true;  // what every 2.1.1 tariff is
  if (s != "AD_HOC_PAYMENT" && s != "PROFILE_CHEAP" && s != "PROFILE_FAST" && s != "PROFILE_GREEN")
    return w.fail(status::invalid_parameters, {}, "'" + std::string(s) + "' is not a valid TariffType");
  w.lost(loss_kind::dropped, {}, "type " + std::string(s) + " has no 2.1.1 counterpart (3.6.2)");
  return true;
}

bool elements_down(walk& w, const field_rule&, od::value v, object_state& st) {
  w.out.key("elements");
  int n = 0;
  if (!w.object_array(v, element_rules, &st, &n)) return false;
  if (n == 0 && !st.drop) {
    st.drop = true;
    w.lost(loss_kind::warning, {}, "every element was dropped: tariff not forwarded (3.6.2)");
  }
  return true;
}

// §3.6.7 without the variant cache: a variant for another eMSP never reaches a legacy eMSP.
bool foreign_variant(const walk& w, const tariff_scan& scan) {
  if (scan.target_country_code.empty() && scan.target_party_id.empty()) return false;
  const legacy_party* me = w.req.legacy;
  return !me || !iequals(scan.target_country_code, me->id.country_code) || !iequals(scan.target_party_id, me->id.party_id);
}

bool tariff_down_begin(walk& w, object_state& st) {
  const bool to_emsp = w.req.to == recipient::legacy_emsp;
  tariff_scan& scan = current_scan();
  if (!scan_tariff(w, *st.obj, to_emsp && w.opts().tariffs_session_time_to_211, scan)) return false;
  if (to_emsp && w.opts().tariffs_emit_gireve_211_extensions) st.flags |= tariff_extensions;
  if (scan.inexact) st.flags |= tariff_inexact;
  if (!to_emsp) return true;
  if (!scan.type.empty() && scan.type != "REGULAR") {
    st.drop = true;
    w.lost(loss_kind::dropped, "type", "tariff of type " + std::string(scan.type) + " not forwarded to a legacy eMSP (3.6.2)");
  } else if (foreign_variant(w, scan)) {
    st.drop = true;
    w.lost(loss_kind::dropped, "target_operator_party_id",
           "variant for " + std::string(scan.target_country_code) + "*" + std::string(scan.target_party_id) +
               " not forwarded to another eMSP (3.6.7)");
  }
  return true;
}

constexpr std::array tariff_fields{
    field_rule{.in = "country_code", .k = kind::custom, .required = true, .max_len = 2, .fn = owner_down, .section = "3.6.2"},
    field_rule{.in = "party_id", .k = kind::custom, .required = true, .max_len = 3, .fn = owner_down, .section = "3.6.2"},
    field_rule{.in = "id", .k = kind::string, .required = true, .max_len = 36, .section = "3.6.2"},
    field_rule{.in = "currency", .k = kind::string, .required = true, .max_len = 3, .section = "3.6.2"},
    field_rule{.in = "type", .k = kind::custom, .fn = type_down, .section = "3.6.2"},
    field_rule{.in = "tariff_alt_text", .k = kind::object_array, .sub = &shared::display_text, .section = "3.6.2"},
    field_rule{.in = "tariff_alt_url", .k = kind::string, .max_len = 255, .section = "3.6.2"},
    field_rule{.in = "min_price", .k = kind::drop, .section = "3.6.2; exact_price_component false"},
    field_rule{.in = "max_price", .k = kind::drop, .section = "3.6.2; exact_price_component false"},
    field_rule{.in = "elements", .k = kind::custom, .required = true, .fn = elements_down, .section = "3.6.3"},
    field_rule{.in = "start_date_time", .k = kind::drop, .section = "3.6.2; validity lost"},
    field_rule{.in = "end_date_time", .k = kind::drop, .section = "3.6.2; validity lost"},
    field_rule{.in = "energy_mix", .k = kind::object, .sub = &shared::energy_mix_down, .section = "3.6.2"},
    field_rule{.in = "last_updated", .k = kind::datetime, .required = true, .section = "3.6.2"},
    field_rule{.in = "target_operator_country_code", .k = kind::drop, .section = "3.6.7"},
    field_rule{.in = "target_operator_party_id", .k = kind::drop, .section = "3.6.7"},
    field_rule{.in = "gireve_id", .k = kind::drop, .section = "3.6.2"},
};

}  // namespace

const object_rules tariff_rules_down{"Tariff 2.2.1", tariff_fields, tariff_down_begin};

bool tariff_down(walk& w, od::value root, bool* dropped) { return w.object(root, tariff_rules_down, nullptr, dropped); }

}  // namespace ocpi::mappings::tariffs
