// One subcase per Tariff rule (MAPPING §3.6.2-§3.6.7) and the hostile inputs.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "support/json_compare.hpp"

using namespace ocpi;
using nlohmann::json;

namespace {

translation run(memory_context& ctx, direction dir, const std::string& body, const legacy_party* legacy,
                recipient to = recipient::hub, std::optional<party> owner = std::nullopt) {
  translate_request req{.kind = object_kind::tariff, .dir = dir, .legacy = legacy, .owner = owner, .to = to};
  return translate(req, body, ctx);
}

bool has_loss(const translation& r, const std::string& path, loss_kind k) {
  return std::any_of(r.losses.begin(), r.losses.end(), [&](const loss& l) { return l.path == path && l.kind == k; });
}

// A 2.2.1 tariff with the given elements (JSON text of the array) and extra members.
std::string tariff_221(const std::string& elements, const std::string& extra = "") {
  return R"({"country_code":"FR","party_id":"CPO","id":"T1","currency":"EUR",)" + extra + R"("elements":)" + elements +
         R"(,"last_updated":"2024-05-01T00:00:00Z"})";
}

constexpr const char* time_1 = R"({"type":"TIME","price":1,"step_size":60})";
constexpr const char* time_2 = R"({"type":"TIME","price":2,"step_size":60})";

}  // namespace

TEST_CASE("3.6.2 tariff up: options and Gireve 2.1.1 extensions") {
  memory_context ctx(test::fixture_options());
  const legacy_party* cpo = &ctx.options().legacy[0];
  const std::string body = R"({"id":"T1","currency":"EUR","restriction":{"start_time":"08:00","day_of_week":["MONDAY"]},
    "elements":[{"price_components":[{"type":"FLAT","price":1,"step_size":1,
      "price_round":{"round_granularity":"UNIT","round_rule":"ROUND_UP"},"step_round":{"round_granularity":"UNIT","round_rule":"ROUND_UP"},
      "exact_price_component":true}]}],
    "energy_mix":{"is_green_energy":true,"environ_impact":[{"source":"CARBON_DIOXIDE","amount":0}]},
    "tariff_alt_text":[{"language":"en","text":"1 EUR"}],
    "last_updated":"2024-05-01T02:00:00+02:00"})";
  SUBCASE("defaults") {
    const auto r = run(ctx, direction::up, body, cpo);
    REQUIRE_MESSAGE(r.ok(), r.err->describe());
    const auto j = json::parse(r.body);
    CHECK(j["country_code"] == "FR");
    CHECK(j["party_id"] == "CPO");
    CHECK(j["type"] == "REGULAR");
    CHECK(j["last_updated"] == "2024-05-01T00:00:00Z");
    CHECK(j["start_date_time"] == "2024-05-01T00:00:00Z");
    CHECK(j["energy_mix"]["environ_impact"][0] == json::parse(R"({"category":"CARBON_DIOXIDE","amount":0})"));
    CHECK(j["elements"][0]["price_components"][0] == json::parse(R"({"type":"FLAT","price":1,"step_size":1})"));
    CHECK_FALSE(j.contains("restriction"));
    CHECK(has_loss(r, "restriction", loss_kind::warning));
    CHECK(has_loss(r, "elements[0].price_components[0].price_round", loss_kind::dropped));
    CHECK(has_loss(r, "elements[0].price_components[0].step_round", loss_kind::dropped));
    CHECK(has_loss(r, "elements[0].price_components[0].exact_price_component", loss_kind::dropped));
  }
  SUBCASE("start_date_time_source NONE, default_type PROFILE_GREEN, URL owner wins") {
    ctx.mutable_options().tariffs_start_date_time_source = "NONE";
    ctx.mutable_options().tariffs_default_type = "PROFILE_GREEN";
    const auto r = run(ctx, direction::up, body, cpo, recipient::hub, party{"BE", "BEC"});
    REQUIRE(r.ok());
    const auto j = json::parse(r.body);
    CHECK_FALSE(j.contains("start_date_time"));
    CHECK(j["type"] == "PROFILE_GREEN");
    CHECK(j["country_code"] == "BE");
  }
  SUBCASE("no owner at all is a server error, not a guess") {
    const auto r = run(ctx, direction::up, body, nullptr);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->status_code == 3000);
  }
}

