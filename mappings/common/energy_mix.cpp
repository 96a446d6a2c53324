// EnergyMix, MAPPING §3.1.5 (and TV-23). Identical in both versions except the key of
// EnvironmentalImpact's category, which 2.2.1 renamed from `source` to `category`.
#include "common/energy_mix.hpp"

#include <array>

#include "common/enums.hpp"
#include "engine/walk.hpp"

namespace ocpi::mappings::shared {

namespace {

constexpr std::array energy_source_fields{
    field_rule{.in = "source", .k = kind::enumeration, .required = true, .enums = &enums::energy_source_category, .section = "3.1.5"},
    field_rule{.in = "percentage", .k = kind::number, .required = true, .section = "3.1.5"},
};
const object_rules energy_source{"EnergySource", energy_source_fields};

// Up: `source` and `category` both land in `category`; the walker's duplicate check is per key,
// so the pair is checked here (flags bit 0 = a category was written).
bool impact_category_up(walk& w, const field_rule& r, od::value v, object_state& st) {
  if (st.flags & 1U) return w.fail(status::invalid_parameters, {}, "both `source` and `category` given (3.1.5)");
  st.flags |= 1U;
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  if (!r.enums->find(s)) return w.fail(status::invalid_parameters, {}, "'" + std::string(s) + "' is not a valid EnvironmentalImpactCategory");
  w.out.key("category");
  w.out.string(s);
  return true;
}

bool impact_up_end(walk& w, object_state& st) {
  if (!w.patch() && !(st.flags & 1U)) return w.fail(status::invalid_parameters, "source", "missing mandatory field (3.1.5)");
  return true;
}

constexpr std::array impact_up_fields{
    field_rule{.in = "source", .out = "category", .k = kind::custom, .enums = &enums::environmental_impact_category, .fn = impact_category_up, .section = "3.1.5"},
    field_rule{.in = "category", .k = kind::custom, .enums = &enums::environmental_impact_category, .fn = impact_category_up, .section = "3.1.5"},
    field_rule{.in = "amount", .k = kind::number, .required = true, .section = "3.1.5"},
};
constexpr std::array impact_down_fields{
    field_rule{.in = "category", .out = "source", .k = kind::enumeration, .required = true, .enums = &enums::environmental_impact_category, .section = "3.1.5"},
    field_rule{.in = "amount", .k = kind::number, .required = true, .section = "3.1.5"},
};
const object_rules impact_up{"EnvironmentalImpact 2.1.1", impact_up_fields, nullptr, impact_up_end};
const object_rules impact_down{"EnvironmentalImpact 2.2.1", impact_down_fields};

constexpr std::array mix_up_fields{
    field_rule{.in = "is_green_energy", .k = kind::boolean, .required = true, .section = "3.1.5"},
    field_rule{.in = "energy_sources", .k = kind::object_array, .sub = &energy_source, .section = "3.1.5"},
    field_rule{.in = "environ_impact", .k = kind::object_array, .sub = &impact_up, .section = "3.1.5"},
    field_rule{.in = "supplier_name", .k = kind::text, .max_len = 64, .section = "3.1.5"},
    field_rule{.in = "energy_product_name", .k = kind::text, .max_len = 64, .section = "3.1.5"},
};
constexpr std::array mix_down_fields{
    field_rule{.in = "is_green_energy", .k = kind::boolean, .required = true, .section = "3.1.5"},
    field_rule{.in = "energy_sources", .k = kind::object_array, .sub = &energy_source, .section = "3.1.5"},
    field_rule{.in = "environ_impact", .k = kind::object_array, .sub = &impact_down, .section = "3.1.5"},
    field_rule{.in = "supplier_name", .k = kind::text, .max_len = 64, .section = "3.1.5"},
    field_rule{.in = "energy_product_name", .k = kind::text, .max_len = 64, .section = "3.1.5"},
};

}  // namespace

const object_rules energy_mix_up{"EnergyMix 2.1.1", mix_up_fields};
const object_rules energy_mix_down{"EnergyMix 2.2.1", mix_down_fields};

}  // namespace ocpi::mappings::shared
