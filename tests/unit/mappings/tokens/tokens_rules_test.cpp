// Tokens (MAPPING §3.2, §4.1, §4.2, §4.9, §1.9): one subcase per rule, then hostile input.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "support/json_compare.hpp"

using namespace ocpi;

namespace {

constexpr const char* rfid_211 = R"({"uid":"0a0b0c0d","type":"RFID","auth_id":"FR-EMP-C1","issuer":"Example eMSP",
  "valid":true,"whitelist":"ALLOWED","last_updated":"2024-05-01T10:00:00Z"})";
constexpr const char* token_221 = R"({"country_code":"DE","party_id":"TNM","uid":"12345678905880","type":"RFID",
  "contract_id":"DE8ACC12E46L89","issuer":"TheNewMotion","valid":true,"whitelist":"ALLOWED","last_updated":"2018-12-10T17:25:10Z"})";

bool has_loss(const translation& r, const std::string& path, loss_kind k) {
  return std::any_of(r.losses.begin(), r.losses.end(), [&](const loss& l) { return l.path == path && l.kind == k; });
}

std::string field(const std::string& json, const char* key) {
  const auto j = nlohmann::json::parse(json);
  return j.contains(key) ? j[key].dump() : "<absent>";
}

struct fixture {
  memory_context ctx{test::fixture_options()};
  translate_request req(object_kind k, direction d, int legacy = 2) {
    translate_request r{.kind = k, .dir = d};
    if (legacy >= 0) r.legacy = &ctx.options().legacy[static_cast<std::size_t>(legacy)];
    return r;
  }
};

}  // namespace

TEST_CASE("4.9 RFID uid ToIOP: upper-cased, format-checked, never for other types") {
  fixture f;
  auto req = f.req(object_kind::token, direction::up);
  SUBCASE("upper-cased, well formed: no warning") {
    const auto r = translate(req, rfid_211, f.ctx);
    REQUIRE(r.ok());
    CHECK(field(r.body, "uid") == R"("0A0B0C0D")");
    CHECK(r.losses.empty());
  }
  SUBCASE("rfid.normalize_uppercase=false: copied, then fails the check (WARN)") {
    f.ctx.mutable_options().rfid_normalize_uppercase = false;
    const auto r = translate(req, rfid_211, f.ctx);
    REQUIRE(r.ok());
    CHECK(field(r.body, "uid") == R"("0a0b0c0d")");
    CHECK(has_loss(r, "uid", loss_kind::warning));
  }
  SUBCASE("rfid.format_check=REJECT refuses a badly formed uid with 2001") {
    f.ctx.mutable_options().rfid_format_check = "REJECT";
    const auto r = translate(req, R"({"uid":"AAAAAA","type":"RFID","auth_id":"a","issuer":"i","valid":true,
      "whitelist":"NEVER","last_updated":"2024-05-01T10:00:00Z"})", f.ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->status_code == 2001);
    CHECK(r.err->path == "uid");
  }
  SUBCASE("OTHER: neither upper-cased nor checked, even when type comes first") {
    const auto r = translate(req, R"({"type":"OTHER","uid":"abc-def","auth_id":"a","issuer":"i","valid":true,
      "whitelist":"NEVER","last_updated":"2024-05-01T10:00:00Z"})", f.ctx);
    REQUIRE(r.ok());
    CHECK(field(r.body, "uid") == R"("abc-def")");
    CHECK(r.losses.empty());
  }
  SUBCASE("14 hex characters pass") {
    CHECK(translate(req, R"({"uid":"04a2b3c4d5e6f7","type":"RFID","auth_id":"a","issuer":"i","valid":true,
      "whitelist":"NEVER","last_updated":"2024-05-01T10:00:00Z"})", f.ctx).losses.empty());
  }
}

