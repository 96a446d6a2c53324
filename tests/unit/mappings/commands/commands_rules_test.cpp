// Commands (MAPPING §3.3, §4.8, §4.6): one subcase per rule, then hostile input.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "support/json_compare.hpp"

using namespace ocpi;

namespace {

constexpr const char* token_211 = R"({"uid":"11111","type":"OTHER","auth_id":"22222","issuer":"issuer","valid":true,
  "whitelist":"ALWAYS","last_updated":"2020-01-21T06:43:13Z"})";

bool has_loss(const translation& r, const std::string& path, loss_kind k) {
  return std::any_of(r.losses.begin(), r.losses.end(), [&](const loss& l) { return l.path == path && l.kind == k; });
}

std::string field(const std::string& json, const char* key) {
  const auto j = nlohmann::json::parse(json);
  return j.contains(key) ? j[key].dump() : "<absent>";
}

std::string start_211(const std::string& extra) {
  return R"({"response_url":"https://emsp.example.com/cb/1","token":)" + std::string(token_211) +
         R"(,"location_id":"12345")" + extra + "}";
}

// A cached Location LOC-9 of FR*CPX exposed as 12345, with the EVSEs given.
struct fixture {
  memory_context ctx{test::fixture_options()};
  explicit fixture(const std::string& evses = "[]") {
    ctx.load(R"({"exposed_location_ids":[{"exposed":"12345","country_code":"FR","party_id":"CPX","id":"LOC-9"}],
      "locations":[{"country_code":"FR","party_id":"CPX","id":"LOC-9","evses":)" + evses + "}]}");
  }
  translate_request req(object_kind k, direction d, int legacy = 2) {
    return {.kind = k, .dir = d, .legacy = &ctx.options().legacy[static_cast<std::size_t>(legacy)]};
  }
};

std::string evse(const char* uid, const char* caps, const char* connectors, const char* status = "AVAILABLE") {
  return std::string(R"({"uid":")") + uid + R"(","status":")" + status + R"(","capabilities":)" + caps +
         R"(,"connectors":)" + connectors + "}";
}
constexpr const char* required = R"(["START_SESSION_CONNECTOR_REQUIRED"])";
constexpr const char* one = R"([{"id":"1"}])";
constexpr const char* two = R"([{"id":"1"},{"id":"2"}])";

}  // namespace

TEST_CASE("4.8 TV-11 (d) START_SESSION without evse_uid") {
  SUBCASE("two EVSEs: 2001 'evse_uid required by IOP'") {
    fixture f("[" + evse("A", "[]", one) + "," + evse("B", "[]", one) + "]");
    const auto r = translate(f.req(object_kind::start_session, direction::up), start_211(""), f.ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->status_code == 2001);
    CHECK(r.err->describe() == "evse_uid required by IOP");
  }
  SUBCASE("one live EVSE (a REMOVED one does not count): filled, connector too") {
    fixture f("[" + evse("A", required, one) + "," + evse("OLD", "[]", one, "REMOVED") + "]");
    const auto r = translate(f.req(object_kind::start_session, direction::up), start_211(""), f.ctx);
    REQUIRE_MESSAGE(r.ok(), r.err->describe());
    CHECK(field(r.body, "evse_uid") == R"("A")");
    CHECK(field(r.body, "connector_id") == R"("1")");
    CHECK(has_loss(r, "evse_uid", loss_kind::derived));
  }
  SUBCASE("Location not cached: 2001") {
    fixture f;
    f.ctx.load(R"({"exposed_location_ids":[{"exposed":"777","country_code":"FR","party_id":"CPX","id":"NOPE"}]})");
    std::string body = start_211("");
    body.replace(body.find("12345"), 5, "777");
    CHECK(translate(f.req(object_kind::start_session, direction::up), body, f.ctx).err->status_code == 2001);
  }
  SUBCASE("commands.require_evse_uid=false: omitted, IOP decides (A-09)") {
    fixture f("[" + evse("A", "[]", one) + "," + evse("B", "[]", one) + "]");
    f.ctx.mutable_options().commands_require_evse_uid = false;
    const auto r = translate(f.req(object_kind::start_session, direction::up), start_211(""), f.ctx);
    REQUIRE(r.ok());
    CHECK(field(r.body, "evse_uid") == "<absent>");
  }
}

