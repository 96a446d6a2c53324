// One subcase per Locations rule (MAPPING §3.1, §4.4, §4.6, §4.7, §4.10, §4.11, §1.9).
#include <doctest/doctest.h>

#include "locations_support.hpp"

using namespace ocpi;
using namespace ocpi::test::locations;

namespace {
// A minimal valid 2.1.1 Location with `extra` members appended (or overriding nothing: callers
// only add fields the base lacks).
std::string loc211(const std::string& extra = {}) {
  return R"({"id":"L1","type":"ON_STREET","address":"a","city":"c","postal_code":"1000","country":"FRA",
    "coordinates":{"latitude":"48.856614","longitude":"2.352222"},"last_updated":"2024-01-01T00:00:00Z")" +
         (extra.empty() ? "" : "," + extra) + "}";
}
std::string loc221(const std::string& extra = {}) {
  return R"({"country_code":"FR","party_id":"CPO","id":"L1","publish":true,"address":"a","city":"c",
    "country":"FRA","coordinates":{"latitude":"48.856614","longitude":"2.352222"},"time_zone":"Europe/Paris",
    "last_updated":"2024-01-01T00:00:00Z")" + (extra.empty() ? "" : "," + extra) + "}";
}
std::string evse211(const std::string& extra = {}) {
  return R"({"uid":"E1","evse_id":"FR*CPO*E1","status":"AVAILABLE","capabilities":["RFID_READER"],
    "connectors":[{"id":"1","standard":"IEC_62196_T2","format":"SOCKET","power_type":"AC_3_PHASE","voltage":230,
    "amperage":16,"tariff_id":"T1","last_updated":"2024-01-01T00:00:00Z"}],"last_updated":"2024-01-01T00:00:00Z")" +
         (extra.empty() ? "" : "," + extra) + "}";
}
nlohmann::json body(const translation& r) { return nlohmann::json::parse(r.body.empty() ? "null" : r.body); }
}  // namespace

TEST_CASE("3.1.2 Location up: owner, publish, defaults") {
  memory_context ctx(test::fixture_options());
  SUBCASE("country_code/party_id from the URL owner, else from the legacy party") {
    auto req = up(object_kind::location, cpo_a(ctx));
    req.owner = party{"FR", "CP2"};
    auto j = body(translate(req, loc211(), ctx));
    CHECK(j["party_id"] == "CP2");
    req.owner.reset();
    j = body(translate(req, loc211(), ctx));
    CHECK(j["country_code"] == "FR");
    CHECK(j["party_id"] == "CPO");
  }
  SUBCASE("publish = locations.default_publish") {
    CHECK(body(translate(up(object_kind::location, cpo_a(ctx)), loc211(), ctx))["publish"] == true);
    ctx.mutable_options().locations_default_publish = false;
    CHECK(body(translate(up(object_kind::location, cpo_a(ctx)), loc211(), ctx))["publish"] == false);
  }
  SUBCASE("operator defaults to the legacy business name; owner to default_owner_name") {
    ctx.mutable_options().legacy[0].default_owner_name = "Ville de Paris";
    const auto r = translate(up(object_kind::location, cpo_a(ctx)), loc211(), ctx);
    const auto j = body(r);
    CHECK(j["operator"] == nlohmann::json{{"name", "Example CPO"}});
    CHECK(j["owner"] == nlohmann::json{{"name", "Ville de Paris"}});
    CHECK(count(r, loss_kind::warning) == 0);
    CHECK(has_loss(r, loss_kind::defaulted, "operator"));
    CHECK(has_loss(r, loss_kind::defaulted, "owner"));
  }
  SUBCASE("time_zone: copied, else legacy default, else refused permanently (2001)") {
    CHECK(body(translate(up(object_kind::location, cpo_a(ctx)), loc211(R"("time_zone":"Europe/Berlin")"), ctx))["time_zone"] == "Europe/Berlin");
    CHECK(body(translate(up(object_kind::location, cpo_a(ctx)), loc211(), ctx))["time_zone"] == "Europe/Paris");
    ctx.mutable_options().legacy[0].default_time_zone.clear();
    const auto r = translate(up(object_kind::location, cpo_a(ctx)), loc211(), ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->status_code == 2001);
    CHECK(r.err->path == "time_zone");
    CHECK(r.body.empty());
  }
  SUBCASE("type -> parking_type; OTHER and UNKNOWN omitted (TV-23)") {
    for (const char* t : {"ON_STREET", "PARKING_GARAGE", "UNDERGROUND_GARAGE", "PARKING_LOT"}) {
      std::string in = loc211();
      in.replace(in.find("ON_STREET"), 9, t);
      CHECK(body(translate(up(object_kind::location, cpo_a(ctx)), in, ctx))["parking_type"] == t);
    }
    for (const char* t : {"OTHER", "UNKNOWN"}) {
      std::string in = loc211();
      in.replace(in.find("ON_STREET"), 9, t);
      const auto r = translate(up(object_kind::location, cpo_a(ctx)), in, ctx);
      CHECK_FALSE(body(r).contains("parking_type"));
      CHECK(has_loss(r, loss_kind::dropped, "type"));
    }
    std::string bad = loc211();
    bad.replace(bad.find("ON_STREET"), 9, "ALONG_MOTORWAY");  // a 2.2.1 value is not a LocationType
    CHECK_FALSE(translate(up(object_kind::location, cpo_a(ctx)), bad, ctx).ok());
  }
  SUBCASE("postal_code \"\" is omitted") {
    std::string in = loc211();
    in.replace(in.find("\"1000\""), 6, "\"\"");
    CHECK_FALSE(body(translate(up(object_kind::location, cpo_a(ctx)), in, ctx)).contains("postal_code"));
  }
  SUBCASE("facilities copied, 2.2.1-only values are not 2.1.1 values") {
    CHECK(body(translate(up(object_kind::location, cpo_a(ctx)), loc211(R"("facilities":["WIFI","MALL"])"), ctx))["facilities"] ==
          nlohmann::json{"WIFI", "MALL"});
    CHECK_FALSE(translate(up(object_kind::location, cpo_a(ctx)), loc211(R"("facilities":["TRAM_STOP"])"), ctx).ok());
  }
  SUBCASE("unknown fields dropped and reported (0.2 r3)") {
    const auto r = translate(up(object_kind::location, cpo_a(ctx)), loc211(R"("foo":{"bar":1})"), ctx);
    REQUIRE(r.ok());
    CHECK_FALSE(body(r).contains("foo"));
    CHECK(has_loss(r, loss_kind::dropped, "foo", "unknown field"));
  }
}

