#pragma once
// Small string helpers shared by every module: case-insensitive compare (CiString, §0.2 r8),
// UTF-8-safe truncation (§0.2 r7), decimal validation (§0.2 r4).
#include <string>
#include <string_view>

namespace ocpi::mappings {

bool iequals(std::string_view a, std::string_view b) noexcept;
bool istarts_with(std::string_view s, std::string_view prefix) noexcept;
std::string to_upper(std::string_view s);
// Longest prefix of `s` of at most `max_bytes` bytes that does not cut a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes) noexcept;
// Characters (code points) of valid UTF-8: what OCPI's string(n) counts (2.2.1 strings are UTF-8,
// so a name of 64 accented characters is a valid string(64) of more than 64 bytes).
std::size_t utf8_length(std::string_view s) noexcept;
// `-?digits[.digits]` with optional exponent, as JSON would accept it.
bool is_json_decimal(std::string_view s) noexcept;
std::string_view trim(std::string_view s) noexcept;

}  // namespace ocpi::mappings
