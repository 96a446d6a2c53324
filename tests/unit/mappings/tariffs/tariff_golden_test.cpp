// Golden pairs for Tariffs (MAPPING §3.6, TV-18, TV-19, TV-20, TV-25, spec and Gireve examples).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/json_compare.hpp"

using namespace ocpi;

namespace {

const legacy_party& cpo_a(const memory_context& c) { return c.options().legacy[0]; }   // FR/CPO
const legacy_party& cpo_b(const memory_context& c) { return c.options().legacy[1]; }   // BE/BEC
const legacy_party& emsp_a(const memory_context& c) { return c.options().legacy[2]; }  // FR/EMP

translation up(memory_context& ctx, const std::string& body, const legacy_party& from,
               std::optional<party> owner = std::nullopt, input_shape shape = input_shape::object) {
  translate_request req{.kind = object_kind::tariff, .dir = direction::up, .shape = shape, .legacy = &from, .owner = owner};
  return translate(req, body, ctx);
}

translation down(memory_context& ctx, const std::string& body, const legacy_party& to_party, recipient to,
                 input_shape shape = input_shape::object) {
  translate_request req{.kind = object_kind::tariff, .dir = direction::down, .shape = shape, .legacy = &to_party, .to = to};
  return translate(req, body, ctx);
}

bool has_loss(const translation& r, const std::string& path, loss_kind k) {
  return std::any_of(r.losses.begin(), r.losses.end(), [&](const loss& l) { return l.path == path && l.kind == k; });
}

std::string dump_losses(const translation& r) {
  std::string s;
  for (const auto& l : r.losses) s += l.path + " [" + std::string(to_string(l.kind)) + "] " + l.reason + "\n";
  return s;
}

}  // namespace

TEST_CASE("TV-18 (a) tariff PUT ToIOP: Gireve cpo_tariffs.md PUT example, and back down") {
  memory_context ctx(test::fixture_options());
  const auto r = up(ctx, test::data("tariffs/tv18a_gireve_cpo_put.v211.json"), cpo_a(ctx), party{"FR", "CPO"});
  REQUIRE_MESSAGE(r.ok(), r.err->describe());
  CHECK(test::same_json(r.body, test::data("tariffs/tv18a_gireve_cpo_put.v221.json")));
  CHECK_MESSAGE(r.losses.empty(), dump_losses(r));
  // Own data back to the legacy CPO (F4): no Gireve extensions, owner in the URL.
  const auto back = down(ctx, r.body, cpo_a(ctx), recipient::legacy_cpo);
  REQUIRE(back.ok());
  CHECK(test::same_json(back.body, test::data("tariffs/tv18a_gireve_cpo_put.v211.json")));
}

TEST_CASE("A-22 Gireve emsp_tariffs.md PUT example (braces restored) translates like TV-18 (a)") {
  memory_context ctx(test::fixture_options());
  const auto r = up(ctx, test::data("tariffs/gireve_emsp_put_fixed.v211.json"), cpo_a(ctx), party{"FR", "CPO"});
  REQUIRE_MESSAGE(r.ok(), r.err->describe());
  CHECK(test::same_json(r.body, test::data("tariffs/gireve_emsp_put_fixed.v221.json")));
}

TEST_CASE("TV-18 (b) tariff PATCH ToIOP: the merged PUT body and its cached base") {
  memory_context ctx(test::fixture_options());
  for (const char* c : {"tv18b_patch_merged_put", "tv18b_cached_base"}) {
    CAPTURE(c);
    const auto r = up(ctx, test::data(std::string("tariffs/") + c + ".v211.json"), cpo_b(ctx), party{"BE", "BEC"});
    REQUIRE_MESSAGE(r.ok(), r.err->describe());
    CHECK(test::same_json(r.body, test::data(std::string("tariffs/") + c + ".v221.json")));
  }
}

TEST_CASE("TV-19 Gireve SESSION_TIME ToIOP becomes TIME + PARKING_TIME") {
  memory_context ctx(test::fixture_options());
  const auto r = up(ctx, test::data("tariffs/tv19_session_time.v211.json"), cpo_a(ctx), party{"FR", "CPO"});
  REQUIRE_MESSAGE(r.ok(), r.err->describe());
  CHECK(test::same_json(r.body, test::data("tariffs/tv19_session_time.v221.json")));
  CHECK(has_loss(r, "elements[0].price_components[0].type", loss_kind::derived));

  SUBCASE("with a TIME component in the same element: 2001, nothing sent") {
    const auto bad = up(ctx, R"({"id":"T-ST","currency":"EUR","elements":[{"price_components":[
      {"type":"TIME","price":1,"step_size":60},{"type":"SESSION_TIME","price":1.2,"step_size":60}]}],
      "last_updated":"2024-05-01T00:00:00Z"})", cpo_a(ctx));
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.err->status_code == 2001);
    CHECK(bad.err->path == "elements[0].price_components[1].type");
    CHECK(bad.body.empty());
  }
  SUBCASE("with a PARKING_TIME after it: 2001") {
    const auto bad = up(ctx, R"({"id":"T-ST","currency":"EUR","elements":[{"price_components":[
      {"type":"SESSION_TIME","price":1.2,"step_size":60},{"type":"PARKING_TIME","price":1,"step_size":60}]}],
      "last_updated":"2024-05-01T00:00:00Z"})", cpo_a(ctx));
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.err->status_code == 2001);
    CHECK(bad.err->path == "elements[0].price_components[1].type");
  }
  SUBCASE("TIME in another element is not ambiguous") {
    const auto ok = up(ctx, R"({"id":"T","currency":"EUR","elements":[{"price_components":[{"type":"TIME","price":1,"step_size":60}],
      "restrictions":{"start_time":"08:00","end_time":"18:00"}},{"price_components":[{"type":"SESSION_TIME","price":"2.00","step_size":60}]}],
      "last_updated":"2024-05-01T00:00:00Z"})", cpo_a(ctx));
    REQUIRE_MESSAGE(ok.ok(), ok.err->describe());
    const auto j = nlohmann::json::parse(ok.body);
    CHECK(j["elements"][1]["price_components"].size() == 2);
    CHECK(j["elements"][1]["price_components"][1]["type"] == "PARKING_TIME");
    CHECK(j["elements"][1]["price_components"][1]["price"].get<double>() == 2.0);
  }
}

