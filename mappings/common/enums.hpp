#pragma once
// Enum tables shared by several modules (MAPPING Appendix B). A value mapped to "" has no
// counterpart in the target version.
#include "engine/rules.hpp"

namespace ocpi::mappings::enums {

// Identity over the values both versions share.
extern const enum_map connector_type_up;     // all 2.1.1 values exist in 2.2.1
extern const enum_map connector_type_down;   // the 15 values added in 2.2/2.2.1 -> ""
extern const enum_map connector_format;      // SOCKET, CABLE
extern const enum_map power_type_up;
extern const enum_map power_type_down;       // AC_2_PHASE, AC_2_PHASE_SPLIT -> AC_1_PHASE
extern const enum_map token_type_up;         // OTHER, RFID
extern const enum_map token_type_down;       // AD_HOC_USER, APP_USER -> OTHER
extern const enum_map auth_method_up;        // AUTH_REQUEST, WHITELIST
extern const enum_map auth_method_down;      // COMMAND -> AUTH_REQUEST
extern const enum_map day_of_week;
extern const enum_map energy_source_category;
extern const enum_map environmental_impact_category;
extern const enum_map image_category;

}  // namespace ocpi::mappings::enums
