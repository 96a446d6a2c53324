// side_parser keeps the DOMs of the last texts it parsed (the cached Location every Session and
// CDR down-conversion reads): a text seen again is not parsed again, a changed text always is.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "engine/walk.hpp"
#include "mappings/sessions/golden.hpp"

using namespace ocpi;
using ocpi::mappings::side_parser;

namespace {

std::string name_of(side_parser& p, const std::string& json) {
  simdjson::dom::element root;
  REQUIRE_FALSE(p.parse(json, root));
  std::string_view name;
  REQUIRE_FALSE(root["name"].get(name));
  return std::string(name);
}

std::string location_name(int i) { return R"({"name":"location )" + std::to_string(i) + R"("})"; }

}  // namespace

TEST_CASE("side_parser: a text seen again gives the same DOM, a changed text its own") {
  side_parser p;
  CHECK(name_of(p, location_name(1)) == "location 1");
  CHECK(name_of(p, location_name(1)) == "location 1");
  // Same size, one byte different: found by content, never by length or address.
  CHECK(name_of(p, location_name(2)) == "location 2");
  CHECK(name_of(p, location_name(1)) == "location 1");
}

TEST_CASE("side_parser: more distinct texts than it keeps, in turn and interleaved") {
  side_parser p;
  for (int round = 0; round < 3; ++round)
    for (int i = 0; i < static_cast<int>(side_parser::ways) * 2 + 1; ++i) {
      CHECK(name_of(p, location_name(i)) == "location " + std::to_string(i));
      CHECK(name_of(p, location_name(0)) == "location 0");
    }
}

TEST_CASE("side_parser: a text that is not JSON is an error and is not kept") {
  side_parser p;
  simdjson::dom::element root;
  CHECK(p.parse(R"({"name":)", root));
  CHECK(p.parse(R"({"name":)", root));
  CHECK(p.parse("", root));
  CHECK(name_of(p, location_name(3)) == "location 3");
}

TEST_CASE("3.4.5 Session down: a cached Location that changed is read again, not the old DOM") {
  memory_context ctx(test::fixture_options());
  ctx.load(test::data("sessions/tv15_put.context.json"));
  const translate_request req{.kind = object_kind::session,
                              .dir = direction::down,
                              .legacy = &ctx.options().legacy[2],
                              .owner = party{"BE", "BEC"},
                              .to = recipient::legacy_emsp};
  const std::string in = test::data("sessions/tv15_put.v221.json");
  const auto address = [&] {
    const auto r = translate(req, in, ctx);
    REQUIRE(r.ok());
    return nlohmann::json::parse(r.body)["location"]["address"].get<std::string>();
  };
  CHECK(address() == "F.Rooseveltlaan 3A");
  CHECK(address() == "F.Rooseveltlaan 3A");  // the kept DOM
  auto location = nlohmann::json::parse(*ctx.location(party{"BE", "BEC"}, "LOC1"));
  location["address"] = "F.Rooseveltlaan 3B";  // same length: only the content differs
  ctx.put_location(location.dump());
  CHECK(address() == "F.Rooseveltlaan 3B");
  location["address"] = "Kortrijksesteenweg 1";
  ctx.put_location(location.dump());
  CHECK(address() == "Kortrijksesteenweg 1");
}