TEST_CASE("3.2.2 Token up: owner from the URL, else the legacy eMSP; PATCH keeps its last_updated") {
  fixture f;
  auto req = f.req(object_kind::token, direction::up);
  SUBCASE("legacy eMSP when the URL names no owner (T3 pull page)") {
    const auto r = translate(req, rfid_211, f.ctx);
    REQUIRE(r.ok());
    CHECK(field(r.body, "country_code") == R"("FR")");
    CHECK(field(r.body, "party_id") == R"("EMP")");
  }
  SUBCASE("no owner at all is a server-side error, not a guess") {
    req.legacy = nullptr;
    const auto r = translate(req, rfid_211, f.ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->status_code == 3000);
  }
  SUBCASE("PATCH with last_updated: unchanged, no owner fields") {
    req.shape = input_shape::patch;
    const auto r = translate(req, R"({"whitelist":"NEVER","last_updated":"2024-05-01T10:00:00+02:00"})", f.ctx);
    REQUIRE(r.ok());
    CHECK(test::same_json(r.body, R"({"whitelist":"NEVER","last_updated":"2024-05-01T08:00:00Z"})"));
    CHECK(r.losses.empty());
  }
  SUBCASE("PATCH null on a scalar is dropped and reported (1.8.4)") {
    req.shape = input_shape::patch;
    const auto r = translate(req, R"({"visual_number":null,"uid":null,"last_updated":"2024-05-01T10:00:00Z"})", f.ctx);
    REQUIRE(r.ok());
    CHECK(test::same_json(r.body, R"({"last_updated":"2024-05-01T10:00:00Z"})"));
    CHECK(has_loss(r, "visual_number", loss_kind::dropped));
    CHECK(has_loss(r, "uid", loss_kind::dropped));
  }
}

TEST_CASE("4.2 Token down: issuer emulation only toward legacy CPOs in EMI3_PARTY mode") {
  fixture f;
  auto req = f.req(object_kind::token, direction::down, 0);
  SUBCASE("toward a legacy CPO: DE*TNM") {
    req.to = recipient::legacy_cpo;
    CHECK(field(translate(req, token_221, f.ctx).body, "issuer") == R"("DE*TNM")");
  }
  SUBCASE("cpo.token_issuer_mode=ORIGINAL keeps it") {
    req.to = recipient::legacy_cpo;
    f.ctx.mutable_options().cpo_token_issuer_mode = "ORIGINAL";
    const auto r = translate(req, token_221, f.ctx);
    CHECK(field(r.body, "issuer") == R"("TheNewMotion")");
    CHECK(r.losses.empty());
  }
  SUBCASE("toward the owning legacy eMSP: kept") {
    req.to = recipient::legacy_emsp;
    CHECK(field(translate(req, token_221, f.ctx).body, "issuer") == R"("TheNewMotion")");
  }
  SUBCASE("PATCH of a pushed Token: the URL owner") {
    req.to = recipient::legacy_cpo;
    req.shape = input_shape::patch;
    req.owner = party{"NL", "TNM"};
    const auto r = translate(req, R"({"issuer":"X","last_updated":"2024-05-01T10:00:00Z"})", f.ctx);
    REQUIRE(r.ok());
    CHECK(test::same_json(r.body, R"({"issuer":"NL*TNM","last_updated":"2024-05-01T10:00:00Z"})"));
  }
  SUBCASE("PATCH without any owner: copied with a warning") {
    req.to = recipient::legacy_cpo;
    req.shape = input_shape::patch;
    const auto r = translate(req, R"({"issuer":"X","last_updated":"2024-05-01T10:00:00Z"})", f.ctx);
    CHECK(field(r.body, "issuer") == R"("X")");
    CHECK(has_loss(r, "issuer", loss_kind::warning));
  }
  SUBCASE("AD_HOC_USER -> OTHER") {
    std::string t = token_221;
    t.replace(t.find(R"("RFID")"), 6, R"("AD_HOC_USER")");
    const auto r = translate(req, t, f.ctx);
    CHECK(field(r.body, "type") == R"("OTHER")");
    CHECK(has_loss(r, "type", loss_kind::derived));
  }
}