TEST_CASE("1.9 Location/EVSE ids longer than 36: ids.long_id_policy") {
  memory_context ctx(test::fixture_options());
  const std::string long_id(39, 'x');
  std::string in = loc211();
  in.replace(in.find("\"L1\""), 4, "\"" + long_id + "\"");
  SUBCASE("REJECT (default): 2001, permanent") {
    const auto r = translate(up(object_kind::location, cpo_a(ctx)), in, ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->status_code == 2001);
    CHECK(r.err->message == "identifier longer than 36 characters");
    CHECK(r.err->path == "id");
  }
  SUBCASE("HASH: 27 chars + ~ + 8 hex, reversible") {
    ctx.mutable_options().ids_long_id_policy = "HASH";
    const auto r = translate(up(object_kind::location, cpo_a(ctx)), in, ctx);
    REQUIRE(r.ok());
    const std::string id = body(r)["id"];
    CHECK(id.size() == 36);
    CHECK(id.substr(0, 28) == std::string(27, 'x') + "~");
    CHECK(ctx.original_of_hash(id) == long_id);
    CHECK(has_loss(r, loss_kind::derived, "id"));
    std::string e = evse211();
    e.replace(e.find("\"E1\""), 4, "\"" + long_id + "\"");
    CHECK(body(translate(up(object_kind::evse, cpo_a(ctx)), e, ctx))["uid"] == id);
  }
  SUBCASE("HASH never cuts a UTF-8 character in two (found by the mutation test)") {
    ctx.mutable_options().ids_long_id_policy = "HASH";
    std::string accented = loc211();
    const std::string e_acute = "\xC3\xA9";  // 2 bytes: byte 27 falls inside the 14th
    std::string id;
    for (int i = 0; i < 19; ++i) id += e_acute;  // 38 bytes: longer than 36
    accented.replace(accented.find("\"L1\""), 4, "\"" + id + "\"");
    const auto r = translate(up(object_kind::location, cpo_a(ctx)), accented, ctx);
    REQUIRE(r.ok());
    CHECK(nlohmann::json::accept(r.body));  // valid UTF-8 throughout
    const std::string hashed = body(r)["id"];
    CHECK(hashed.substr(0, 27) == id.substr(0, 26) + "~");
    CHECK(ctx.original_of_hash(hashed) == id);
  }
}

