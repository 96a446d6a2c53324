#include "common/shared_rules.hpp"

#include "common/enums.hpp"

#include <array>

namespace ocpi::mappings::shared {

namespace {
constexpr std::array display_text_fields{
    field_rule{.in = "language", .k = kind::string, .required = true, .max_len = 2, .section = "3.1.5"},
    field_rule{.in = "text", .k = kind::text, .required = true, .max_len = 512, .section = "3.1.5"},
};
}  // namespace

const object_rules display_text{"DisplayText", display_text_fields};

namespace {
constexpr std::array image_fields{
    field_rule{.in = "url", .k = kind::string, .required = true, .max_len = 255, .section = "3.1.5"},
    field_rule{.in = "thumbnail", .k = kind::string, .max_len = 255, .section = "3.1.5"},
    field_rule{.in = "category", .k = kind::enumeration, .required = true, .enums = &enums::image_category, .section = "3.1.5"},
    field_rule{.in = "type", .k = kind::string, .required = true, .max_len = 4, .section = "3.1.5"},
    field_rule{.in = "width", .k = kind::integer, .section = "3.1.5"},
    field_rule{.in = "height", .k = kind::integer, .section = "3.1.5"},
};
constexpr std::array business_details_fields{
    field_rule{.in = "name", .k = kind::text, .required = true, .max_len = 100, .section = "3.1.5"},
    field_rule{.in = "website", .k = kind::string, .max_len = 255, .section = "3.1.5"},
    field_rule{.in = "logo", .k = kind::object, .sub = &image, .section = "3.1.5"},
};
}  // namespace

const object_rules image{"Image", image_fields};
const object_rules business_details{"BusinessDetails", business_details_fields};

}  // namespace ocpi::mappings::shared
