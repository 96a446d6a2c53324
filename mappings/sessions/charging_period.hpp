#pragma once
// ChargingPeriod and CdrDimension, MAPPING §3.5.5: shared by Sessions and CDRs (the cdrs module
// uses these tables too).
#include "engine/walk.hpp"

namespace ocpi::mappings::sessions {

extern const object_rules cdr_dimension_rules_up;    // FLAT dropped
extern const object_rules cdr_dimension_rules_down;  // 2.2.1-only types dropped
extern const object_rules charging_period_rules_up;  // a period left without dimensions is removed
extern const object_rules charging_period_rules_down;  // tariff_id dropped; empty period removed

// Writes `charging_periods` (key and array) from `v` with the period rules of `dir`, returning
// in `kept` how many periods survived. When none survived and `omit_if_empty` is set, the key is
// rolled back (the CDR end hook then writes the §3.5.5 replacement period).
bool charging_periods(walk& w, od::value v, object_state& parent, bool up, bool omit_if_empty, int& kept);

}  // namespace ocpi::mappings::sessions