TEST_CASE("3.6.2 tariff down: exact_price_component follows min/max_price wherever they appear") {
  memory_context ctx(test::fixture_options());
  const legacy_party* emsp = &ctx.options().legacy[2];
  SUBCASE("min_price after the elements") {
    const auto r = run(ctx, direction::down,
                       R"({"country_code":"FR","party_id":"CPO","id":"T1","currency":"EUR","elements":[{"price_components":[)" +
                           std::string(time_1) + R"(]}],"min_price":{"excl_vat":1},"last_updated":"2024-05-01T00:00:00Z"})",
                       emsp, recipient::legacy_emsp);
    REQUIRE_MESSAGE(r.ok(), r.err->describe());
    CHECK(json::parse(r.body)["elements"][0]["price_components"][0]["exact_price_component"] == false);
    CHECK(has_loss(r, "min_price", loss_kind::dropped));
  }
  SUBCASE("null min_price is absent") {
    const auto r = run(ctx, direction::down, tariff_221(std::string("[{\"price_components\":[") + time_1 + "]}]", R"("min_price":null,)"),
                       emsp, recipient::legacy_emsp);
    REQUIRE(r.ok());
    CHECK(json::parse(r.body)["elements"][0]["price_components"][0]["exact_price_component"] == true);
  }
  SUBCASE("extensions off: plain 2.1.1") {
    ctx.mutable_options().tariffs_emit_gireve_211_extensions = false;
    const auto r = run(ctx, direction::down, tariff_221(std::string("[{\"price_components\":[") + time_1 + "]}]"), emsp,
                       recipient::legacy_emsp);
    REQUIRE(r.ok());
    CHECK(test::same_json(r.body, R"({"id":"T1","currency":"EUR","elements":[{"price_components":[{"type":"TIME","price":1,"step_size":60}]}],
      "last_updated":"2024-05-01T00:00:00Z"})"));
  }
  SUBCASE("toward the owning legacy CPO: no extensions, non-REGULAR kept without its type") {
    const auto r = run(ctx, direction::down, tariff_221(std::string("[{\"price_components\":[") + time_1 + "]}]", R"("type":"AD_HOC_PAYMENT",)"),
                       &ctx.options().legacy[0], recipient::legacy_cpo);
    REQUIRE(r.ok());
    CHECK_FALSE(r.suppressed);
    CHECK(json::parse(r.body) == json::parse(R"({"id":"T1","currency":"EUR","elements":[{"price_components":[{"type":"TIME","price":1,"step_size":60}]}],
      "last_updated":"2024-05-01T00:00:00Z"})"));
    CHECK(has_loss(r, "type", loss_kind::dropped));
  }
}

TEST_CASE("3.6.4 tariff down: current and reservation restrictions") {
  memory_context ctx(test::fixture_options());
  const legacy_party* emsp = &ctx.options().legacy[2];
  SUBCASE("current with another restriction: only the current restriction goes, exact false everywhere") {
    const auto r = run(ctx, direction::down,
                       tariff_221(std::string(R"([{"price_components":[{"type":"FLAT","price":1,"step_size":1}]},{"price_components":[)") + time_1 +
                                  R"(],"restrictions":{"max_current":16,"start_time":"08:00"}}])"),
                       emsp, recipient::legacy_emsp);
    REQUIRE_MESSAGE(r.ok(), r.err->describe());
    const auto j = json::parse(r.body);
    CHECK(j["elements"][0]["price_components"][0]["exact_price_component"] == false);  // an earlier element too
    CHECK(j["elements"][1]["restrictions"] == json::parse(R"({"start_time":"08:00"})"));
    CHECK(has_loss(r, "elements[1].restrictions.max_current", loss_kind::dropped));
  }
  SUBCASE("current only, a later element prices the same dimension: element dropped") {
    const auto r = run(ctx, direction::down,
                       tariff_221(std::string(R"([{"price_components":[)") + time_2 + R"(],"restrictions":{"min_current":32}},{"price_components":[)" +
                                  time_1 + "]}]"),
                       emsp, recipient::legacy_emsp);
    REQUIRE(r.ok());
    const auto j = json::parse(r.body);
    REQUIRE(j["elements"].size() == 1);
    CHECK(j["elements"][0]["price_components"][0]["price"] == 1);
    CHECK(j["elements"][0]["price_components"][0]["exact_price_component"] == false);
    CHECK(has_loss(r, "elements[0]", loss_kind::dropped));
  }
  SUBCASE("current only, nothing later: kept unconditional, no empty restrictions object") {
    const auto r = run(ctx, direction::down,
                       tariff_221(std::string(R"([{"price_components":[)") + time_2 + R"(],"restrictions":{"min_current":32}}])"),
                       emsp, recipient::legacy_emsp);
    REQUIRE(r.ok());
    const auto j = json::parse(r.body);
    CHECK_FALSE(j["elements"][0].contains("restrictions"));
  }
  SUBCASE("reservation element dropped, exactness unaffected") {
    const auto r = run(ctx, direction::down,
                       tariff_221(std::string(R"([{"price_components":[)") + time_2 + R"(],"restrictions":{"reservation":"RESERVATION"}},{"price_components":[)" +
                                  time_1 + "]}]"),
                       emsp, recipient::legacy_emsp);
    REQUIRE(r.ok());
    const auto j = json::parse(r.body);
    REQUIRE(j["elements"].size() == 1);
    CHECK(j["elements"][0]["price_components"][0]["exact_price_component"] == true);
  }
  SUBCASE("every element dropped: the tariff is not forwarded") {
    const auto r = run(ctx, direction::down,
                       tariff_221(std::string(R"([{"price_components":[)") + time_2 + R"(],"restrictions":{"reservation":"RESERVATION_EXPIRES"}}])"),
                       emsp, recipient::legacy_emsp);
    REQUIRE(r.ok());
    CHECK(r.suppressed);
    CHECK(has_loss(r, "elements", loss_kind::warning));
  }
}