TEST_CASE("4.8 START_SESSION ToIOP: connector_id only when required and unambiguous") {
  SUBCASE("capability absent: omitted") {
    fixture f("[" + evse("A", "[]", one) + "]");
    const auto r = translate(f.req(object_kind::start_session, direction::up), start_211(R"(,"evse_uid":"a")"), f.ctx);
    REQUIRE(r.ok());
    CHECK(field(r.body, "connector_id") == "<absent>");
    CHECK(r.losses.empty());
  }
  SUBCASE("required but two connectors: omitted") {
    fixture f("[" + evse("A", required, two) + "]");
    const auto r = translate(f.req(object_kind::start_session, direction::up), start_211(R"(,"evse_uid":"A")"), f.ctx);
    CHECK(field(r.body, "connector_id") == "<absent>");
  }
  SUBCASE("EVSE uid matched case-insensitively (0.2 r8), written as sent") {
    fixture f("[" + evse("A", required, one) + "]");
    const auto r = translate(f.req(object_kind::start_session, direction::up), start_211(R"(,"evse_uid":"a")"), f.ctx);
    CHECK(field(r.body, "evse_uid") == R"("a")");
    CHECK(field(r.body, "connector_id") == R"("1")");
  }
}

TEST_CASE("4.6 TV-11 (e) unknown exposed Location id: 2003") {
  fixture f;
  for (auto kind : {object_kind::start_session, object_kind::reserve_now, object_kind::unlock_connector}) {
    const std::string body = R"({"response_url":"https://e/cb","token":)" + std::string(token_211) +
                             R"(,"expiry_date":"2024-06-01T13:00:00Z","reservation_id":1,"location_id":"99999","evse_uid":"E","connector_id":"1"})";
    const auto r = translate(f.req(kind, direction::up), body, f.ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->status_code == 2003);
    CHECK(r.err->path == "location_id");
  }
}

TEST_CASE("4.1 StartSession authorization_id longer than 36 is hashed up") {
  fixture f("[" + evse("A", "[]", one) + "]");
  const std::string long_id(40, 'z');
  const auto r = translate(f.req(object_kind::start_session, direction::up),
                           start_211(R"(,"evse_uid":"A","authorization_id":")" + long_id + R"(")"), f.ctx);
  REQUIRE(r.ok());
  const std::string ref = nlohmann::json::parse(r.body)["authorization_reference"];
  CHECK(f.ctx.original_of_hash(ref) == long_id);
  CHECK(has_loss(r, "authorization_id", loss_kind::derived));
}

TEST_CASE("4.8 START_SESSION FromIOP: connector_id dropped silently only when the EVSE has one") {
  memory_context ctx(test::fixture_options());
  ctx.put_location(R"({"country_code":"BE","party_id":"BEC","id":"LOC1","evses":[{"uid":"3256","connectors":[{"id":"1"}]}]})");
  translate_request req{.kind = object_kind::start_session, .dir = direction::down, .legacy = &ctx.options().legacy[1],
                        .to = recipient::legacy_cpo};
  const std::string body = R"({"response_url":"https://iop/cb","token":{"country_code":"DE","party_id":"TNM","uid":"u",
    "type":"RFID","contract_id":"c","issuer":"i","valid":true,"whitelist":"ALLOWED","last_updated":"2018-12-10T17:16:15Z"},
    "connector_id":"1","location_id":"LOC1","evse_uid":"3256"})";
  const auto r = translate(req, body, ctx);
  REQUIRE(r.ok());
  CHECK(field(r.body, "connector_id") == "<absent>");
  CHECK_FALSE(has_loss(r, "connector_id", loss_kind::dropped));
}

