#pragma once
// MAPPING §4.4 "FromIOP": choosing the single 2.1.1 tariff_id from a 2.2.1 tariff_ids list.
#include <span>
#include <string_view>

#include "engine/walk.hpp"

namespace ocpi::mappings::locations {

// The owner of the Location being converted: the request's owner (push URL) or, for pages, the
// country_code/party_id the enclosing Location's begin hook captured in slot 0/1.
party tariff_owner(const walk& w, const object_state& st);

// Candidates = ids in order minus cached non-REGULAR tariffs; first one valid now wins; else the
// first candidate; else the first id.
std::string_view choose_tariff_id(const mapping_context& ctx, const party& owner,
                                  std::span<const std::string_view> ids);

}  // namespace ocpi::mappings::locations