TEST_CASE("3.1.7 Location PATCH up: only present fields, last_updated added, type OTHER dropped") {
  memory_context ctx(test::fixture_options());
  const auto req = up(object_kind::location, cpo_a(ctx), input_shape::patch);
  auto r = translate(req, R"({"type":"PARKING_LOT"})", ctx);
  CHECK(test::same_json(r.body, R"({"parking_type":"PARKING_LOT","last_updated":"2024-06-01T12:00:00Z"})"));
  r = translate(req, R"({"type":"OTHER","last_updated":"2024-05-01T00:00:00Z"})", ctx);
  CHECK(test::same_json(r.body, R"({"last_updated":"2024-05-01T00:00:00Z"})"));
  CHECK(has_loss(r, loss_kind::dropped, "type", "3.1.7"));
  SUBCASE("null on a scalar is dropped and logged; on a list becomes []") {
    r = translate(req, R"({"name":null,"facilities":null,"last_updated":"2024-05-01T00:00:00Z"})", ctx);
    CHECK(test::same_json(r.body, R"({"facilities":[],"last_updated":"2024-05-01T00:00:00Z"})"));
    CHECK(has_loss(r, loss_kind::dropped, "name", "1.8.4"));
  }
  SUBCASE("no owner fields, publish or defaults in a PATCH") {
    r = translate(req, R"({"city":"Lyon"})", ctx);
    CHECK(test::same_json(r.body, R"({"city":"Lyon","last_updated":"2024-06-01T12:00:00Z"})"));
    CHECK(count(r, loss_kind::warning) == 0);
  }
}

TEST_CASE("3.1.6 hours up") {
  memory_context ctx(test::fixture_options());
  const auto req = up(object_kind::location, cpo_a(ctx), input_shape::patch);
  auto hours = [&](const std::string& h) {
    return translate(req, R"({"last_updated":"2024-01-01T00:00:00Z","opening_times":)" + h + "}", ctx);
  };
  const std::string mon = R"([{"weekday":1,"period_begin":"08:00","period_end":"20:00"}])";
  SUBCASE("TV-23 regular_hours only -> twentyfourseven false added") {
    const auto r = hours(R"({"regular_hours":)" + mon + "}");
    CHECK(body(r)["opening_times"] == nlohmann::json::parse(R"({"twentyfourseven":false,"regular_hours":)" + mon + "}"));
  }
  SUBCASE("TV-23 twentyfourseven true drops regular_hours, in either order") {
    CHECK(body(hours(R"({"twentyfourseven":true,"regular_hours":)" + mon + "}"))["opening_times"] ==
          nlohmann::json{{"twentyfourseven", true}});
    const auto r = hours(R"({"regular_hours":)" + mon + R"(,"twentyfourseven":true})");
    CHECK(body(r)["opening_times"] == nlohmann::json{{"twentyfourseven", true}});
    CHECK(has_loss(r, loss_kind::dropped, "opening_times.regular_hours"));
  }
  SUBCASE("twentyfourseven false with regular_hours copied") {
    const auto r = hours(R"({"regular_hours":)" + mon + R"(,"twentyfourseven":false})");
    CHECK(body(r)["opening_times"] == nlohmann::json::parse(R"({"twentyfourseven":false,"regular_hours":)" + mon + "}"));
  }
  SUBCASE("twentyfourseven false with empty regular_hours: opening_times dropped, warned") {
    const auto r = hours(R"({"twentyfourseven":false,"regular_hours":[]})");
    REQUIRE(r.ok());
    CHECK_FALSE(body(r).contains("opening_times"));
    CHECK(has_loss(r, loss_kind::warning, "opening_times"));
  }
  SUBCASE("neither: dropped with its exceptions, warned") {
    const auto r = hours(R"({"exceptional_closings":[{"period_begin":"2018-12-25T03:00:00Z","period_end":"2018-12-25T05:00:00Z"}]})");
    REQUIRE(r.ok());
    CHECK(test::same_json(r.body, R"({"last_updated":"2024-01-01T00:00:00Z"})"));
    CHECK(has_loss(r, loss_kind::warning, "opening_times", "exceptional periods lost"));
  }
  SUBCASE("weekday out of 1..7 refused") {
    const auto r = hours(R"({"regular_hours":[{"weekday":8,"period_begin":"08:00","period_end":"20:00"}]})");
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == "opening_times.regular_hours[0].weekday");
  }
}

