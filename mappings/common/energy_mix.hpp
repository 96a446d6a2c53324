#pragma once
// EnergyMix rules (MAPPING §3.1.5), shared by Location.energy_mix and Tariff.energy_mix.
// The only structural difference: EnvironmentalImpact `source` (2.1.1) <-> `category` (2.2.1).
#include "engine/rules.hpp"

namespace ocpi::mappings::shared {

// 2.1.1 -> 2.2.1: EnvironmentalImpact `source` -> `category`; `category` is accepted too (some
// 2.1.1 stacks already send it), both at once is refused. EnergySource copied.
extern const object_rules energy_mix_up;
// 2.2.1 -> 2.1.1: EnvironmentalImpact `category` -> `source`. EnergySource copied.
extern const object_rules energy_mix_down;

}  // namespace ocpi::mappings::shared
