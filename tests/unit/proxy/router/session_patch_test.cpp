#include "proxy/router/session_patch.hpp"

#include <doctest/doctest.h>

#include "proxy/router/json_edit.hpp"

using namespace ocpi::proxy;

namespace {

// TV-13's 2.2.1 Session as IOP received it: the base of the TV-14 PATCHes.
const std::string tv13 =
    R"({"country_code":"FR","party_id":"CPO","id":"AAAAAAA","start_date_time":"2020-01-17T09:39:29.000Z",
  "kwh":0,"cdr_token":{"country_code":"FR","party_id":"EMP","uid":"04A2B3C4D5E6F7","type":"RFID","contract_id":"FR*EMP*11111"},
  "auth_method":"AUTH_REQUEST","authorization_reference":"mmm-ppp","location_id":"aaaa","evse_uid":"aaaaa","connector_id":"1",
  "currency":"EUR","charging_periods":[],"total_cost":{"excl_vat":0},"status":"ACTIVE","last_updated":"2020-01-17T09:39:41.356Z"})";

const std::string p1 = R"({"start_date_time":"2020-01-17T09:39:29Z","dimensions":[{"type":"ENERGY","volume":2}]})";
const std::string p2 =
    R"({"start_date_time":"2020-01-17T10:00:00Z","dimensions":[{"type":"ENERGY","volume":3.5},{"type":"MAX_CURRENT","volume":16}]})";

std::string with_periods(const std::string& session, const std::vector<std::string>& periods) {
  return *with_member(session, "charging_periods", join_array(periods));
}

}  // namespace

TEST_CASE("3.4.6 A-31 read_periods: repeat -> replace, continuation -> append, else replace with warning") {
  auto r = read_periods({p1}, {p1, p2});
  CHECK(r.reading == periods_reading::replace);
  CHECK(r.cached_is_prefix);
  CHECK(r.added == std::vector<std::string>{p2});
  CHECK(r.merged == std::vector<std::string>{p1, p2});

  r = read_periods({p1}, {p2});
  CHECK(r.reading == periods_reading::append);
  CHECK(r.merged == std::vector<std::string>{p1, p2});
  CHECK(r.added == std::vector<std::string>{p2});

  r = read_periods({p2}, {p1});  // neither: starts before the last cached period
  CHECK(r.reading == periods_reading::replace_unclear);
  CHECK(r.merged == std::vector<std::string>{p1});

  const std::string p1_changed =
      R"({"start_date_time":"2020-01-17T09:39:29.000Z","dimensions":[{"type":"ENERGY","volume":2.5}]})";
  r = read_periods({p1}, {p1_changed, p2});
  CHECK(r.reading == periods_reading::replace);
  CHECK_FALSE(r.cached_is_prefix);
  CHECK(read_periods({}, {p1}).reading == periods_reading::replace);
}

TEST_CASE("TV-14(a) PUT_MERGED: the cached TV-13 body with kwh and last_updated replaced") {
  const auto u = plan_toiop_session_patch(tv13, R"({"kwh":2,"last_updated":"2024-06-01T12:00:00Z"})", false);
  REQUIRE(u);
  CHECK(u->put);
  const auto expected = *merge_members(tv13, R"({"kwh":2,"last_updated":"2024-06-01T12:00:00Z"})", true);
  CHECK(json_equal(u->body, expected));
  CHECK(u->merged == u->body);
}

TEST_CASE("TV-14(a) PATCH_DELTA: the translated delta as a 2.2.1 PATCH") {
  const std::string patch = R"({"kwh":2,"last_updated":"2024-06-01T12:00:00Z"})";
  const auto u = plan_toiop_session_patch(tv13, patch, true);
  REQUIRE(u);
  CHECK_FALSE(u->put);
  CHECK(json_equal(u->body, patch));
  CHECK(json_equal(u->merged, *merge_members(tv13, patch, true)));
}

TEST_CASE("TV-14(b) both strategies on a full 2.1.1 list") {
  const std::string base = with_periods(tv13, {p1});
  const std::string patch =
      R"({"kwh":5.5,"charging_periods":[)" + p1 + "," + p2 + R"(],"last_updated":"2020-01-17T10:30:00Z"})";
  const auto merged = plan_toiop_session_patch(base, patch, false);
  REQUIRE(merged);
  CHECK(merged->put);
  CHECK(json_equal(*member_json(merged->body, "charging_periods"), join_array({p1, p2})));
  CHECK(string_at(merged->body, {"last_updated"}) == "2020-01-17T10:30:00Z");

  const auto delta = plan_toiop_session_patch(base, patch, true);
  REQUIRE(delta);
  CHECK_FALSE(delta->put);
  CHECK(json_equal(delta->body,
                   R"({"kwh":5.5,"charging_periods":[)" + p2 + R"(],"last_updated":"2020-01-17T10:30:00Z"})"));

  // P1's volume changed: PATCH_DELTA cannot express it (2.2.1 appends), so a full PUT goes.
  const std::string changed =
      R"({"charging_periods":[{"start_date_time":"2020-01-17T09:39:29Z","dimensions":[{"type":"ENERGY","volume":9}]}],"last_updated":"2020-01-17T10:30:00Z"})";
  const auto put = plan_toiop_session_patch(base, changed, true);
  REQUIRE(put);
  CHECK(put->put);
  CHECK_FALSE(put->warning.empty());
}

TEST_CASE("3.4.6 no cached base: the translated body goes as a 2.2.1 PATCH, with a warning") {
  const auto u = plan_toiop_session_patch(std::nullopt, R"({"kwh":2,"last_updated":"2024-06-01T12:00:00Z"})", false);
  REQUIRE(u);
  CHECK_FALSE(u->put);
  CHECK(u->merged.empty());
  CHECK_FALSE(u->warning.empty());
  CHECK_FALSE(plan_toiop_session_patch(std::string_view("[]"), "{}", false));
}

TEST_CASE("3.4.6 FromIOP: periods appended to the cache, the whole list sent down") {
  const std::string base = with_periods(tv13, {p1});
  const std::string patch = R"({"kwh":5.5,"charging_periods":[)" + p2 + R"(],"last_updated":"2020-01-17T10:30:00Z"})";
  const auto u = plan_fromiop_session_patch(base, patch);
  REQUIRE(u);
  CHECK(json_equal(*member_json(u->patch_221, "charging_periods"), join_array({p1, p2})));
  CHECK(string_at(u->patch_221, {"last_updated"}) == "2020-01-17T10:30:00Z");
  CHECK(json_equal(*member_json(u->merged, "charging_periods"), join_array({p1, p2})));
  CHECK(json_equal(*member_json(u->merged, "kwh"), "5.5"));

  const auto scalar =
      plan_fromiop_session_patch(base, R"({"status":"COMPLETED","last_updated":"2020-01-17T11:00:00Z"})");
  REQUIRE(scalar);
  CHECK_FALSE(member_json(scalar->patch_221, "charging_periods"));

  const auto lost = plan_fromiop_session_patch(std::nullopt, patch);
  REQUIRE(lost);
  CHECK_FALSE(member_json(lost->patch_221, "charging_periods"));
  CHECK(lost->merged.empty());
  CHECK_FALSE(lost->warning.empty());
}
