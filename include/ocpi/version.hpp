#pragma once
// The two protocol versions the bridge speaks and the directions a translation can go.
#include <string_view>

namespace ocpi {

enum class version { v2_1_1, v2_2_1 };

// up = 2.1.1 -> 2.2.1, down = 2.2.1 -> 2.1.1 (MAPPING §0.1). Both happen in both traffic
// directions: a ToIOP request goes up and its answer comes back down.
enum class direction { up, down };

constexpr std::string_view to_string(version v) noexcept { return v == version::v2_1_1 ? "2.1.1" : "2.2.1"; }
constexpr std::string_view to_string(direction d) noexcept { return d == direction::up ? "up" : "down"; }

}  // namespace ocpi
