#pragma once
// BusinessDetails and Image (MAPPING §3.1.5): identical in both versions, validated and copied.
#include "engine/rules.hpp"

namespace ocpi::mappings::credentials {

extern const object_rules business_details_rules;

}  // namespace ocpi::mappings::credentials
