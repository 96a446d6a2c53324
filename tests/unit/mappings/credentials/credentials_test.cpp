// Credentials (MAPPING §2.1) and version details (§2.2, §1.2.1): golden pairs (TV-02, spec
// examples) and one subcase per rule.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "support/json_compare.hpp"

using namespace ocpi;

namespace {

translation run(memory_context& ctx, object_kind kind, direction dir, const std::string& body, const legacy_party* legacy) {
  translate_request req{.kind = kind, .dir = dir, .legacy = legacy};
  return translate(req, body, ctx);
}

std::string pair(const std::string& c, const char* v) { return test::data("credentials/" + c + v); }

bool has_loss(const translation& r, const std::string& path, loss_kind k) {
  return std::any_of(r.losses.begin(), r.losses.end(), [&](const loss& l) { return l.path == path && l.kind == k; });
}

}  // namespace

TEST_CASE("2.1 credentials down: spec credentials_example*.json and TV-02 (a) flatten one role") {
  memory_context ctx(test::fixture_options());
  const legacy_party* cpo = &ctx.options().legacy[0];
  struct c {
    const char* name;
    std::size_t dropped_roles;
  };
  for (const c k : {c{"credentials_example", 0}, c{"credentials_example2", 1}, c{"credentials_example3", 0},
                    c{"credentials_example4", 1}, c{"tv02a_iop_hub", 0}, c{"tv02c_answer_gireve", 0}}) {
    CAPTURE(k.name);
    const auto r = run(ctx, object_kind::credentials, direction::down, pair(k.name, ".v221.json"), cpo);
    REQUIRE_MESSAGE(r.ok(), r.err->describe());
    CHECK(test::same_json(r.body, pair(k.name, ".v211.json")));
    CHECK(r.losses.size() == k.dropped_roles);
    if (k.dropped_roles) CHECK(has_loss(r, "roles", loss_kind::dropped));
  }
}

TEST_CASE("2.1 credentials down: the HUB role wins wherever it is") {
  memory_context ctx(test::fixture_options());
  const auto r = run(ctx, object_kind::credentials, direction::down, R"({"token":"t","url":"https://iop/versions","roles":[
    {"role":"CPO","party_id":"CPO","country_code":"FR","business_details":{"name":"A"}},
    {"role":"HUB","party_id":"107","country_code":"FR","business_details":{"name":"GIREVE"},"extra":1}]})", nullptr);
  REQUIRE_MESSAGE(r.ok(), r.err->describe());
  CHECK(test::same_json(r.body, R"({"token":"t","url":"https://iop/versions","party_id":"107","country_code":"FR","business_details":{"name":"GIREVE"}})"));
  CHECK(has_loss(r, "roles[1].extra", loss_kind::dropped));
}

TEST_CASE("TV-02 (c) credentials up: the legacy CPO's 2.1.1 object becomes one CPO role, and back") {
  memory_context ctx(test::fixture_options());
  const legacy_party* cpo = &ctx.options().legacy[0];
  const auto r = run(ctx, object_kind::credentials, direction::up, pair("tv02c_cpo_a", ".v211.json"), cpo);
  REQUIRE_MESSAGE(r.ok(), r.err->describe());
  CHECK(test::same_json(r.body, pair("tv02c_cpo_a", ".v221.json")));
  CHECK(r.losses.empty());
  const auto back = run(ctx, object_kind::credentials, direction::down, r.body, cpo);
  REQUIRE(back.ok());
  CHECK(test::same_json(back.body, pair("tv02c_cpo_a", ".v211.json")));

  SUBCASE("an eMSP connection gets role EMSP; spec example 3 round-trips") {
    const auto e = run(ctx, object_kind::credentials, direction::up, pair("credentials_example3", ".v211.json"), &ctx.options().legacy[2]);
    REQUIRE_MESSAGE(e.ok(), e.err->describe());
    auto expected = nlohmann::json::parse(pair("credentials_example3", ".v221.json"));
    expected["roles"][0]["role"] = "EMSP";
    CHECK(test::same_json(e.body, expected.dump()));
  }
}

TEST_CASE("2.1 credentials hostile input") {
  memory_context ctx(test::fixture_options());
  const legacy_party* cpo = &ctx.options().legacy[0];
  struct c {
    direction dir;
    const char* body;
    const char* path;
    int code;
  };
  const c cases[] = {
      {direction::up, R"({"token":"t","url":"u","business_details":{"name":"X"},"party_id":"CPOX","country_code":"FR"})", "party_id", 2001},
      {direction::up, R"({"token":"t","url":"u","business_details":{"name":"X"},"country_code":"FR"})", "party_id", 2001},
      {direction::up, R"({"token":"t","url":"u","business_details":{},"party_id":"CPO","country_code":"FR"})", "business_details.name", 2001},
      {direction::up, R"({"token":"t","url":"u","business_details":"X","party_id":"CPO","country_code":"FR"})", "business_details", 2001},
      {direction::down, R"({"token":"t","url":"u","roles":[]})", "roles", 2001},
      {direction::down, R"({"token":"t","url":"u","roles":[{"role":"KING","party_id":"107","country_code":"FR","business_details":{"name":"G"}}]})", "roles[0].role", 2001},
      {direction::down, R"({"token":"t","url":"u","roles":[{"role":"HUB","country_code":"FR","business_details":{"name":"G"}}]})", "roles[0].party_id", 2001},
      {direction::down, R"({"token":"t","url":"u","roles":[3]})", "roles", 2001},
  };
  for (const auto& k : cases) {
    CAPTURE(k.body);
    const auto r = run(ctx, object_kind::credentials, k.dir, k.body, cpo);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->status_code == k.code);
    CHECK(r.err->path == k.path);
  }
  SUBCASE("a malformed element of roles is a 400, not a reset of an abandoned iterator") {
    // Found by the mutation test (tests/fuzz/regressions/credentials_down_malformed_role.bin): the
    // pre-read of `role` ignored the error, then roles_down reset() the abandoned array.
    const auto r = run(ctx, object_kind::credentials, direction::down,
                       R"({"roles":[{["business_details":{"name":"X"},"role":"CPO"}],"token":"t","url":"u"})", cpo);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->http_status == 400);
    CHECK(r.err->status_code == 2000);
    CHECK(r.body.empty());
  }
  SUBCASE("up without a legacy connection: server error") {
    const auto r = run(ctx, object_kind::credentials, direction::up, pair("tv02c_cpo_a", ".v211.json"), nullptr);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->status_code == 3000);
  }
}