TEST_CASE("3.2.3 AuthorizationInfo up: cached token, URL type, allowed, long authorization_id") {
  fixture f;
  auto req = f.req(object_kind::authorization_info, direction::up);
  req.token_uid = "0A0B0C0D";
  SUBCASE("cache hit: the cached 2.2.1 Token, no loss") {
    const std::string cached = R"({"country_code":"FR","party_id":"EMP","uid":"0A0B0C0D","type":"RFID",
      "contract_id":"FR-EMP-C1","issuer":"Example eMSP","valid":true,"whitelist":"ALLOWED","last_updated":"2024-05-01T10:00:00Z"})";
    f.ctx.put_token(cached);
    req.token_uid = "0a0b0c0d";  // case-insensitive cache (0.2 r8)
    const auto r = translate(req, R"({"allowed":"ALLOWED"})", f.ctx);
    REQUIRE(r.ok());
    CHECK(test::same_json(r.body, R"({"allowed":"ALLOWED","token":)" + cached + "}"));
    CHECK(r.losses.empty());
  }
  SUBCASE("miss with ?type=APP_USER and BLOCKED: synthesised, valid=false") {
    req.token_type = "APP_USER";
    const auto r = translate(req, R"({"allowed":"BLOCKED","info":{"language":"fr","text":"Bloqué"}})", f.ctx);
    REQUIRE(r.ok());
    const auto j = nlohmann::json::parse(r.body);
    CHECK(j["token"]["type"] == "APP_USER");
    CHECK(j["token"]["valid"] == false);
    CHECK(j["token"]["issuer"] == "Example eMSP");
    CHECK(j["info"]["text"] == "Bloqué");
    CHECK(has_loss(r, "token", loss_kind::derived));
  }
  SUBCASE("authorization_id longer than 36: hashed, and the pair is kept (4.1)") {
    const std::string long_id(50, 'x');
    const auto r = translate(req, R"({"allowed":"ALLOWED","authorization_id":")" + long_id + R"("})", f.ctx);
    REQUIRE(r.ok());
    const std::string ref = nlohmann::json::parse(r.body)["authorization_reference"];
    CHECK(ref.size() == 36);
    CHECK(f.ctx.original_of_hash(ref) == long_id);
    CHECK(has_loss(r, "authorization_id", loss_kind::derived));
  }
  SUBCASE("no uid from the URL: refused as a proxy error") {
    req.token_uid.clear();
    const auto r = translate(req, R"({"allowed":"ALLOWED"})", f.ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->status_code == 3000);
    CHECK(r.err->path == "token");
  }
  SUBCASE("unknown URL type") {
    req.token_type = "BADGE";
    CHECK_FALSE(translate(req, R"({"allowed":"ALLOWED"})", f.ctx).ok());
  }
}

TEST_CASE("3.2.3 AuthorizationInfo down: token mandatory and must be an object") {
  fixture f;
  auto req = f.req(object_kind::authorization_info, direction::down, 0);
  req.to = recipient::legacy_cpo;
  SUBCASE("missing token") {
    const auto r = translate(req, R"({"allowed":"ALLOWED"})", f.ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == "token");
  }
  SUBCASE("token of the wrong type") {
    const auto r = translate(req, R"({"allowed":"ALLOWED","token":"AAAA"})", f.ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == "token");
  }
  SUBCASE("allowed outside the enum") {
    const auto r = translate(req, R"({"allowed":"MAYBE","token":{}})", f.ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == "allowed");
  }
  SUBCASE("4.1 authorization_id: Gireve's extension, left out for a CPO without it (issue 13)") {
    const std::string answer = test::data("tokens/tv10a_authorization_info.v221.json");
    CHECK(field(translate(req, answer, f.ctx).body, "authorization_id") == R"("CCCC-VVVV-BBBB")");
    f.ctx.mutable_options().legacy[0].authorization_id_extension = false;
    const auto r = translate(req, answer, f.ctx);
    REQUIRE(r.ok());
    CHECK(field(r.body, "authorization_id") == "<absent>");
    CHECK(has_loss(r, "authorization_reference", loss_kind::dropped));
  }
}

