#include "proxy/router/json_edit.hpp"

#include <doctest/doctest.h>

using namespace ocpi::proxy;

TEST_CASE("json_edit string_at: nested strings only") {
  const std::string cdr = R"({"id":"C1","cdr_location":{"id":"LOC1","evse_uid":"3256"},"total":1})";
  CHECK(string_at(cdr, {"id"}) == "C1");
  CHECK(string_at(cdr, {"cdr_location", "evse_uid"}) == "3256");
  CHECK_FALSE(string_at(cdr, {"total"}));
  CHECK_FALSE(string_at(cdr, {"cdr_location", "missing"}));
  CHECK_FALSE(string_at("{not json", {"id"}));
  CHECK_FALSE(string_at("[]", {"id"}));
}

TEST_CASE("json_edit member_json and array_elements: minified texts") {
  CHECK(member_json(R"({"a": [1, {"b": true}]})", "a") == R"([1,{"b":true}])");
  CHECK_FALSE(member_json(R"({"a":1})", "b"));
  CHECK_FALSE(member_json("[1]", "a"));
  const auto e = array_elements(R"([{"x": 1}, "s", 2.5])");
  REQUIRE(e);
  CHECK(*e == std::vector<std::string>{R"({"x":1})", R"("s")", "2.5"});
  CHECK(join_array(*e) == R"([{"x":1},"s",2.5])");
  CHECK(join_array({}) == "[]");
  CHECK_FALSE(array_elements(R"({"a":1})"));
}

TEST_CASE("json_edit merge_members: patch members replace, new ones follow, null removes") {
  const auto m = merge_members(R"({"id":"1","kwh":0,"status":"ACTIVE"})", R"({"kwh":2,"end":"x","status":null})", true);
  REQUIRE(m);
  CHECK(*m == R"({"id":"1","kwh":2,"end":"x"})");
  CHECK(merge_members(R"({"a":1})", R"({"a":null})", false) == R"({"a":null})");
  CHECK_FALSE(merge_members("[]", "{}", true));
  CHECK_FALSE(merge_members("{}", "{broken", true));
  // Escaped keys stay escaped.
  CHECK(merge_members(R"({"a\"b":1})", "{}", true) == R"({"a\"b":1})");
}

TEST_CASE("json_edit with_member: replace in place, append, remove") {
  CHECK(with_member(R"({"a":1,"b":2})", "a", R"("x")") == R"({"a":"x","b":2})");
  CHECK(with_member(R"({"a":1})", "c", "[]") == R"({"a":1,"c":[]})");
  CHECK(with_member(R"({"a":1,"b":2})", "a", "") == R"({"b":2})");
  CHECK_FALSE(with_member("3", "a", "1"));
}

TEST_CASE("json_edit json_equal: member order ignored, numbers by value (MAPPING 0.2 rule 4)") {
  CHECK(json_equal(R"({"a":2,"b":[1,"x"]})", R"({"b":[1.0,"x"],"a":2.00})"));
  CHECK_FALSE(json_equal(R"({"a":[1,2]})", R"({"a":[2,1]})"));
  CHECK_FALSE(json_equal(R"({"a":1})", R"({"a":1,"b":null})"));
  CHECK_FALSE(json_equal(R"({"a":true})", R"({"a":1})"));
  CHECK_FALSE(json_equal("{", "{"));
}

TEST_CASE("json_edit compare_utc_timestamps: fractions compared as numbers") {
  CHECK(compare_utc_timestamps("2020-01-17T10:00:00Z", "2020-01-17T10:00:00.000Z") == 0);
  CHECK(compare_utc_timestamps("2020-01-17T10:00:00.5Z", "2020-01-17T10:00:00.499Z") > 0);
  CHECK(compare_utc_timestamps("2020-01-17T09:59:59.999Z", "2020-01-17T10:00:00Z") < 0);
}
