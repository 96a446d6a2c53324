#include "common/geo.hpp"

#include <algorithm>

namespace ocpi::mappings {

namespace {
constexpr int target_decimals = 6;
constexpr std::size_t max_decimals = 16;  // more is not a coordinate, it is noise (or hostile)

bool digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Splits `-?int(.frac)?`; false if the shape does not match.
bool split(std::string_view s, int int_digits, bool& negative, std::string_view& integer,
           std::string_view& fraction, bool& has_point) noexcept {
  negative = !s.empty() && s.front() == '-';
  if (negative) s.remove_prefix(1);
  std::size_t i = 0;
  while (i < s.size() && digit(s[i])) ++i;
  if (i == 0 || i > static_cast<std::size_t>(int_digits)) return false;
  integer = s.substr(0, i);
  has_point = i < s.size() && s[i] == '.';
  fraction = has_point ? s.substr(i + 1) : std::string_view{};
  if (has_point + i + fraction.size() != s.size()) return false;
  for (char c : fraction)
    if (!digit(c)) return false;
  return true;
}
}  // namespace

bool is_coordinate(std::string_view s, int int_digits, int min_dec, int max_dec) noexcept {
  bool negative = false, has_point = false;
  std::string_view integer, fraction;
  if (!split(s, int_digits, negative, integer, fraction, has_point) || !has_point) return false;
  return fraction.size() >= static_cast<std::size_t>(min_dec) && fraction.size() <= static_cast<std::size_t>(max_dec);
}

bool normalize_coordinate(std::string_view in, int int_digits, std::string& out) {
  bool negative = false, has_point = false;
  std::string_view integer, fraction;
  if (!split(in, int_digits, negative, integer, fraction, has_point)) return false;
  if (has_point && fraction.empty()) return false;  // "51." is not a decimal
  if (fraction.size() > max_decimals) return false;

  // Digits of |value| * 10^6, most significant first, with a spare leading digit for the carry.
  out.assign(1, '0');
  out.append(integer);
  const std::size_t point = out.size();
  out.append(fraction.substr(0, target_decimals));
  out.append(target_decimals - std::min<std::size_t>(fraction.size(), target_decimals), '0');
  if (fraction.size() > target_decimals && fraction[target_decimals] >= '5') {
    std::size_t i = out.size();
    while (i-- > 0) {  // cannot underflow: the spare leading '0' absorbs the last carry
      if (out[i] == '9') {
        out[i] = '0';
      } else {
        ++out[i];
        break;
      }
    }
  }
  out.insert(point, 1, '.');
  // Strip the spare digit and any leading zero it leaves beyond "0.".
  std::size_t lead = 0;
  while (lead + 1 < point && out[lead] == '0') ++lead;
  out.erase(0, lead);
  bool zero = true;
  for (char c : out)
    if (c != '0' && c != '.') zero = false;
  if (negative && !zero) out.insert(0, 1, '-');
  return true;
}

}  // namespace ocpi::mappings
