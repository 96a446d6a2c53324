// json_writer: the escaping writer, and the plain_key/plain_string shortcuts the walker uses for
// the names and enum values of its own tables (same bytes, no escape scan).
#include "ocpi/json_writer.hpp"

#include <doctest/doctest.h>

#include <string>

using ocpi::json_writer;

TEST_CASE("json_writer: plain_key and plain_string write what key and string write for plain text") {
  std::string a, b;
  json_writer wa(a), wb(b);
  wa.begin_object();
  wb.begin_object();
  for (const char* name : {"id", "max_electric_power", "last_updated"}) {
    wa.key(name);
    wa.string("AC_3_PHASE");
    wb.plain_key(name);
    wb.plain_string("AC_3_PHASE");
  }
  wa.key("evses");
  wb.plain_key("evses");
  wa.begin_array();
  wb.begin_array();
  wa.string("2024-01-01T00:00:00Z");
  wb.plain_string("2024-01-01T00:00:00Z");
  wa.end_array();
  wb.end_array();
  wa.end_object();
  wb.end_object();
  CHECK(
      a ==
      R"({"id":"AC_3_PHASE","max_electric_power":"AC_3_PHASE","last_updated":"AC_3_PHASE","evses":["2024-01-01T00:00:00Z"]})");
  CHECK(b == a);
}

TEST_CASE("json_writer: key and string still escape what comes from the input") {
  std::string s;
  json_writer w(s);
  w.begin_object();
  w.key("a\"b");
  w.string("line\nbreak \\ \x01");
  w.end_object();
  CHECK(s == R"({"a\"b":"line\nbreak \\ \u0001"})");
}