TEST_CASE("1.9 LocationReferences long ids: REJECT, or HASH and restored coming back") {
  fixture f;
  const std::string long_id(38, 'L');
  const std::string body = R"({"location_id":")" + long_id + R"(","evse_uids":["E1"]})";
  auto up = f.req(object_kind::location_references, direction::up, 0);
  SUBCASE("REJECT (default)") {
    const auto r = translate(up, body, f.ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->status_code == 2001);
    CHECK(r.err->path == "location_id");
  }
  SUBCASE("HASH, then down toward the legacy CPO restores it") {
    f.ctx.mutable_options().ids_long_id_policy = "HASH";
    const auto r = translate(up, body, f.ctx);
    REQUIRE(r.ok());
    CHECK(has_loss(r, "location_id", loss_kind::derived));
    auto down = f.req(object_kind::location_references, direction::down, 0);
    down.to = recipient::legacy_cpo;
    const auto back = translate(down, r.body, f.ctx);
    REQUIRE(back.ok());
    CHECK(test::same_json(back.body, body));
  }
  SUBCASE("longer than 2.1.1's 39 is refused even with HASH") {
    f.ctx.mutable_options().ids_long_id_policy = "HASH";
    CHECK_FALSE(translate(up, R"({"location_id":")" + std::string(40, 'L') + R"("})", f.ctx).ok());
  }
}

TEST_CASE("4.6 LocationReferences down toward a legacy eMSP: exposed Location id") {
  fixture f;
  auto req = f.req(object_kind::location_references, direction::down, 2);
  req.to = recipient::legacy_emsp;
  f.ctx.put_location(R"({"country_code":"FR","party_id":"CPO","id":"LOC1","gireve_id":"FR-GIR-777","evses":[]})");
  SUBCASE("owner = OCPI-from CPO: its gireve_id") {
    req.from = party{"FR", "CPO"};
    const auto r = translate(req, R"({"location_id":"LOC1","evse_uids":["E1"]})", f.ctx);
    REQUIRE(r.ok());
    CHECK(test::same_json(r.body, R"({"location_id":"FR-GIR-777","evse_uids":["E1"]})"));
  }
  SUBCASE("OCPI-from is the hub: owner unknown, copied with a warning") {
    req.from = f.ctx.options().iop;
    const auto r = translate(req, R"({"location_id":"LOC1"})", f.ctx);
    REQUIRE(r.ok());
    CHECK(test::same_json(r.body, R"({"location_id":"LOC1"})"));
    CHECK(has_loss(r, "location_id", loss_kind::warning));
  }
}

