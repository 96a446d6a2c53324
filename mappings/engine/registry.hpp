#pragma once
#include "engine/entry.hpp"

namespace ocpi::mappings {

entry_fn find_entry(object_kind kind, direction dir) noexcept;

}  // namespace ocpi::mappings