TEST_CASE("3.3.3 ReserveNow reservation_id down: int32 decimal or refused") {
  memory_context ctx(test::fixture_options());
  translate_request req{.kind = object_kind::reserve_now, .dir = direction::down, .legacy = &ctx.options().legacy[1],
                        .to = recipient::legacy_cpo};
  auto body = [](const std::string& id) {
    return R"({"response_url":"https://iop/cb","token":{"country_code":"DE","party_id":"TNM","uid":"u","type":"RFID",
      "contract_id":"c","issuer":"i","valid":true,"whitelist":"ALLOWED","last_updated":"2018-12-10T17:16:15Z"},
      "expiry_date":"2024-06-01T13:00:00Z","location_id":"LOC1","reservation_id":)" + id + "}";
  };
  CHECK(field(translate(req, body(R"("-5")"), ctx).body, "reservation_id") == "-5");
  CHECK(field(translate(req, body(R"("0")"), ctx).body, "reservation_id") == "0");
  for (const char* bad : {R"("R-17")", R"("007")", R"("2147483648")", R"("")", R"("-0")", R"("+4")", "12"}) {
    CAPTURE(bad);
    const auto r = translate(req, body(bad), ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->status_code == 2001);
    CHECK(r.err->path == "reservation_id");
  }
}