TEST_CASE("3.1.6 hours down") {
  memory_context ctx(test::fixture_options());
  const auto req = down(object_kind::location, recipient::legacy_emsp, input_shape::patch, party{"FR", "CPO"});
  auto hours = [&](const std::string& h) {
    return translate(req, R"({"opening_times":)" + h + R"(,"last_updated":"2024-01-01T00:00:00Z"})", ctx);
  };
  const std::string mon = R"([{"weekday":1,"period_begin":"08:00","period_end":"20:00"}])";
  const std::string exc = R"([{"period_begin":"2018-12-25T03:00:00Z","period_end":"2018-12-25T05:00:00Z"}])";
  CHECK(body(hours(R"({"regular_hours":)" + mon + R"(,"twentyfourseven":true,"exceptional_closings":)" + exc + "}"))["opening_times"] ==
        nlohmann::json::parse(R"({"twentyfourseven":true,"exceptional_closings":)" + exc + "}"));
  CHECK(body(hours(R"({"regular_hours":)" + mon + R"(,"twentyfourseven":false,"exceptional_openings":)" + exc + "}"))["opening_times"] ==
        nlohmann::json::parse(R"({"regular_hours":)" + mon + R"(,"exceptional_openings":)" + exc + "}"));
  const auto r = hours(R"({"twentyfourseven":false})");
  CHECK_FALSE(body(r).contains("opening_times"));
  CHECK(has_loss(r, loss_kind::warning, "opening_times"));
  SUBCASE("twentyfourseven is mandatory in a full 2.2.1 object") {
    const auto full = translate(down(object_kind::location, recipient::legacy_cpo),
                                loc221(R"("opening_times":{"regular_hours":)" + mon + "}"), ctx);
    REQUIRE_FALSE(full.ok());
    CHECK(full.err->path == "opening_times.twentyfourseven");
  }
}

TEST_CASE("3.1.5 EnergyMix / EnvironmentalImpact") {
  memory_context ctx(test::fixture_options());
  const auto req = up(object_kind::location, cpo_a(ctx), input_shape::object);
  SUBCASE("up accepts category as well as source") {
    const auto r = translate(req, loc211(R"("energy_mix":{"is_green_energy":false,"environ_impact":[{"category":"CARBON_DIOXIDE","amount":372}]})"), ctx);
    CHECK(body(r)["energy_mix"]["environ_impact"][0] == nlohmann::json{{"category", "CARBON_DIOXIDE"}, {"amount", 372}});
  }
  SUBCASE("up refuses both, or neither") {
    CHECK_FALSE(translate(req, loc211(R"("energy_mix":{"is_green_energy":false,"environ_impact":[{"source":"CARBON_DIOXIDE","category":"CARBON_DIOXIDE","amount":1}]})"), ctx).ok());
    const auto r = translate(req, loc211(R"("energy_mix":{"is_green_energy":false,"environ_impact":[{"amount":1}]})"), ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == "energy_mix.environ_impact[0].source");
  }
  SUBCASE("percentage given as a decimal string by a lenient 2.1.1 stack becomes a number (0.2 r4)") {
    const auto r = translate(req, loc211(R"("energy_mix":{"is_green_energy":true,"energy_sources":[{"source":"SOLAR","percentage":"100.0"}]})"), ctx);
    CHECK(body(r)["energy_mix"]["energy_sources"][0]["percentage"] == 100.0);
  }
}

