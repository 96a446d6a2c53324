#include <doctest/doctest.h>

#include <string>

#include "common/geo.hpp"

using namespace ocpi::mappings;

namespace {
std::string norm(std::string_view in, int digits = longitude_digits) {
  std::string out;
  return normalize_coordinate(in, digits, out) ? out : "<invalid>";
}
}  // namespace

TEST_CASE("1.9 geo: coordinates normalised to 6 decimals in decimal string arithmetic") {
  CHECK(norm("51.047599") == "51.047599");    // already 6
  CHECK(norm("51.04759") == "51.047590");     // 5 -> pad
  CHECK(norm("3.7299445") == "3.729945");     // 7 -> half-up (TV-23)
  CHECK(norm("3.7299444") == "3.729944");
  CHECK(norm("-3.7299445") == "-3.729945");   // half away from zero
  CHECK(norm("-126.1049649") == "-126.104965");
  CHECK(norm("9.9999995") == "10.000000");    // carry through the point
  CHECK(norm("179.9999999") == "180.000000");
  CHECK(norm("99.9999995", latitude_digits) == "100.000000");  // carry may add a digit
  CHECK(norm("-0.0000004") == "0.000000");    // rounded to zero: no sign
  CHECK(norm("-0.0000005") == "-0.000001");
  CHECK(norm("0.1000004999999") == "0.100000");  // only the 7th decimal decides
  CHECK(norm("51") == "51.000000");
  CHECK(norm("0.12345678901234567") == "<invalid>");  // 17 decimals
  CHECK(norm("51.") == "<invalid>");
  CHECK(norm(".5") == "<invalid>");
  CHECK(norm("1e5") == "<invalid>");
  CHECK(norm("1234.5") == "<invalid>");
  CHECK(norm("123.5", latitude_digits) == "<invalid>");
  CHECK(norm("--1.5") == "<invalid>");
  CHECK(norm("") == "<invalid>");
  CHECK(norm("5 1.0") == "<invalid>");
}

TEST_CASE("1.9 geo: is_coordinate follows the spec regexes") {
  CHECK(is_coordinate("51.047599", latitude_digits, 6, 6));
  CHECK_FALSE(is_coordinate("51.04759", latitude_digits, 6, 6));
  CHECK(is_coordinate("51.04759", latitude_digits, 5, 7));
  CHECK(is_coordinate("-126.1049650", longitude_digits, 5, 7));
  CHECK_FALSE(is_coordinate("-126.1049650", latitude_digits, 5, 7));
  CHECK_FALSE(is_coordinate("51", latitude_digits, 0, 7));
}
