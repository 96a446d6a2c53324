#include <doctest/doctest.h>

#include "support/json_compare.hpp"

using namespace ocpi;

TEST_CASE("3.1.4 connector up: renames voltage/amperage, tariff_id becomes a list") {
  memory_context ctx(test::fixture_options());
  translate_request req{.kind = object_kind::connector, .dir = direction::up, .legacy = &ctx.options().legacy[1]};
  const auto r = translate(req, R"({"id":"1","standard":"IEC_62196_T2","format":"CABLE","power_type":"AC_3_PHASE",
    "voltage":220,"amperage":16,"tariff_id":"11","last_updated":"2015-03-16T10:10:02Z"})", ctx);
  REQUIRE(r.ok());
  CHECK(test::same_json(r.body, R"({"id":"1","standard":"IEC_62196_T2","format":"CABLE","power_type":"AC_3_PHASE",
    "max_voltage":220,"max_amperage":16,"tariff_ids":["11"],"last_updated":"2015-03-16T10:10:02Z"})"));
  CHECK(r.losses.empty());
}

TEST_CASE("3.1.4 connector down: 2.2.1-only standard drops the connector") {
  memory_context ctx(test::fixture_options());
  translate_request req{.kind = object_kind::connector, .dir = direction::down, .owner = party{"BE", "BEC"}};
  const auto r = translate(req, R"({"id":"1","standard":"GBT_DC","format":"CABLE","power_type":"DC",
    "max_voltage":400,"max_amperage":100,"last_updated":"2015-03-16T10:10:02Z"})", ctx);
  REQUIRE(r.ok());
  CHECK(r.suppressed);
  CHECK(r.body.empty());
}

TEST_CASE("hostile input yields an error naming the field, never a crash") {
  memory_context ctx(test::fixture_options());
  translate_request req{.kind = object_kind::connector, .dir = direction::up};
  SUBCASE("wrong type") {
    const auto r = translate(req, R"({"id":1})", ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == "id");
    CHECK(r.err->status_code == 2001);
  }
  SUBCASE("missing field") {
    const auto r = translate(req, R"({"id":"1"})", ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == "standard");
  }
  SUBCASE("duplicate key") {
    const auto r = translate(req, R"({"id":"1","id":"2"})", ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->message == "duplicate key");
  }
  SUBCASE("malformed JSON is a 400") {
    const auto r = translate(req, R"({"id":"1",)", ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->http_status == 400);
  }
}
