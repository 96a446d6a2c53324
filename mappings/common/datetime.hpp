#pragma once
// DateTime handling of MAPPING §0.2 rule 5: lenient in, UTC with `Z` out.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ocpi::mappings {

// Normalises an ISO 8601 / RFC 3339 timestamp: accepts a missing `Z` (UTC), fractional seconds,
// and numeric offsets (converted to UTC). Writes `YYYY-MM-DDTHH:MM:SS[.fff]Z` into `out`.
// `strip_fraction` drops fractional seconds (time.strip_fraction_for_211). False if unparseable.
bool normalize_datetime(std::string_view in, bool strip_fraction, std::string& out);

// Seconds since the Unix epoch of a timestamp normalize_datetime accepts (fraction ignored).
std::optional<std::int64_t> epoch_seconds(std::string_view in);

// Formats epoch seconds as `YYYY-MM-DDTHH:MM:SSZ`.
std::string format_epoch(std::int64_t seconds);

}  // namespace ocpi::mappings