TEST_CASE("TV-25 IOP pulls a legacy CPO's tariffs: its own country_code/party_id are ignored") {
  memory_context ctx(test::fixture_options());
  // No owner in a GET list URL: the owner is the legacy connection (FR/CPO), not the body's FR/AAA.
  const auto r = up(ctx, test::data("tariffs/tv25_gireve_cpo_get_page.v211.json"), cpo_a(ctx), std::nullopt, input_shape::list);
  REQUIRE_MESSAGE(r.ok(), r.err->describe());
  CHECK(test::same_json(r.body, test::data("tariffs/tv25_gireve_cpo_get_page.v221.json")));
  CHECK(has_loss(r, "[0].party_id", loss_kind::dropped));
  CHECK(has_loss(r, "[0].country_code", loss_kind::dropped));
  CHECK(r.losses.size() == 2);
}

TEST_CASE("TV-20 tariff pull by a legacy eMSP: min/max price, type filter, variants") {
  memory_context ctx(test::fixture_options());
  const auto r = down(ctx, test::data("tariffs/tv20_emsp_pull_page.v221.json"), emsp_a(ctx), recipient::legacy_emsp, input_shape::list);
  REQUIRE_MESSAGE(r.ok(), r.err->describe());
  CHECK(test::same_json(r.body, test::data("tariffs/tv20_emsp_pull_page.v211.json")));
  INFO(dump_losses(r));
  CHECK(has_loss(r, "[0].max_price", loss_kind::dropped));
  CHECK(has_loss(r, "[0].elements[0].price_components[0].vat", loss_kind::dropped));
  CHECK(has_loss(r, "[0].elements[0].price_components[1].vat", loss_kind::dropped));
  CHECK(has_loss(r, "[0].end_date_time", loss_kind::dropped));
  CHECK(has_loss(r, "[1].target_operator_party_id", loss_kind::dropped));  // DE/MP1 variant removed
  CHECK(has_loss(r, "[2].gireve_id", loss_kind::dropped));
  CHECK(has_loss(r, "[3].type", loss_kind::dropped));  // PROFILE_FAST removed
}

// Every spec example down toward a legacy eMSP (F7), or, when the eMSP must not receive it
// (non-REGULAR type), suppressed there and golden toward its owner (F4). Where the down-conversion
// lost nothing but the owner fields, up again gives the original back plus the injected
// type/start_date_time.
TEST_CASE("3.6 spec tariff examples down, and up again where lossless") {
  namespace fs = std::filesystem;
  memory_context ctx(test::fixture_options());
  const legacy_party owner{party_role::cpo, {"DE", "ALL"}, "Example", "", "", ""};
  int cases = 0, round_trips = 0;
  for (const auto& f : fs::directory_iterator(std::string(OCPI_TEST_DATA) + "/tariffs")) {
    const std::string name = f.path().filename().string();
    if (name.rfind("spec_tariff_", 0) != 0 || name.find(".v221.json") == std::string::npos) continue;
    const std::string c = name.substr(0, name.size() - std::string(".v221.json").size());
    CAPTURE(c);
    ++cases;
    const std::string v221 = test::data("tariffs/" + c + ".v221.json"), v211 = test::data("tariffs/" + c + ".v211.json");
    const bool cpo = c.size() > 4 && c.compare(c.size() - 4, 4, "_cpo") == 0;
    if (cpo) {
      const auto hidden = down(ctx, v221, emsp_a(ctx), recipient::legacy_emsp);
      REQUIRE(hidden.ok());
      CHECK(hidden.suppressed);
      CHECK(has_loss(hidden, "type", loss_kind::dropped));
    }
    const auto r = down(ctx, v221, cpo ? owner : emsp_a(ctx), cpo ? recipient::legacy_cpo : recipient::legacy_emsp);
    REQUIRE_MESSAGE(r.ok(), r.err->describe());
    REQUIRE_FALSE(r.suppressed);
    CHECK_MESSAGE(test::same_json(r.body, v211), r.body);

    const auto to_owner = down(ctx, v221, owner, recipient::legacy_cpo);
    REQUIRE(to_owner.ok());
    const bool lossless = std::all_of(to_owner.losses.begin(), to_owner.losses.end(), [](const loss& l) {
      return l.path == "country_code" || l.path == "party_id";
    });
    if (!lossless) continue;
    ++round_trips;
    auto expected = nlohmann::json::parse(v221);
    expected["type"] = "REGULAR";
    expected["start_date_time"] = expected["last_updated"];
    const auto again = up(ctx, to_owner.body, owner, party{"DE", "ALL"});
    REQUIRE(again.ok());
    CHECK(test::same_json(again.body, expected.dump()));
  }
  CHECK(cases == 17);
  CHECK(round_trips >= 2);
}

TEST_CASE("3.6.2 spec tariff_put_example.json has no last_updated: refused, naming the field") {
  memory_context ctx(test::fixture_options());
  const auto r = down(ctx, test::data("tariffs/invalid_spec_tariff_put_example.v221.json"), emsp_a(ctx),
                      recipient::legacy_emsp);
  REQUIRE_FALSE(r.ok());
  CHECK(r.err->path == "last_updated");
}
