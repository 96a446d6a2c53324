#pragma once
// GeoLocation coordinates (MAPPING §1.9, §3.1.5): 2.1.1 wants exactly 6 decimals, 2.2.1 allows 5 to
// 7. Values are decimal strings and stay decimal strings: the rounding is done on the digits, never
// through binary floating point (51.0475995 must round to 51.047600, not to whatever a double holds).
#include <string>
#include <string_view>

namespace ocpi::mappings {

// Maximum integer digits of a coordinate: `-?[0-9]{1,2}` for latitude, `-?[0-9]{1,3}` longitude.
inline constexpr int latitude_digits = 2;
inline constexpr int longitude_digits = 3;

// True if `s` is `-?[0-9]{1,int_digits}\.[0-9]{min_dec,max_dec}`.
bool is_coordinate(std::string_view s, int int_digits, int min_dec, int max_dec) noexcept;

// Writes `in` with exactly 6 decimals into `out`: fewer decimals (or none) are padded with `0`,
// more are rounded half away from zero (`-0.0000005` -> `-0.000001`; a result of zero carries no
// sign). False if `in` is not `-?[0-9]{1,int_digits}(\.[0-9]+)?` with at most 16 decimals.
bool normalize_coordinate(std::string_view in, int int_digits, std::string& out);

}  // namespace ocpi::mappings
