#pragma once
// Rules tables for classes both versions define identically and several modules embed.
#include "engine/rules.hpp"

namespace ocpi::mappings::shared {

// DisplayText {language string(2) 1, text string(512) 1} — identical in both versions (§3.1.5).
extern const object_rules display_text;
// Image and BusinessDetails — identical in both versions (§3.1.5); Locations and Credentials embed them.
extern const object_rules image;
extern const object_rules business_details;

}  // namespace ocpi::mappings::shared