TEST_CASE("3.2 hostile Token and AuthorizationInfo input: an error with a path, never a crash") {
  fixture f;
  auto up = f.req(object_kind::token, direction::up);
  auto down = f.req(object_kind::token, direction::down, 0);
  down.to = recipient::legacy_cpo;
  struct bad {
    translate_request* req;
    std::string body;
    const char* path;
  };
  const std::string huge(100000, 'A');
  const bad cases[] = {
      {&up, R"({"uid":1,"type":"RFID"})", "uid"},
      {&up, R"({"uid":"AAAAAAAA","type":["RFID"]})", "type"},
      {&up, R"({"uid":"AAAAAAAA","type":"RFID","auth_id":"x","issuer":"i","valid":"yes"})", "valid"},
      {&up, R"({"uid":"AAAAAAAA","type":"RFID","issuer":"i","valid":true,"whitelist":"NEVER","last_updated":"2024-05-01T10:00:00Z"})", "auth_id"},
      {&up, R"({"uid":")" + huge + R"(","type":"RFID"})", "uid"},
      {&up, R"({"uid":"AAAAAAAA","uid":"BBBBBBBB"})", "uid"},
      {&up, R"({"uid":"AAAAAAAA","type":"TAG"})", "type"},
      {&up, R"({"uid":"AAAAAAAA","type":"RFID","auth_id":"x","issuer":"i","valid":true,"whitelist":"NEVER","last_updated":"yesterday"})", "last_updated"},
      {&down, R"({"country_code":"DEU","party_id":"TNM"})", "country_code"},
      {&down, R"({"country_code":"DE","party_id":"TNM","uid":"u","type":"RFID","contract_id":")" + huge + R"("})", "contract_id"},
      {&down, R"({"country_code":"DE","party_id":"TNM","issuer":{"name":"x"}})", "issuer"},
      {&down, R"({"country_code":"DE","country_code":"DE"})", "country_code"},
      {&down, R"([1,2,3])", ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.body.substr(0, 120));
    const auto r = translate(*c.req, c.body, f.ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == c.path);
    CHECK(r.body.empty());
  }
  SUBCASE("issuer and visual_number beyond string(64), both ways: refused with 2001, never truncated (issue 13)") {
    const std::string rest = R"(","valid":true,"whitelist":"NEVER","last_updated":"2024-05-01T10:00:00Z"})";
    auto token_211 = [&](const std::string& issuer, const std::string& visual) {
      return R"({"uid":"AAAAAAAA","type":"RFID","auth_id":"x","issuer":")" + issuer + R"(","visual_number":")" + visual +
             rest;
    };
    auto token_221 = [&](const std::string& issuer, const std::string& visual) {
      return R"({"country_code":"DE","party_id":"TNM","uid":"AAAAAAAA","type":"RFID","contract_id":"x","issuer":")" +
             issuer + R"(","visual_number":")" + visual + rest;
    };
    const std::string long_text(65, 'i'), fits(64, 'i');
    struct refusal_case {
      const translate_request* req;
      std::string body;
      const char* path;
    };
    for (const auto& c : {refusal_case{&up, token_211(long_text, "v"), "issuer"},
                          refusal_case{&up, token_211("i", long_text), "visual_number"},
                          refusal_case{&down, token_221(long_text, "v"), "issuer"},
                          refusal_case{&down, token_221("i", long_text), "visual_number"}}) {
      CAPTURE(c.path);
      const auto r = translate(*c.req, c.body, f.ctx);
      REQUIRE_FALSE(r.ok());
      CHECK(r.err->status_code == 2001);
      CHECK(r.err->path == c.path);
      CHECK(r.err->message.find("64") != std::string::npos);
    }
    // string(n) counts characters: 64 accented characters (128 bytes) are a valid issuer, and
    // exactly 64 ASCII characters cross untouched.
    std::string accented;
    for (int i = 0; i < 64; ++i) accented += "é";
    const auto a = translate(down, token_221(accented, fits), f.ctx);
    REQUIRE(a.ok());
    const auto r = translate(up, token_211(fits, fits), f.ctx);
    REQUIRE(r.ok());
    CHECK(nlohmann::json::parse(r.body)["issuer"] == fits);
    CHECK(nlohmann::json::parse(r.body)["visual_number"] == fits);
    CHECK_FALSE(has_loss(r, "issuer", loss_kind::truncated));
  }
  SUBCASE("AuthorizationInfo: nested errors carry the full path") {
    auto ai = f.req(object_kind::authorization_info, direction::up);
    ai.token_uid = "AAAAAAAA";
    auto r = translate(ai, R"({"allowed":"ALLOWED","location":{"location_id":"L","evse_uids":["E1",7]}})", f.ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == "location.evse_uids[1]");
    r = translate(ai, R"({"allowed":"ALLOWED","info":{"language":"en"}})", f.ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == "info.text");
    r = translate(ai, R"({"allowed":"ALLOWED","location":"L1"})", f.ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->path == "location");
    r = translate(ai, R"({"allowed":"ALLOWED","location":{"location_id":"L"})", f.ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->http_status == 400);
  }
}
