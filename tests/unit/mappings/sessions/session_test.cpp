// Sessions, MAPPING §3.4 and §3.5.5: golden pairs (TV-13, TV-14, TV-15, spec examples, Gireve
// 2.1.1 examples), TV-24 token resolution, one subcase per rule, hostile input.
#include <doctest/doctest.h>

#include "mappings/sessions/golden.hpp"

using namespace ocpi;

namespace {

const legacy_party& cpo_a(const memory_context& ctx) { return ctx.options().legacy[0]; }
const legacy_party& emsp_a(const memory_context& ctx) { return ctx.options().legacy[2]; }

translate_request up_req(const memory_context& ctx, input_shape shape = input_shape::object) {
  return {.kind = object_kind::session, .dir = direction::up, .shape = shape, .legacy = &cpo_a(ctx), .owner = party{"FR", "CPO"}};
}

translate_request down_req(const memory_context& ctx, input_shape shape = input_shape::object) {
  return {.kind = object_kind::session, .dir = direction::down, .shape = shape, .legacy = &emsp_a(ctx),
          .owner = party{"BE", "BEC"}, .to = recipient::legacy_emsp};
}

// A minimal 2.1.1 Session from CPO-A; `auth` is spliced in as the auth_id (and more) members.
std::string session_211(const std::string& auth, const std::string& evses = R"([{"uid":"E1","status":"CHARGING",
  "connectors":[{"id":"1","standard":"IEC_62196_T2","format":"SOCKET","power_type":"AC_3_PHASE","voltage":230,
  "amperage":32,"last_updated":"2024-05-31T10:00:00Z"}],"last_updated":"2024-05-31T10:00:00Z"}])") {
  return R"({"id":"S1","start_datetime":"2024-05-31T10:00:00Z","kwh":1.5,)" + auth +
         R"(,"auth_method":"WHITELIST","location":{"id":"L1","type":"ON_STREET","address":"a","city":"c",
  "postal_code":"1","country":"FRA","coordinates":{"latitude":"1.000000","longitude":"2.000000"},"evses":)" + evses +
         R"(,"last_updated":"2024-05-31T10:00:00Z"},"currency":"EUR","status":"ACTIVE","last_updated":"2024-05-31T10:00:00Z"})";
}

nlohmann::json body(const translation& r) { return nlohmann::json::parse(r.body); }

}  // namespace

TEST_CASE("TV-13 3.4.2 Session PUT ToIOP (Gireve cpo_sessions.md PUT example)") {
  memory_context ctx(test::fixture_options());
  const auto r = test::golden(ctx, up_req(ctx), "sessions", "tv13_put");
  CHECK(r.losses.empty());
}

TEST_CASE("TV-14 3.4.6 Session PATCH ToIOP: the PATCH body translation") {
  memory_context ctx(test::fixture_options());
  SUBCASE("(a) Gireve cpo_sessions.md PATCH example: id removed, last_updated added") {
    const auto r = test::golden(ctx, up_req(ctx, input_shape::patch), "sessions", "tv14a_patch");
    CHECK(test::has_loss(r, "last_updated", loss_kind::defaulted));
  }
  SUBCASE("(b) charging_periods translated as received (the A-31 delta is the merge step's)") {
    const auto r = test::golden(ctx, up_req(ctx, input_shape::patch), "sessions", "tv14b_patch");
    CHECK(r.losses.empty());
  }
  SUBCASE("PATCH null: a list becomes [], a scalar is dropped and reported (1.8.4)") {
    const auto r = translate(up_req(ctx, input_shape::patch),
                             R"({"charging_periods":null,"total_cost":null,"last_updated":"2024-01-01T00:00:00Z"})", ctx);
    REQUIRE(r.ok());
    CHECK(test::same_json(r.body, R"({"charging_periods":[],"last_updated":"2024-01-01T00:00:00Z"})"));
    CHECK(test::has_loss(r, "total_cost", loss_kind::dropped));
  }
  SUBCASE("PATCH auth_id re-runs 3.4.4 with the cached Session's authorization_reference") {
    ctx.load(test::data("sessions/tv13_put.context.json"));
    ctx.put_session(test::data("sessions/tv13_put.v221.json"));
    const auto r = translate(up_req(ctx, input_shape::patch), R"({"id":"AAAAAAA","auth_id":"FR*EMP*11111"})", ctx);
    REQUIRE(r.ok());
    CHECK(body(r)["cdr_token"]["uid"] == "04A2B3C4D5E6F7");
    CHECK_FALSE(body(r).contains("id"));
  }
}

