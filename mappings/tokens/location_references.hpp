#pragma once
// LocationReferences (MAPPING §3.2.4): the authorize request body and AuthorizationInfo.location.
#include "engine/rules.hpp"

namespace ocpi::mappings::tokens {

extern const object_rules location_references_rules_up;
extern const object_rules location_references_rules_down;

}  // namespace ocpi::mappings::tokens