TEST_CASE("3.6.5 tariff down: optional SESSION_TIME collapse toward legacy eMSPs") {
  memory_context ctx(test::fixture_options());
  ctx.mutable_options().tariffs_session_time_to_211 = true;
  const legacy_party* emsp = &ctx.options().legacy[2];
  const std::string same = R"([{"price_components":[{"type":"TIME","price":1.2,"vat":20,"step_size":60},{"type":"ENERGY","price":0.3,"step_size":1},
    {"type":"PARKING_TIME","price":1.20,"step_size":60}]}])";
  SUBCASE("equal price and step: one SESSION_TIME") {
    const auto r = run(ctx, direction::down, tariff_221(same), emsp, recipient::legacy_emsp);
    REQUIRE_MESSAGE(r.ok(), r.err->describe());
    const auto pcs = json::parse(r.body)["elements"][0]["price_components"];
    REQUIRE(pcs.size() == 2);
    CHECK(pcs[0]["type"] == "SESSION_TIME");
    CHECK(pcs[0]["exact_price_component"] == true);
    CHECK(pcs[1]["type"] == "ENERGY");
    // ... and up again it splits back (TV-19).
    const auto again = run(ctx, direction::up, r.body, &ctx.options().legacy[0]);
    REQUIRE(again.ok());
    CHECK(json::parse(again.body)["elements"][0]["price_components"].size() == 3);
  }
  SUBCASE("different steps: kept apart") {
    const auto r = run(ctx, direction::down, tariff_221(R"([{"price_components":[{"type":"TIME","price":1.2,"step_size":60},
      {"type":"PARKING_TIME","price":1.2,"step_size":900}]}])"), emsp, recipient::legacy_emsp);
    REQUIRE(r.ok());
    CHECK(json::parse(r.body)["elements"][0]["price_components"].size() == 2);
  }
  SUBCASE("not toward the hub or a CPO") {
    const auto r = run(ctx, direction::down, tariff_221(same), &ctx.options().legacy[0], recipient::legacy_cpo);
    REQUIRE(r.ok());
    CHECK(json::parse(r.body)["elements"][0]["price_components"].size() == 3);
  }
}

TEST_CASE("3.6.7 tariff down: per-eMSP variants without the variant cache") {
  memory_context ctx(test::fixture_options());
  const legacy_party* emsp = &ctx.options().legacy[2];  // FR/EMP
  const std::string elements = std::string("[{\"price_components\":[") + time_1 + "]}]";
  SUBCASE("variant for this eMSP (any case) is forwarded without target fields") {
    const auto r = run(ctx, direction::down, tariff_221(elements, R"("target_operator_country_code":"fr","target_operator_party_id":"emp",)"),
                       emsp, recipient::legacy_emsp);
    REQUIRE(r.ok());
    CHECK_FALSE(r.suppressed);
    CHECK_FALSE(json::parse(r.body).contains("target_operator_party_id"));
  }
  SUBCASE("variant for another eMSP is suppressed") {
    const auto r = run(ctx, direction::down, tariff_221(elements, R"("target_operator_country_code":"NL","target_operator_party_id":"MP2",)"),
                       emsp, recipient::legacy_emsp);
    REQUIRE(r.ok());
    CHECK(r.suppressed);
  }
}