TEST_CASE("TV-15 3.4.5 Session PUT FromIOP -> legacy eMSP (spec session_example_2_short_finished.json)") {
  memory_context ctx(test::fixture_options());
  const auto r = test::golden(ctx, down_req(ctx), "sessions", "tv15_put");
  CHECK(test::has_loss(r, "charging_periods[2].tariff_id", loss_kind::dropped));
  CHECK(test::has_loss(r, "total_cost.incl_vat", loss_kind::dropped));
  CHECK(test::has_loss(r, "cdr_token", loss_kind::dropped));

  SUBCASE("variant: RESERVATION -> PENDING, COMMAND -> AUTH_REQUEST") {
    auto in = nlohmann::json::parse(test::data("sessions/tv15_put.v221.json"));
    in["status"] = "RESERVATION";
    in["auth_method"] = "COMMAND";
    const auto v = translate(down_req(ctx), in.dump(), ctx);
    REQUIRE(v.ok());
    CHECK(body(v)["status"] == "PENDING");
    CHECK(body(v)["auth_method"] == "AUTH_REQUEST");
    CHECK(test::has_loss(v, "status", loss_kind::derived));
    CHECK(test::has_loss(v, "auth_method", loss_kind::derived));
  }
}

TEST_CASE("4.1 authorization_id toward a legacy eMSP: Gireve's extension unless the party turns it off (issue 13)") {
  memory_context ctx(test::fixture_options());
  test::load_context(ctx, "sessions", "tv15_put");
  auto in = nlohmann::json::parse(test::data("sessions/tv15_put.v221.json"));
  in["authorization_reference"] = "AUTH-0001";
  SUBCASE("default (Gireve 2.1.1): renamed and sent") {
    const auto r = translate(down_req(ctx), in.dump(), ctx);
    REQUIRE_MESSAGE(r.ok(), test::describe(r));
    CHECK(body(r)["authorization_id"] == "AUTH-0001");
  }
  SUBCASE("authorization_id_extension = false: left out and reported, the rest unchanged") {
    REQUIRE_FALSE(ctx.mutable_options().set("authorization_id_extension", "false", &ctx.mutable_options().legacy[2]));
    const auto r = translate(down_req(ctx), in.dump(), ctx);
    REQUIRE_MESSAGE(r.ok(), test::describe(r));
    CHECK_FALSE(body(r).contains("authorization_id"));
    CHECK(test::has_loss_reason(r, "authorization_reference", "authorization_id_extension"));
    in.erase("authorization_reference");
    const auto plain = translate(down_req(ctx), in.dump(), ctx);
    CHECK(test::same_json(r.body, plain.body));
  }
}

TEST_CASE("3.4.5 Session down: spec examples with the Location from the cache") {
  memory_context ctx(test::fixture_options());
  SUBCASE("session_example_1_simple_start.json (owner NL/STK, no gireve_id: owner id exposed)") {
    auto req = down_req(ctx);
    req.owner = party{"NL", "STK"};
    test::golden(ctx, req, "sessions", "spec_example_1");
  }
  SUBCASE("session_patch_example_charging_period.json") {
    test::golden(ctx, down_req(ctx, input_shape::patch), "sessions", "spec_patch_charging_period");
  }
  SUBCASE("session_patch_example_total_cost.json") {
    const auto r = test::golden(ctx, down_req(ctx, input_shape::patch), "sessions", "spec_patch_total_cost");
    CHECK(test::has_loss(r, "total_cost.incl_vat", loss_kind::dropped));
  }
  SUBCASE("toward the legacy CPO (S3): owner id and original operator") {
    ctx.load(test::data("sessions/tv15_put.context.json"));
    auto req = down_req(ctx);
    req.to = recipient::legacy_cpo;
    const auto r = translate(req, test::data("sessions/tv15_put.v221.json"), ctx);
    REQUIRE(r.ok());
    CHECK(body(r)["location"]["id"] == "LOC1");
    CHECK(body(r)["location"]["operator"]["name"] == "BeCharged");
  }
}