TEST_CASE("1.9 GeoLocation: up copies valid values, down normalises to 6 decimals") {
  memory_context ctx(test::fixture_options());
  SUBCASE("up: 5 to 7 decimals copied as is, others normalised") {
    std::string in = loc211(R"("related_locations":[{"latitude":"48.85661","longitude":"2.3522221","name":{"language":"fr","text":"Entrée"}}])");
    auto j = body(translate(up(object_kind::location, cpo_a(ctx)), in, ctx));
    CHECK(j["related_locations"][0]["latitude"] == "48.85661");
    CHECK(j["related_locations"][0]["longitude"] == "2.3522221");
    CHECK(j["related_locations"][0]["name"]["text"] == "Entrée");
    in = loc211();
    in.replace(in.find("48.856614"), 9, "48.8566145");
    in.replace(in.find("2.352222"), 8, "2.35222249");
    const auto r = translate(up(object_kind::location, cpo_a(ctx)), in, ctx);
    j = body(r);
    CHECK(j["coordinates"]["latitude"] == "48.8566145");
    CHECK(j["coordinates"]["longitude"] == "2.352222");
    CHECK(has_loss(r, loss_kind::derived, "coordinates.longitude"));
  }
  SUBCASE("down: EVSE and related locations normalised too") {
    const auto r = translate(down(object_kind::location, recipient::legacy_cpo),
                             loc221(R"("related_locations":[{"latitude":"48.85661","longitude":"-2.3522225"}])"), ctx);
    CHECK(body(r)["related_locations"][0] == nlohmann::json{{"latitude", "48.856610"}, {"longitude", "-2.352223"}});
  }
  SUBCASE("fewer than 5 decimals, both ways: padded to 6 and reported, never silently (issue 13)") {
    // "49.0381" matches neither -?[0-9]{1,2}\.[0-9]{6} (2.1.1) nor \.[0-9]{5,7} (2.2.1).
    std::string in = loc211();
    in.replace(in.find("48.856614"), 9, "49.0381");
    const auto u = translate(up(object_kind::location, cpo_a(ctx)), in, ctx);
    REQUIRE_MESSAGE(u.ok(), describe(u));
    CHECK(body(u)["coordinates"]["latitude"] == "49.038100");
    CHECK(has_loss(u, loss_kind::warning, "coordinates.latitude", "49.0381 has fewer than the 5 decimals"));
    CHECK(has_loss(u, loss_kind::warning, "coordinates.latitude", "padded to 49.038100"));
    std::string in221 = loc221(R"("related_locations":[{"latitude":"48.85661","longitude":"2"}])");
    in221.replace(in221.find("2.352222"), 8, "2.3522");
    const auto d = translate(down(object_kind::location, recipient::legacy_cpo), in221, ctx);
    REQUIRE_MESSAGE(d.ok(), describe(d));
    CHECK(body(d)["coordinates"]["longitude"] == "2.352200");
    CHECK(has_loss(d, loss_kind::warning, "coordinates.longitude", "padded to 2.352200"));
    CHECK(body(d)["related_locations"][0]["longitude"] == "2.000000");
    CHECK(has_loss(d, loss_kind::derived, "related_locations[0].longitude", "2 rounded to 2.000000"));
    // A valid 5-decimal 2.2.1 value is padded as MAPPING 1.9 says, with nothing to report.
    CHECK(body(d)["related_locations"][0]["latitude"] == "48.856610");
    CHECK_FALSE(has_loss(d, loss_kind::warning, "related_locations[0].latitude"));
  }
  SUBCASE("not a coordinate: refused") {
    std::string in = loc211();
    in.replace(in.find("48.856614"), 9, "48,856614");
    const auto r = translate(up(object_kind::location, cpo_a(ctx)), in, ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == "coordinates.latitude");
  }
}

