// loss_report: losses recorded as text offsets, read back as `loss` objects with the path and the
// reason the walker assembled from pieces.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "mappings/sessions/golden.hpp"

using namespace ocpi;

TEST_CASE("loss_report: entries pushed whole or as text come back in order, also after a first read") {
  loss_report r;
  CHECK(r.empty());
  r.push_back({"evses[0].capabilities[2]", loss_kind::dropped, "value PLUG_AND_CHARGE_CAPABLE has no counterpart"});
  const std::size_t path_begin = r.text().size();
  r.text().append("");  // a loss on the object itself: empty path
  const std::size_t reason_begin = r.text().size();
  r.text().append("defaulted");
  r.add(path_begin, reason_begin, loss_kind::defaulted);
  REQUIRE(r.size() == 2);
  CHECK(r[0].path == "evses[0].capabilities[2]");
  CHECK(r[0].kind == loss_kind::dropped);
  CHECK(r[0].reason == "value PLUG_AND_CHARGE_CAPABLE has no counterpart");
  CHECK(r[1].path.empty());
  CHECK(r[1].reason == "defaulted");
  r.push_back({"x", loss_kind::warning, "later"});  // after the entries were read once
  REQUIRE(r.size() == 3);
  CHECK(r.back().path == "x");
  CHECK(std::count_if(r.begin(), r.end(), [](const loss& l) { return l.kind == loss_kind::dropped; }) == 1);
  const loss_report copy = r;
  CHECK(copy.size() == 3);
  CHECK(copy.front().reason == r.front().reason);
}

TEST_CASE("loss_report: paths and reasons of a translation (indexes, keys, pieces of the reason)") {
  memory_context ctx(test::fixture_options());
  const translate_request req{
      .kind = object_kind::connector, .dir = direction::down, .shape = input_shape::list, .owner = party{"FR", "CPO"}};
  const auto r = translate(req, R"([{"id":"1","standard":"IEC_62196_T2","format":"SOCKET","power_type":"AC_3_PHASE",
    "max_voltage":230,"max_amperage":32,"max_electric_power":22000,"last_updated":"2024-01-01T00:00:00Z"},
    {"id":"2","standard":"IEC_62196_T2","format":"SOCKET","power_type":"AC_3_PHASE","max_voltage":230,
     "max_amperage":32,"surprise":1,"last_updated":"2024-01-01T00:00:00Z"}])",
                           ctx);
  REQUIRE(r.ok());
  REQUIRE(r.losses.size() == 2);
  CHECK(r.losses[0].path == "[0].max_electric_power");
  CHECK(r.losses[0].kind == loss_kind::dropped);
  CHECK(r.losses[0].reason == "no counterpart in the target version (3.1.4)");
  CHECK(r.losses[1].path == "[1].surprise");
  CHECK(r.losses[1].reason == "unknown field in Connector 2.2.1 (0.2)");
}