TEST_CASE("3.4.5 Session down: cache misses and fallbacks") {
  memory_context ctx(test::fixture_options());
  const std::string in = test::data("sessions/tv15_put.v221.json");
  SUBCASE("Location not cached: 3000 naming the Location, for the proxy to GET it from IOP") {
    const auto r = translate(down_req(ctx), in, ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->status_code == 3000);
    CHECK(r.err->path == "location_id");
    CHECK(r.err->message.find("BE/BEC/LOC1") != std::string::npos);
  }
  ctx.load(test::data("sessions/tv15_put.context.json"));
  auto j = nlohmann::json::parse(in);
  SUBCASE("unknown connector of a known EVSE: skeleton from another connector") {
    j["connector_id"] = "9";
    const auto r = translate(down_req(ctx), j.dump(), ctx);
    REQUIRE(r.ok());
    const auto evse = body(r)["location"]["evses"][0];
    CHECK(evse["status"] == "UNKNOWN");
    CHECK(evse["connectors"][0]["id"] == "9");
    CHECK(evse["connectors"][0]["voltage"] == 0);
    CHECK(evse["connectors"][0]["standard"] == "IEC_62196_T2");
    CHECK(test::has_loss(r, "connector_id", loss_kind::defaulted));
  }
  SUBCASE("unknown EVSE: 3000") {
    j["evse_uid"] = "nope";
    const auto r = translate(down_req(ctx), j.dump(), ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->status_code == 3000);
    CHECK(r.err->path == "evse_uid");
  }
  SUBCASE("#NA evse_uid (reservation without EVSE): evses []") {
    j["evse_uid"] = "#NA";
    j["connector_id"] = "#NA";
    const auto r = translate(down_req(ctx), j.dump(), ctx);
    REQUIRE(r.ok());
    CHECK(body(r)["location"]["evses"].empty());
  }
  SUBCASE("authorization_reference that the proxy hashed gets its original back (4.1)") {
    const std::string original(40, 'r');
    j["authorization_reference"] = ctx.hash_long_id(original);
    const auto r = translate(down_req(ctx), j.dump(), ctx);
    REQUIRE(r.ok());
    CHECK(body(r)["authorization_id"] == original);
  }
  SUBCASE("2.2.1-only dimensions dropped; a Session list may become empty (3.5.5)") {
    j["charging_periods"] = nlohmann::json::parse(
        R"([{"start_date_time":"2015-06-29T22:39:09Z","dimensions":[{"type":"STATE_OF_CHARGE","volume":80},{"type":"POWER","volume":11}]}])");
    const auto r = translate(down_req(ctx), j.dump(), ctx);
    REQUIRE(r.ok());
    CHECK(body(r)["charging_periods"].empty());
    CHECK(test::has_loss(r, "charging_periods[0].dimensions[0].type", loss_kind::dropped));
    CHECK(test::has_loss(r, "charging_periods[0]", loss_kind::dropped));
  }
}

