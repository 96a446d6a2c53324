// normalize_datetime (MAPPING 0.2 r5): UTC with Z, the canonical form copied as it is, everything
// else written from the parsed instant.
#include "common/datetime.hpp"

#include <doctest/doctest.h>

#include <string>

using ocpi::mappings::normalize_datetime;

namespace {
std::string norm(std::string_view in, bool strip = false) {
  std::string out = "left over";
  REQUIRE(normalize_datetime(in, strip, out));
  return out;
}
}  // namespace

TEST_CASE("normalize_datetime: canonical UTC is kept, other forms are rewritten to it") {
  CHECK(norm("2024-06-01T12:00:00Z") == "2024-06-01T12:00:00Z");
  CHECK(norm("2024-06-28T23:59:59Z") == "2024-06-28T23:59:59Z");
  CHECK(norm("2024-06-30T23:59:59Z") == "2024-06-30T23:59:59Z");
  CHECK(norm("2024-02-30T00:00:00Z") == "2024-03-01T00:00:00Z");  // rolls over like the instant does
  CHECK(norm("2023-12-31T23:59:60Z") == "2024-01-01T00:00:00Z");
  CHECK(norm("2024-06-01t12:00:00z") == "2024-06-01T12:00:00Z");
  CHECK(norm("2024-06-01T14:00:00+02:00") == "2024-06-01T12:00:00Z");
  CHECK(norm("2024-06-01T12:00") == "2024-06-01T12:00:00Z");
  CHECK(norm("2024-06-01T12:00:00.250Z") == "2024-06-01T12:00:00.250Z");
  CHECK(norm("2024-06-01T12:00:00.250Z", true) == "2024-06-01T12:00:00Z");
}

TEST_CASE("normalize_datetime: not a DateTime") {
  std::string out;
  CHECK_FALSE(normalize_datetime("2024-13-01T12:00:00Z", false, out));
  CHECK_FALSE(normalize_datetime("2024-06-01T24:00:00Z", false, out));
  CHECK_FALSE(normalize_datetime("2024-06-01T12:00:00ZZ", false, out));
  CHECK_FALSE(normalize_datetime("2024-06-01 12:00:0xZ", false, out));
}
