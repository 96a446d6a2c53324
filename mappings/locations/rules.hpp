#pragma once
// The rules tables of the Locations module (MAPPING §3.1) and the few helpers several of them
// share. One table per class and direction; classes both versions define identically have one.
#include "engine/walk.hpp"

namespace ocpi::mappings::locations {

// --- tables -------------------------------------------------------------------------------
extern const object_rules location_rules_up;
extern const object_rules location_rules_down;
extern const object_rules evse_rules_up;
extern const object_rules evse_rules_down;
extern const object_rules connector_rules_up;
extern const object_rules connector_rules_down;

extern const object_rules geo_location_up;             // §3.1.5: copy (validated)
extern const object_rules geo_location_down;           // §1.9: normalised to 6 decimals
extern const object_rules additional_geo_location_up;
extern const object_rules additional_geo_location_down;
extern const object_rules hours_up;                    // §3.1.6
extern const object_rules hours_down;
extern const object_rules status_schedule;             // identical

// --- enums only the Locations module uses (Appendix B) -----------------------------------
extern const enum_map parking_type_up;    // LocationType -> ParkingType; OTHER, UNKNOWN -> ""
extern const enum_map parking_type_down;  // ParkingType -> LocationType; 2.2.1-only -> OTHER
extern const enum_map facility_up;
extern const enum_map facility_down;      // the 4 2.2.1-only values -> ""
extern const enum_map capability_up;
extern const enum_map capability_down;    // the 7 2.2.1-only values -> ""
extern const enum_map evse_status;
extern const enum_map parking_restriction;

// --- shared helpers -----------------------------------------------------------------------
// Location.id / EVSE.uid up (§1.9): string(39) in 2.1.1, CiString(36) in 2.2.1; longer than 36
// follows ids.long_id_policy (REJECT: 2001, permanent; HASH: ctx.hash_long_id).
bool long_id_up(walk& w, const field_rule& r, od::value v, object_state& st);

// Custom rows are handed the nulls of PATCH bodies (§1.8.4). True when `v` is null: the row then
// writes nothing (a scalar cannot be cleared in 2.2.1; reported) and returns `ok`.
bool patch_null(walk& w, od::value& v, bool& ok);

// §1.8.4: a PATCH toward 2.2.1 must carry last_updated; the receive time stands in.
void patch_last_updated(walk& w, const object_state& st);

// Flags an EVSE state carries for the §4.4 divergence warning (set by the connector rows).
inline constexpr std::uint32_t evse_tariff_divergent = 1U << 0;

}  // namespace ocpi::mappings::locations