TEST_CASE("TV-24 3.4.4 token resolution corner cases (Sessions ToIOP)") {
  memory_context ctx(test::fixture_options());
  SUBCASE("Advenir marker: the configured token, no authorization_reference") {
    ctx.mutable_options().advenir_enabled = true;
    const auto r = translate(up_req(ctx), session_211(R"("auth_id":"Gireve2Advenir")"), ctx);
    REQUIRE(r.ok());
    CHECK(body(r)["cdr_token"] == nlohmann::json::parse(
        R"({"country_code":"$$","party_id":"ADV","uid":"12345671234567","type":"RFID","contract_id":"Gireve2Advenir"})"));
    CHECK_FALSE(body(r).contains("authorization_reference"));
  }
  SUBCASE("Advenir with an authorization_id: no lookup, reference omitted") {
    ctx.mutable_options().advenir_enabled = true;
    ctx.load(test::data("sessions/tv13_put.context.json"));
    const auto r = translate(up_req(ctx), session_211(R"("auth_id":"Gireve2Advenir","authorization_id":"mmm-ppp")"), ctx);
    REQUIRE(r.ok());
    CHECK(body(r)["cdr_token"]["party_id"] == "ADV");
    CHECK_FALSE(body(r).contains("authorization_reference"));
    CHECK(test::has_loss(r, "authorization_id", loss_kind::dropped));
  }
  SUBCASE("FR-EMP-C12345678-X derived, counted cdr_token_derived") {
    const auto r = translate(up_req(ctx), session_211(R"("auth_id":"FR-EMP-C12345678-X")"), ctx);
    REQUIRE(r.ok());
    CHECK(body(r)["cdr_token"] == nlohmann::json::parse(
        R"({"country_code":"FR","party_id":"EMP","uid":"FR-EMP-C12345678-X","type":"OTHER","contract_id":"FR-EMP-C12345678-X"})"));
    CHECK(test::has_loss_reason(r, "auth_id", "cdr_token_derived"));
  }
  SUBCASE("DE8ACC12E46L89 derived") {
    const auto r = translate(up_req(ctx), session_211(R"("auth_id":"DE8ACC12E46L89")"), ctx);
    REQUIRE(r.ok());
    CHECK(body(r)["cdr_token"] == nlohmann::json::parse(
        R"({"country_code":"DE","party_id":"8AC","uid":"DE8ACC12E46L89","type":"OTHER","contract_id":"DE8ACC12E46L89"})"));
  }
  SUBCASE("12345: cannot determine token owner") {
    const auto r = translate(up_req(ctx), session_211(R"("auth_id":"12345")"), ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->status_code == 2001);
    CHECK(r.err->message == "cannot determine token owner");
    CHECK(r.err->path == "auth_id");
  }
  SUBCASE("REJECT fallback refuses what DERIVE would derive") {
    ctx.mutable_options().cpo_cdr_token_fallback = "REJECT";
    const auto r = translate(up_req(ctx), session_211(R"("auth_id":"DE8ACC12E46L89")"), ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->message == "cannot determine token owner");
  }
  SUBCASE("fr*emp*11111 with one cached token: the cached token, its contract_id") {
    ctx.put_token(R"({"country_code":"FR","party_id":"EMP","uid":"04A2B3C4D5E6F7","type":"RFID","contract_id":"FR*EMP*11111",
      "issuer":"Example eMSP","valid":true,"whitelist":"ALLOWED","last_updated":"2020-01-01T00:00:00Z"})");
    const auto r = translate(up_req(ctx), session_211(R"("auth_id":"fr*emp*11111")"), ctx);
    REQUIRE(r.ok());
    CHECK(body(r)["cdr_token"] == nlohmann::json::parse(
        R"({"country_code":"FR","party_id":"EMP","uid":"04A2B3C4D5E6F7","type":"RFID","contract_id":"FR*EMP*11111"})"));
    CHECK_FALSE(test::has_loss_reason(r, "auth_id", "cdr_token_derived"));
  }
  SUBCASE("authorization map token differing from auth_id: stored token kept, warned") {
    ctx.load(test::data("sessions/tv13_put.context.json"));
    const auto r = translate(up_req(ctx), session_211(R"("auth_id":"FR*EMP*99999","authorization_id":"mmm-ppp")"), ctx);
    REQUIRE(r.ok());
    CHECK(body(r)["cdr_token"]["contract_id"] == "FR*EMP*11111");
    CHECK(test::has_loss(r, "auth_id", loss_kind::warning));
  }
}

