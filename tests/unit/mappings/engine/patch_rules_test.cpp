// PATCH bodies going down (2.2.1 -> 2.1.1), issue 13 items 11 and 13: the mandatory `last_updated`
// and what a `null` list may become. The same rules for every module that has a 2.2.1 PATCH.
#include <doctest/doctest.h>

#include "mappings/locations/locations_support.hpp"

using namespace ocpi;
using namespace ocpi::test::locations;

namespace {

struct patch_case {
  const char* what;
  object_kind kind;
  recipient to;
  const char* body;  // a valid PATCH but for its missing last_updated
};

// One PATCH per object 2.2.1 lets IOP PATCH (Location, EVSE, Connector, Session, Token).
const patch_case cases[] = {
    {"Location", object_kind::location, recipient::legacy_emsp, R"({"name":"Gent Zuid"})"},
    {"EVSE", object_kind::evse, recipient::legacy_emsp, R"({"status":"CHARGING"})"},
    {"Connector", object_kind::connector, recipient::legacy_emsp, R"({"max_voltage":400})"},
    {"Session", object_kind::session, recipient::legacy_emsp, R"({"kwh":5})"},
    {"Token", object_kind::token, recipient::legacy_cpo, R"({"valid":false})"},
};

translate_request patch_down(const memory_context& ctx, const patch_case& c) {
  auto req = down(c.kind, c.to, input_shape::patch, party{"BE", "BEC"});
  req.legacy = &ctx.options().legacy[2];
  return req;
}

// `body` with a last_updated member added before its closing brace.
std::string with_last_updated(std::string body, const std::string& value = R"("2024-06-01T12:00:00Z")") {
  body.insert(body.size() - 1, R"(,"last_updated":)" + value);
  return body;
}

}  // namespace

TEST_CASE("1.8.4 a 2.2.1 PATCH without last_updated is refused with 2001 naming the field") {
  for (const auto& c : cases) {
    CAPTURE(c.what);
    memory_context ctx(test::fixture_options());
    const auto r = translate(patch_down(ctx, c), c.body, ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->status_code == 2001);
    CHECK(r.err->http_status == 200);
    CHECK(r.err->path == "last_updated");
    CHECK(r.err->message.find("PATCH") != std::string::npos);
    CHECK(r.body.empty());
    // `null` is absent (0.2 r1): it does not stand in for the mandatory value.
    const auto n = translate(patch_down(ctx, c), with_last_updated(c.body, "null"), ctx);
    REQUIRE_FALSE(n.ok());
    CHECK(n.err->path == "last_updated");
    // With it, the same body crosses and keeps the sender's value (hubs never touch it, 0.2 r5).
    const auto ok = translate(patch_down(ctx, c), with_last_updated(c.body), ctx);
    REQUIRE_MESSAGE(ok.ok(), describe(ok));
    CHECK(nlohmann::json::parse(ok.body)["last_updated"] == "2024-06-01T12:00:00Z");
  }
}

TEST_CASE("1.8.4 a peer's quirk flag lets a PATCH without last_updated cross, reported") {
  for (const auto& c : cases) {
    CAPTURE(c.what);
    memory_context ctx(test::fixture_options());
    auto req = patch_down(ctx, c);
    req.accept_patch_without_last_updated = true;
    const auto r = translate(req, c.body, ctx);
    REQUIRE_MESSAGE(r.ok(), describe(r));
    CHECK_FALSE(nlohmann::json::parse(r.body).contains("last_updated"));
    CHECK(has_loss(r, loss_kind::warning, "last_updated", "accept_patch_without_last_updated"));
  }
}

TEST_CASE("1.8.4 only the PATCH body itself needs last_updated, and 2.1.1 PATCHes still get one added") {
  memory_context ctx(test::fixture_options());
  SUBCASE("the EVSEs a Location PATCH carries are not PATCH bodies: the rule is the body's own") {
    const auto r = translate(patch_down(ctx, cases[0]),
                             R"({"evses":[{"uid":"E1","status":"AVAILABLE"}],"last_updated":"2024-06-01T12:00:00Z"})", ctx);
    REQUIRE_MESSAGE(r.ok(), describe(r));
  }
  SUBCASE("up: a 2.1.1 PATCH has no such rule; a null last_updated is replaced by the receive time") {
    const auto r = translate(up(object_kind::evse, cpo_b(ctx), input_shape::patch),
                             R"({"status":"CHARGING","last_updated":null})", ctx);
    REQUIRE_MESSAGE(r.ok(), describe(r));
    CHECK(nlohmann::json::parse(r.body)["last_updated"].is_string());
    CHECK(has_loss(r, loss_kind::defaulted, "last_updated"));
  }
}

TEST_CASE("1.8.4 a null list in a 2.2.1 PATCH is dropped and reported, never a destructive []") {
  memory_context ctx(test::fixture_options());
  const auto loc = down(object_kind::location, recipient::legacy_emsp, input_shape::patch, party{"BE", "BEC"});
  const auto r = translate(loc, R"({"facilities":null,"images":null,"directions":null,"last_updated":"2024-06-01T12:00:00Z"})", ctx);
  REQUIRE_MESSAGE(r.ok(), describe(r));
  CHECK(test::same_json(r.body, R"({"last_updated":"2024-06-01T12:00:00Z"})"));
  for (const char* list : {"facilities", "images", "directions"}) {
    CAPTURE(list);
    CHECK(has_loss(r, loss_kind::dropped, list, "[] empties a list"));
  }
  SUBCASE("the connector's tariff_ids (one 2.1.1 tariff_id) likewise") {
    const auto c = translate(down(object_kind::connector, recipient::legacy_emsp, input_shape::patch, party{"BE", "BEC"}),
                             R"({"tariff_ids":null,"last_updated":"2024-06-01T12:00:00Z"})", ctx);
    REQUIRE_MESSAGE(c.ok(), describe(c));
    CHECK(test::same_json(c.body, R"({"last_updated":"2024-06-01T12:00:00Z"})"));
    CHECK(has_loss(c, loss_kind::dropped, "tariff_ids", "[] empties a list"));
  }
  SUBCASE("an explicit [] still empties the list") {
    const auto e = translate(loc, R"({"facilities":[],"last_updated":"2024-06-01T12:00:00Z"})", ctx);
    REQUIRE(e.ok());
    CHECK(test::same_json(e.body, R"({"facilities":[],"last_updated":"2024-06-01T12:00:00Z"})"));
  }
  SUBCASE("up, a 2.1.1 PATCH null on a list still means 'now empty' (2.1.1 replaces fields)") {
    const auto u = translate(up(object_kind::location, cpo_b(ctx), input_shape::patch),
                             R"({"facilities":null,"last_updated":"2024-06-01T12:00:00Z"})", ctx);
    REQUIRE_MESSAGE(u.ok(), describe(u));
    CHECK(test::same_json(u.body, R"({"facilities":[],"last_updated":"2024-06-01T12:00:00Z"})"));
  }
}