TEST_CASE("4.10 evse_id prefix check") {
  memory_context ctx(test::fixture_options());
  const auto req = up(object_kind::evse, cpo_a(ctx));
  auto with_id = [](const std::string& id) {
    std::string e = evse211();
    e.replace(e.find("FR*CPO*E1"), 9, id);
    return e;
  };
  for (const char* ok : {"FR*CPO*E1", "FRCPOE1", "fr*cpo*e1", "frcpoE1"}) {
    CAPTURE(ok);
    CHECK(translate(req, with_id(ok), ctx).losses.empty());
  }
  SUBCASE("WARN (default): forwarded, warned") {
    const auto r = translate(req, with_id("FR*XYZ*E1"), ctx);
    REQUIRE(r.ok());
    CHECK(body(r)["evse_id"] == "FR*XYZ*E1");
    CHECK(has_loss(r, loss_kind::warning, "evse_id", "FR*CPO"));
  }
  SUBCASE("REJECT: 2001") {
    ctx.mutable_options().evse_id_prefix_check = "REJECT";
    const auto r = translate(req, with_id("FR*XYZ*E1"), ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->status_code == 2001);
    CHECK(r.err->path == "evse_id");
    SUBCASE("a PATCH carrying a bad evse_id too") {
      CHECK_FALSE(translate(up(object_kind::evse, cpo_a(ctx), input_shape::patch), R"({"evse_id":"XX*ABC*E1"})", ctx).ok());
    }
  }
  SUBCASE("operator_id configured differently from CC*PID") {
    ctx.mutable_options().legacy[0].operator_id = "FR*AB1";
    CHECK(translate(up(object_kind::evse, cpo_a(ctx)), with_id("FRAB1E1"), ctx).losses.empty());
  }
  SUBCASE("missing evse_id: same handling unless REMOVED") {
    std::string e = evse211();
    const std::string id_member = R"("evse_id":"FR*CPO*E1",)";
    e.replace(e.find(id_member), id_member.size(), "");
    CHECK(has_loss(translate(req, e, ctx), loss_kind::warning, "evse_id", "missing"));
    e.replace(e.find("AVAILABLE"), 9, "REMOVED");
    CHECK(translate(req, e, ctx).losses.empty());
  }
  SUBCASE("FromIOP: never checked") {
    const auto r = translate(down(object_kind::evse, recipient::legacy_emsp, input_shape::patch),
                             R"({"evse_id":"XX*ABC*E1","last_updated":"2024-01-01T00:00:00Z"})", ctx);
    REQUIRE(r.ok());
    CHECK(r.losses.empty());
  }
}

TEST_CASE("4.11 EVSE up: capabilities missing or empty warned") {
  memory_context ctx(test::fixture_options());
  std::string e = evse211();
  const std::string caps = R"("capabilities":["RFID_READER"],)";
  e.replace(e.find(caps), caps.size(), "");
  auto r = translate(up(object_kind::evse, cpo_a(ctx)), e, ctx);
  REQUIRE(r.ok());
  CHECK(has_loss(r, loss_kind::warning, "capabilities", "missing"));
  e = evse211();
  e.replace(e.find(R"("RFID_READER")"), 13, "");
  r = translate(up(object_kind::evse, cpo_a(ctx)), e, ctx);
  CHECK(body(r)["capabilities"] == nlohmann::json::array());
  CHECK(has_loss(r, loss_kind::warning, "capabilities", "empty"));
}

TEST_CASE("4.4 EVSE up: connectors with different tariff_id values warned, forwarded unchanged") {
  memory_context ctx(test::fixture_options());
  const std::string e = R"({"uid":"E1","evse_id":"FR*CPO*E1","status":"AVAILABLE","capabilities":[],"connectors":[
    {"id":"1","standard":"IEC_62196_T2","format":"SOCKET","power_type":"AC_3_PHASE","voltage":230,"amperage":16,"tariff_id":"T1","last_updated":"2024-01-01T00:00:00Z"},
    {"id":"2","standard":"IEC_62196_T2","format":"SOCKET","power_type":"AC_3_PHASE","voltage":230,"amperage":16,"tariff_id":"T2","last_updated":"2024-01-01T00:00:00Z"}],
    "last_updated":"2024-01-01T00:00:00Z"})";
  const auto r = translate(up(object_kind::evse, cpo_a(ctx)), e, ctx);
  REQUIRE(r.ok());
  CHECK(body(r)["connectors"][1]["tariff_ids"] == nlohmann::json{"T2"});
  CHECK(has_loss(r, loss_kind::warning, "connectors", "(T1)"));
  std::string same = e;
  same.replace(same.find("\"T2\""), 4, "\"t1\"");  // CiString: same tariff
  CHECK_FALSE(has_loss(translate(up(object_kind::evse, cpo_a(ctx)), same, ctx), loss_kind::warning, "connectors"));
}