TEST_CASE("3.4.2 Session up rules") {
  memory_context ctx(test::fixture_options());
  SUBCASE("auth_method COMMAND when the authorization came from a relayed START_SESSION") {
    ctx.put_authorization({"FR", "CPO"}, "ref-1", {R"({"country_code":"FR","party_id":"EMP","uid":"U1","type":"APP_USER","contract_id":"FR*EMP*1"})",
                                                   "L1", {"E1"}, "", "START_SESSION"});
    const auto r = translate(up_req(ctx), session_211(R"("auth_id":"FR*EMP*1","authorization_id":"ref-1")"), ctx);
    REQUIRE(r.ok());
    CHECK(body(r)["auth_method"] == "COMMAND");
    CHECK(body(r)["cdr_token"]["type"] == "APP_USER");
    CHECK(test::has_loss(r, "auth_method", loss_kind::derived));
  }
  SUBCASE("location without EVSE: EVSE/connector from the authorization map") {
    ctx.put_authorization({"FR", "CPO"}, "ref-2", {R"({"country_code":"FR","party_id":"EMP","uid":"U1","type":"RFID","contract_id":"FR*EMP*1"})",
                                                   "L1", {"E7"}, "3", "START_SESSION"});
    const auto r = translate(up_req(ctx), session_211(R"("auth_id":"FR*EMP*1","authorization_id":"ref-2")", "[]"), ctx);
    REQUIRE(r.ok());
    CHECK(body(r)["evse_uid"] == "E7");
    CHECK(body(r)["connector_id"] == "3");
    CHECK(test::has_loss(r, "location", loss_kind::derived));
  }
  SUBCASE("location without EVSE: from the session cache") {
    ctx.put_session(R"({"country_code":"FR","party_id":"CPO","id":"S1","location_id":"L1","evse_uid":"E9","connector_id":"2"})");
    const auto r = translate(up_req(ctx), session_211(R"("auth_id":"FR*EMP*1")", "[]"), ctx);
    REQUIRE(r.ok());
    CHECK(body(r)["evse_uid"] == "E9");
    CHECK(body(r)["connector_id"] == "2");
  }
  SUBCASE("location without EVSE and nothing to complete it: 2001") {
    const auto r = translate(up_req(ctx), session_211(R"("auth_id":"FR*EMP*1")", "[]"), ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->status_code == 2001);
    CHECK(r.err->path == "location");
  }
  SUBCASE("several EVSEs: the first, warned") {
    const std::string evses = R"([{"uid":"E1","status":"CHARGING","connectors":[{"id":"1","standard":"CHADEMO","format":"CABLE",
      "power_type":"DC","voltage":400,"amperage":125,"last_updated":"2024-05-31T10:00:00Z"}],"last_updated":"2024-05-31T10:00:00Z"},
      {"uid":"E2","status":"AVAILABLE","connectors":[],"last_updated":"2024-05-31T10:00:00Z"}])";
    const auto r = translate(up_req(ctx), session_211(R"("auth_id":"FR*EMP*1")", evses), ctx);
    REQUIRE(r.ok());
    CHECK(body(r)["evse_uid"] == "E1");
    CHECK(test::has_loss(r, "location.evses", loss_kind::warning));
  }
  SUBCASE("FLAT dimension dropped, period emptied removed; number in a string accepted") {
    auto j = nlohmann::json::parse(session_211(R"("auth_id":"FR*EMP*1")"));
    j["charging_periods"] = nlohmann::json::parse(R"([{"start_date_time":"2024-05-31T10:00:00","dimensions":[{"type":"FLAT","volume":1}]},
      {"start_date_time":"2024-05-31T10:05:00Z","dimensions":[{"type":"ENERGY","volume":"2.50"},{"type":"FLAT","volume":1}]}])");
    j["total_cost"] = "3.00";
    const auto r = translate(up_req(ctx), j.dump(), ctx);
    REQUIRE(r.ok());
    CHECK(body(r)["charging_periods"] == nlohmann::json::parse(
        R"([{"start_date_time":"2024-05-31T10:05:00Z","dimensions":[{"type":"ENERGY","volume":2.50}]}])"));
    CHECK(body(r)["total_cost"]["excl_vat"] == 3.0);
    CHECK(test::has_loss(r, "charging_periods[0]", loss_kind::dropped));
  }
  SUBCASE("list shape (S4): owner from the legacy party") {
    auto req = up_req(ctx, input_shape::list);
    req.owner.reset();
    const auto r = translate(req, "[" + session_211(R"("auth_id":"FR*EMP*1")") + "]", ctx);
    REQUIRE(r.ok());
    CHECK(body(r)[0]["country_code"] == "FR");
    CHECK(body(r)[0]["party_id"] == "CPO");
  }
}

