#pragma once
// The scan behind json_writer's string escaping, shared with the walker's verbatim string copy.
#include <cstddef>
#include <string_view>

namespace ocpi::mappings {

// Index of the first byte of `s` at or after `from` that a JSON string must escape (a quote, a
// backslash or a control character below 0x20); s.size() when there is none.
std::size_t first_escape(std::string_view s, std::size_t from = 0) noexcept;

}  // namespace ocpi::mappings