TEST_CASE("3.6 tariff hostile input: errors with a path, never a crash") {
  memory_context ctx(test::fixture_options());
  const legacy_party* cpo = &ctx.options().legacy[0];
  const legacy_party* emsp = &ctx.options().legacy[2];
  struct c {
    direction dir;
    const char* body;
    const char* path;
  };
  const c cases[] = {
      {direction::up, R"({"id":"T","currency":"EUR","elements":{},"last_updated":"2024-05-01T00:00:00Z"})", "elements"},
      {direction::up, R"({"id":"T","currency":"EUR","elements":[],"last_updated":"2024-05-01T00:00:00Z"})", "elements"},
      {direction::up, R"({"id":"T","currency":"EUR","elements":[{"price_components":[{"type":"TIME","price":"abc","step_size":1}]}],"last_updated":"2024-05-01T00:00:00Z"})", "elements[0].price_components[0].price"},
      {direction::up, R"({"id":"T","currency":"EUR","elements":[{"price_components":[{"type":"WATT","price":1,"step_size":1}]}],"last_updated":"2024-05-01T00:00:00Z"})", "elements[0].price_components[0].type"},
      {direction::up, R"({"id":"T","currency":"EUR","elements":[{"price_components":[{"type":"TIME","price":1,"step_size":-1}]}],"last_updated":"2024-05-01T00:00:00Z"})", "elements[0].price_components[0].step_size"},
      {direction::up, R"({"id":"T","currency":"EUR","elements":[{"price_components":[{"type":"TIME","price":1,"step_size":1}]}],"last_updated":"yesterday"})", "last_updated"},
      {direction::up, R"({"id":"T","currency":"EUR","elements":[{"price_components":[{"type":"TIME","price":1}]}],"last_updated":"2024-05-01T00:00:00Z"})", "elements[0].price_components[0].step_size"},
      {direction::up, R"({"id":"T","currency":"EUR","energy_mix":{"is_green_energy":true,"environ_impact":[{"source":"CARBON_DIOXIDE","category":"CARBON_DIOXIDE","amount":1}]},"elements":[{"price_components":[{"type":"TIME","price":1,"step_size":1}]}],"last_updated":"2024-05-01T00:00:00Z"})", "energy_mix.environ_impact[0].category"},
      {direction::down, R"({"country_code":"FR","party_id":"CPO","id":"T","currency":"EUR","elements":[{"price_components":[{"type":"TIME","price":1,"step_size":1}],"restrictions":{"reservation":"SOMETIMES"}}],"last_updated":"2024-05-01T00:00:00Z"})", "elements[0].restrictions.reservation"},
      {direction::down, R"({"country_code":"FR","party_id":"CPO","id":"T","currency":"EUR","elements":[7],"last_updated":"2024-05-01T00:00:00Z"})", "elements[0]"},
      {direction::down, R"({"country_code":"FRA","party_id":"CPO","id":"T","currency":"EUR","elements":[],"last_updated":"2024-05-01T00:00:00Z"})", "country_code"},
      {direction::down, R"({"country_code":"FR","party_id":"CPO","id":"T","currency":"EUR","type":"CHEAP","elements":[],"last_updated":"2024-05-01T00:00:00Z"})", "type"},
      {direction::down, R"({"country_code":"FR","party_id":"CPO","id":"T","currency":"EUR","elements":[{"price_components":[{"type":"TIME","price":1,"step_size":1}],"restrictions":{"max_current":"x"}}],"last_updated":"2024-05-01T00:00:00Z"})", "elements[0].restrictions.max_current"},
  };
  for (const auto& k : cases) {
    CAPTURE(k.body);
    const auto r = run(ctx, k.dir, k.body, k.dir == direction::up ? cpo : emsp, k.dir == direction::up ? recipient::hub : recipient::legacy_emsp);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->status_code == 2001);
    CHECK(r.err->path == k.path);
    CHECK(r.body.empty());
  }
  SUBCASE("truncated and deeply nested JSON") {
    for (const std::string& body : {std::string(R"({"country_code":"FR","elements":[{"price_components":[{"type":)"),
                                    R"({"country_code":"FR","elements":[)" + std::string(5000, '[') + std::string(5000, ']') + "]}",
                                    std::string("[]"), std::string("\"tariff\"")}) {
      for (direction d : {direction::up, direction::down}) {
        const auto r = run(ctx, d, body, d == direction::up ? cpo : emsp, d == direction::up ? recipient::hub : recipient::legacy_emsp);
        CHECK_FALSE(r.ok());
        CHECK(r.body.empty());
      }
    }
  }
}