TEST_CASE("2.2 version details down: spec examples and TV-02 (b) for the role the legacy side calls") {
  memory_context ctx(test::fixture_options());
  const legacy_party* cpo = &ctx.options().legacy[0];
  const legacy_party* emsp = &ctx.options().legacy[2];
  struct c {
    const char* name;
    const legacy_party* legacy;
  };
  for (const c k : {c{"version_details_example_emsp", emsp}, c{"version_details_example2_emsp", emsp},
                    c{"version_details_example2_cpo", cpo}, c{"tv02b_proxy_face_emsp", emsp}}) {
    CAPTURE(k.name);
    const auto r = run(ctx, object_kind::version_details, direction::down, pair(k.name, ".v221.json"), k.legacy);
    REQUIRE_MESSAGE(r.ok(), r.err->describe());
    CHECK(test::same_json(r.body, pair(k.name, ".v211.json")));
  }
  SUBCASE("losses: other-role entries, 2.2-only modules, duplicates, version") {
    const auto r = run(ctx, object_kind::version_details, direction::down, R"({"version":"2.2","endpoints":[
      {"identifier":"hubclientinfo","role":"RECEIVER","url":"u0"},
      {"identifier":"locations","role":"RECEIVER","url":"u1"},
      {"url":"u2","role":"SENDER","identifier":"locations"},
      {"identifier":"locations","role":"SENDER","url":"u3"},
      {"identifier":"chargingprofiles","role":"SENDER","url":"u4"}]})", emsp);
    REQUIRE_MESSAGE(r.ok(), r.err->describe());
    CHECK(test::same_json(r.body, R"({"version":"2.1.1","endpoints":[{"identifier":"locations","url":"u2"}]})"));
    CHECK(has_loss(r, "version", loss_kind::warning));
    CHECK(has_loss(r, "endpoints[0]", loss_kind::dropped));
    CHECK(has_loss(r, "endpoints[1].role", loss_kind::dropped));
    CHECK(has_loss(r, "endpoints[3]", loss_kind::dropped));
    CHECK(has_loss(r, "endpoints[4]", loss_kind::dropped));
  }
}

TEST_CASE("2.2 version details up: InterfaceRole per 1.2.1 from the legacy role") {
  memory_context ctx(test::fixture_options());
  struct c {
    const char* name;
    const legacy_party* legacy;
  };
  for (const c k : {c{"cpo_version_details_up", &ctx.options().legacy[0]}, c{"emsp_version_details_up", &ctx.options().legacy[2]}}) {
    CAPTURE(k.name);
    const auto r = run(ctx, object_kind::version_details, direction::up, pair(k.name, ".v211.json"), k.legacy);
    REQUIRE_MESSAGE(r.ok(), r.err->describe());
    CHECK(test::same_json(r.body, pair(k.name, ".v221.json")));
    CHECK(r.losses.empty());
  }
  SUBCASE("unknown module removed; no legacy connection refused; role missing down refused") {
    const auto r = run(ctx, object_kind::version_details, direction::up,
                       R"({"version":"2.1.1","endpoints":[{"identifier":"parking","url":"u"}]})", &ctx.options().legacy[0]);
    REQUIRE(r.ok());
    CHECK(test::same_json(r.body, R"({"version":"2.2.1","endpoints":[]})"));
    CHECK(has_loss(r, "endpoints[0].identifier", loss_kind::dropped));
    const auto none = run(ctx, object_kind::version_details, direction::up, R"({"version":"2.1.1","endpoints":[]})", nullptr);
    CHECK(none.err->status_code == 3000);
    const auto norole = run(ctx, object_kind::version_details, direction::down,
                            R"({"version":"2.2.1","endpoints":[{"identifier":"cdrs","url":"u"}]})", &ctx.options().legacy[0]);
    REQUIRE_FALSE(norole.ok());
    CHECK(norole.err->path == "endpoints[0].role");
  }
}