TEST_CASE("3.4 Session hostile input: an error with a path, never a crash") {
  memory_context ctx(test::fixture_options());
  const std::string ok = session_211(R"("auth_id":"FR*EMP*1")");
  auto up = [&](const std::string& in) { return translate(up_req(ctx), in, ctx); };
  SUBCASE("kwh not a number") {
    auto j = nlohmann::json::parse(ok);
    j["kwh"] = "abc";
    const auto r = up(j.dump());
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == "kwh");
  }
  SUBCASE("EVSE uid a number") {
    auto j = nlohmann::json::parse(ok);
    j["location"]["evses"][0]["uid"] = 5;
    const auto r = up(j.dump());
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == "location.evses[0].uid");
  }
  SUBCASE("location a string") {
    auto j = nlohmann::json::parse(ok);
    j["location"] = "L1";
    CHECK_FALSE(up(j.dump()).ok());
  }
  SUBCASE("dimension type unknown") {
    auto j = nlohmann::json::parse(ok);
    j["charging_periods"] = nlohmann::json::parse(R"([{"start_date_time":"2024-05-31T10:00:00Z","dimensions":[{"type":"X","volume":1}]}])");
    const auto r = up(j.dump());
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == "charging_periods[0].dimensions[0].type");
  }
  SUBCASE("authorization_id over 36 characters from a legacy CPO") {
    const auto r = up(session_211(R"("auth_id":"FR*EMP*1","authorization_id":")" + std::string(37, 'x') + "\""));
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == "authorization_id");
  }
  SUBCASE("huge escaped authorization_id is refused without exhausting the parser") {
    std::string big;
    for (int i = 0; i < 20000; ++i) big += "\\u0041";
    const auto r = up(session_211(R"("auth_id":"FR*EMP*1","authorization_id":")" + big + "\""));
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == "authorization_id");
  }
  SUBCASE("missing location") {
    auto j = nlohmann::json::parse(ok);
    j.erase("location");
    const auto r = up(j.dump());
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == "location");
  }
  SUBCASE("malformed JSON") {
    const auto r = up(ok.substr(0, ok.size() / 2));
    REQUIRE_FALSE(r.ok());
  }
  SUBCASE("no owner at all") {
    translate_request req{.kind = object_kind::session, .dir = direction::up};
    const auto r = translate(req, ok, ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->status_code == 3000);
  }
  SUBCASE("down: cdr_token not an object, total_cost without excl_vat, bad status") {
    ctx.load(test::data("sessions/tv15_put.context.json"));
    auto j = nlohmann::json::parse(test::data("sessions/tv15_put.v221.json"));
    auto k = j;
    k["cdr_token"] = 3;
    auto r = translate(down_req(ctx), k.dump(), ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == "cdr_token");
    k = j;
    k["total_cost"] = nlohmann::json::parse(R"({"incl_vat":1})");
    r = translate(down_req(ctx), k.dump(), ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == "total_cost.excl_vat");
    k = j;
    k["status"] = "DONE";
    r = translate(down_req(ctx), k.dump(), ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == "status");
    k = j;
    k.erase("country_code");
    auto req = down_req(ctx);
    req.owner.reset();
    r = translate(req, k.dump(), ctx);
    REQUIRE_FALSE(r.ok());
  }
}
