#include "common/shared_rules.hpp"

#include <array>

namespace ocpi::mappings::shared {

namespace {
constexpr std::array display_text_fields{
    field_rule{.in = "language", .k = kind::string, .required = true, .max_len = 2, .section = "3.1.5"},
    field_rule{.in = "text", .k = kind::text, .required = true, .max_len = 512, .section = "3.1.5"},
};
}  // namespace

const object_rules display_text{"DisplayText", display_text_fields};

}  // namespace ocpi::mappings::shared
