#pragma once
// The Tariff tables (MAPPING §3.6), exported for modules that embed a Tariff (a CDR's `tariffs`).
// Walk one Tariff object with w.object(value, tariff_rules_up|down, parent, &dropped); a dropped
// tariff (§3.6.2 type filter, every element dropped, §3.6.7 foreign variant) leaves nothing behind.
#include "engine/rules.hpp"

namespace ocpi::mappings::tariffs {

extern const object_rules tariff_rules_up;    // 2.1.1 (+Gireve extensions) -> 2.2.1
extern const object_rules tariff_rules_down;  // 2.2.1 (+Gireve extensions) -> 2.1.1

}  // namespace ocpi::mappings::tariffs