TEST_CASE("3.1.3 3.1.4 EVSE down: capabilities filtered, connectors dropped, EVSE left empty dropped") {
  memory_context ctx(test::fixture_options());
  const std::string conn_ok = R"({"id":"1","standard":"IEC_62196_T2","format":"SOCKET","power_type":"AC_2_PHASE_SPLIT","max_voltage":230,"max_amperage":16,"max_electric_power":7400,"last_updated":"2024-01-01T00:00:00Z"})";
  const std::string conn_gbt = R"({"id":"2","standard":"GBT_DC","format":"CABLE","power_type":"DC","max_voltage":750,"max_amperage":250,"last_updated":"2024-01-01T00:00:00Z"})";
  auto evse = [](const std::string& conns) {
    return R"({"uid":"E1","evse_id":"FR*CPO*E1","status":"AVAILABLE","capabilities":["RFID_READER","PED_TERMINAL","START_SESSION_CONNECTOR_REQUIRED","RESERVABLE"],"connectors":[)" +
           conns + R"(],"last_updated":"2024-01-01T00:00:00Z"})";
  };
  const auto r = translate(down(object_kind::evse, recipient::legacy_emsp, input_shape::object, party{"FR", "CPO"}),
                           evse(conn_ok + "," + conn_gbt), ctx);
  REQUIRE_MESSAGE(r.ok(), describe(r));
  const auto j = body(r);
  CHECK(j["capabilities"] == nlohmann::json{"RFID_READER", "RESERVABLE"});
  REQUIRE(j["connectors"].size() == 1);
  CHECK(j["connectors"][0]["power_type"] == "AC_1_PHASE");  // TV-23
  CHECK_FALSE(j["connectors"][0].contains("max_electric_power"));
  CHECK(has_loss(r, loss_kind::dropped, "connectors[1].standard", "GBT_DC"));
  CHECK(has_loss(r, loss_kind::dropped, "capabilities[1]", "PED_TERMINAL"));
  SUBCASE("an EVSE with only 2.2.1-only plugs is dropped (inside a Location: left out of evses)") {
    const auto only = translate(down(object_kind::evse, recipient::legacy_emsp, input_shape::object, party{"FR", "CPO"}), evse(conn_gbt), ctx);
    REQUIRE(only.ok());
    CHECK(only.suppressed);
    CHECK(has_loss(only, loss_kind::dropped, "connectors", "EVSE removed"));
    const auto loc = translate(down(object_kind::location, recipient::legacy_emsp),
                               loc221(R"("evses":[)" + evse(conn_gbt) + "," + evse(conn_ok) + "]"), ctx);
    REQUIRE(loc.ok());
    const auto lj = body(loc);
    REQUIRE(lj["evses"].size() == 1);
    CHECK(lj["evses"][0]["connectors"][0]["id"] == "1");
  }
}

TEST_CASE("3.1.2 Location down: dropped fields, truncation, defaults, facilities") {
  memory_context ctx(test::fixture_options());
  const auto r = translate(down(object_kind::location, recipient::legacy_cpo),
                           loc221(R"("state":"IDF","publish_allowed_to":[{"uid":"X"}],"facilities":["WIFI","BIKE_SHARING","TRAM_STOP","METRO_STATION","PARKING_LOT","MALL"],"name":"n")"),
                           ctx);
  REQUIRE_MESSAGE(r.ok(), describe(r));
  const auto j = body(r);
  for (const char* k : {"country_code", "party_id", "publish", "publish_allowed_to", "state"}) CHECK_FALSE(j.contains(k));
  CHECK(j["facilities"] == nlohmann::json{"WIFI", "MALL"});
  CHECK(j["type"] == "UNKNOWN");
  CHECK(j["postal_code"] == "");
  CHECK(j["id"] == "L1");
  CHECK(has_loss(r, loss_kind::dropped, "state"));
  CHECK(has_loss(r, loss_kind::dropped, "publish_allowed_to"));
  SUBCASE("address beyond 2.2.1's own string(255): refused, not truncated (issue 13)") {
    std::string in = loc221();
    in.replace(in.find("\"address\":\"a\""), 13, "\"address\":\"" + std::string(256, 'a') + "\"");
    const auto t = translate(down(object_kind::location, recipient::legacy_cpo), in, ctx);
    REQUIRE_FALSE(t.ok());
    CHECK(t.err->status_code == 2001);
    CHECK(t.err->path == "address");
    CHECK(t.err->message.find("255") != std::string::npos);
    // 255 characters of which some take two bytes are still a valid string(255): truncated for 2.1.1.
    in = loc221();
    std::string accented;
    for (int i = 0; i < 255; ++i) accented += "é";
    in.replace(in.find("\"address\":\"a\""), 13, "\"address\":\"" + accented + "\"");
    const auto ok = translate(down(object_kind::location, recipient::legacy_cpo), in, ctx);
    REQUIRE_MESSAGE(ok.ok(), describe(ok));
    CHECK(has_loss(ok, loss_kind::truncated, "address"));
  }
  SUBCASE("address truncated to 45 at a UTF-8 boundary") {
    std::string in = loc221();
    in.replace(in.find("\"address\":\"a\""), 13, "\"address\":\"" + std::string(44, 'a') + "é\"");
    const auto t = translate(down(object_kind::location, recipient::legacy_cpo), in, ctx);
    CHECK(body(t)["address"] == std::string(44, 'a'));
    CHECK(has_loss(t, loss_kind::truncated, "address"));
  }
  SUBCASE("toward a legacy CPO (its own data, L3): no emulation, publish=false still converted") {
    std::string in = loc221(R"("operator":{"name":"Brand"})");
    in.replace(in.find("\"publish\":true"), 14, "\"publish\":false");
    const auto t = translate(down(object_kind::location, recipient::legacy_cpo), in, ctx);
    REQUIRE(t.ok());
    CHECK_FALSE(t.suppressed);
    CHECK(body(t)["operator"] == nlohmann::json{{"name", "Brand"}});
  }
}