TEST_CASE("3.3.3 CancelReservation: suppressed down (proxy answers NOT_SUPPORTED), no 2.1.1 form up") {
  memory_context ctx(test::fixture_options());
  translate_request req{.kind = object_kind::cancel_reservation, .dir = direction::down, .to = recipient::legacy_cpo};
  auto r = translate(req, R"({"response_url":"https://iop/cb","reservation_id":"R1"})", ctx);
  REQUIRE(r.ok());
  CHECK(r.suppressed);
  CHECK(r.body.empty());
  CHECK(has_loss(r, "", loss_kind::dropped));
  r = translate(req, R"({"response_url":"https://iop/cb"})", ctx);
  REQUIRE_FALSE(r.ok());
  CHECK(r.err->path == "reservation_id");
  req.dir = direction::up;
  CHECK_FALSE(translate(req, R"({"response_url":"https://e/cb","reservation_id":1})", ctx).ok());
}

TEST_CASE("3.3.4 CommandResponse up: timeout per command, none without a command") {
  memory_context ctx(test::fixture_options());
  translate_request req{.kind = object_kind::command_response, .dir = direction::up, .command = "STOP_SESSION"};
  CHECK(test::same_json(translate(req, R"({"result":"UNKNOWN_SESSION"})", ctx).body,
                        R"({"result":"UNKNOWN_SESSION","timeout":60})"));
  ctx.mutable_options().commands_timeout_s["STOP_SESSION"] = 45;
  CHECK(field(translate(req, R"({"result":"ACCEPTED"})", ctx).body, "timeout") == "45");
  req.command.clear();
  const auto r = translate(req, R"({"result":"ACCEPTED"})", ctx);
  REQUIRE_FALSE(r.ok());
  CHECK(r.err->status_code == 3000);
}

TEST_CASE("3.3.4 CommandResponse down: only the synchronous values") {
  memory_context ctx(test::fixture_options());
  translate_request req{.kind = object_kind::command_response, .dir = direction::down, .to = recipient::legacy_emsp};
  for (const char* v : {"NOT_SUPPORTED", "REJECTED", "ACCEPTED", "UNKNOWN_SESSION"}) {
    const auto r = translate(req, std::string(R"({"result":")") + v + R"(","timeout":30})", ctx);
    CHECK(test::same_json(r.body, std::string(R"({"result":")") + v + R"("})"));
  }
  const auto r = translate(req, R"({"result":"EVSE_OCCUPIED","timeout":30})", ctx);
  REQUIRE_FALSE(r.ok());
  CHECK(r.err->path == "result");
  // IOP's answer without timeout: accepted, the proxy falls back to commands.timeout_s (3.3.2).
  CHECK(translate(req, R"({"result":"ACCEPTED"})", ctx).ok());
}

TEST_CASE("3.3.5 CommandResult table, both directions") {
  memory_context ctx(test::fixture_options());
  translate_request down{.kind = object_kind::command_result, .dir = direction::down, .to = recipient::legacy_emsp};
  struct row {
    const char* from;
    const char* to;
  };
  for (const row r : {row{"ACCEPTED", "ACCEPTED"}, row{"CANCELED_RESERVATION", "REJECTED"}, row{"EVSE_OCCUPIED", "REJECTED"},
                      row{"EVSE_INOPERATIVE", "REJECTED"}, row{"FAILED", "REJECTED"}, row{"NOT_SUPPORTED", "NOT_SUPPORTED"},
                      row{"REJECTED", "REJECTED"}, row{"TIMEOUT", "TIMEOUT"}, row{"UNKNOWN_RESERVATION", "REJECTED"}}) {
    CAPTURE(r.from);
    const auto t = translate(down, std::string(R"({"result":")") + r.from + R"("})", ctx);
    CHECK(test::same_json(t.body, std::string(R"({"result":")") + r.to + R"("})"));
    CHECK(has_loss(t, "result", loss_kind::derived) == (std::string(r.from) != r.to));
  }
  translate_request up{.kind = object_kind::command_result, .dir = direction::up};
  for (const row r : {row{"ACCEPTED", "ACCEPTED"}, row{"REJECTED", "REJECTED"}, row{"NOT_SUPPORTED", "NOT_SUPPORTED"},
                      row{"TIMEOUT", "TIMEOUT"}}) {
    CAPTURE(r.from);
    const auto t = translate(up, std::string(R"({"result":")") + r.from + R"("})", ctx);
    CHECK(test::same_json(t.body, std::string(R"({"result":")") + r.to + R"("})"));
    CHECK(t.losses.empty());
  }
  CHECK_FALSE(translate(up, R"({"result":"FAILED"})", ctx).ok());  // not a 2.1.1 value
}

TEST_CASE("3.3 hostile command input: an error with a path, never a crash") {
  fixture f("[" + evse("A", "[]", one) + "]");
  auto up = f.req(object_kind::start_session, direction::up);
  const std::string huge(70000, 'h');
  struct bad {
    std::string body;
    const char* path;
  };
  const bad cases[] = {
      {R"({"response_url":"https://e/cb","token":"11111","location_id":"12345"})", "token"},
      {R"({"token":)" + std::string(token_211) + R"(,"location_id":"12345","evse_uid":"A"})", "response_url"},
      {R"({"response_url":"https://e/)" + huge + R"(","location_id":"12345"})", "response_url"},
      {R"({"response_url":"https://e/cb","token":{"uid":7}})", "token.uid"},
      {R"({"response_url":"https://e/cb","location_id":12345})", "location_id"},
      {R"({"response_url":"https://e/cb","location_id":")" + huge + R"("})", "location_id"},
      {R"({"response_url":"https://e/cb","response_url":"https://e/cb"})", "response_url"},
      {R"({"response_url":"https://e/cb","token":)" + std::string(token_211) + R"(,"location_id":"12345","evse_uid":["A"]})", "evse_uid"},
      {R"("START_SESSION")", ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.body.substr(0, 120));
    const auto r = translate(up, c.body, f.ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == c.path);
  }
  SUBCASE("result of the wrong type / missing") {
    translate_request res{.kind = object_kind::command_result, .dir = direction::up};
    auto r = translate(res, R"({"result":1})", f.ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == "result");
    r = translate(res, R"({})", f.ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == "result");
  }
  SUBCASE("ReserveNow reservation_id not an integer up") {
    auto rn = f.req(object_kind::reserve_now, direction::up);
    const auto r = translate(rn, R"({"response_url":"https://e/cb","reservation_id":"12"})", f.ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == "reservation_id");
  }
}