TEST_CASE("4.2 4.6 Location down toward a legacy eMSP: exposed id, operator name modes") {
  memory_context ctx(test::fixture_options());
  const auto req = down(object_kind::location, recipient::legacy_emsp);
  SUBCASE("EMI3_PARTY: name replaced, website and logo kept; absent operator filled") {
    auto j = body(translate(req, loc221(R"("operator":{"name":"Brand","website":"https://b.example","logo":{"url":"https://b.example/l.png","category":"OPERATOR","type":"png"}})"), ctx));
    CHECK(j["operator"]["name"] == "FR*CPO");
    CHECK(j["operator"]["website"] == "https://b.example");
    CHECK(j["operator"]["logo"]["type"] == "png");
    j = body(translate(req, loc221(), ctx));
    CHECK(j["operator"] == nlohmann::json{{"name", "FR*CPO"}});
  }
  SUBCASE("ORIGINAL: copied") {
    ctx.mutable_options().emsp_operator_name_mode = "ORIGINAL";
    CHECK(body(translate(req, loc221(R"("operator":{"name":"Brand"})"), ctx))["operator"]["name"] == "Brand");
    CHECK_FALSE(body(translate(req, loc221(), ctx)).contains("operator"));
  }
  SUBCASE("no gireve_id: owner id while unique, surrogate when another owner already uses it") {
    CHECK(body(translate(req, loc221(), ctx))["id"] == "L1");
    std::string other = loc221();
    other.replace(other.find("\"CPO\""), 5, "\"XYZ\"");
    const std::string id = body(translate(req, other, ctx))["id"];
    CHECK(id.size() == 36);
    CHECK(id[0] == 'P');
  }
  SUBCASE("OWNER_ID mode ignores gireve_id") {
    ctx.mutable_options().emsp_location_id_mode = "OWNER_ID";
    CHECK(body(translate(req, loc221(R"("gireve_id":"GIR-1")"), ctx))["id"] == "L1");
  }
  SUBCASE("gireve_id is never emitted, toward anyone") {
    CHECK_FALSE(body(translate(down(object_kind::location, recipient::legacy_cpo), loc221(R"("gireve_id":"GIR-1")"), ctx)).contains("gireve_id"));
  }
}

TEST_CASE("4.4 connector tariff choice down uses the Location's own owner on a page") {
  memory_context ctx(test::fixture_options());
  ctx.put_tariff(R"({"country_code":"FR","party_id":"CPO","id":"T1","currency":"EUR","type":"AD_HOC_PAYMENT","elements":[],"last_updated":"2024-01-01T00:00:00Z"})");
  const std::string l = loc221(R"("evses":[{"uid":"E1","status":"AVAILABLE","connectors":[{"id":"1","standard":"IEC_62196_T2","format":"SOCKET","power_type":"AC_3_PHASE","max_voltage":230,"max_amperage":16,"tariff_ids":["T1","T2"],"last_updated":"2024-01-01T00:00:00Z"}],"last_updated":"2024-01-01T00:00:00Z"}])");
  const auto r = translate(down(object_kind::location, recipient::legacy_emsp, input_shape::list), "[" + l + "]", ctx);
  REQUIRE_MESSAGE(r.ok(), describe(r));
  CHECK(body(r)[0]["evses"][0]["connectors"][0]["tariff_id"] == "T2");  // T1 is AD_HOC_PAYMENT
}
