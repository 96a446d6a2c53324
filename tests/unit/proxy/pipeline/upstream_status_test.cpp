#include <doctest/doctest.h>

#include <string>

#include "proxy/pipeline/envelope.hpp"
#include "proxy/pipeline/upstream_status.hpp"

using namespace ocpi::proxy;

namespace {
caller_answer toiop(unsigned http, std::string_view body, upstream_failure f = upstream_failure::none,
                    bool strict = true, bool get_object = false) {
  const auto env = parse_upstream_envelope(body);
  return map_iop_answer_to_legacy(http, env ? &*env : nullptr, f, strict, get_object);
}
caller_answer fromiop(unsigned http, std::string_view body, upstream_failure f = upstream_failure::none,
                      bool authorize = false) {
  const auto env = parse_upstream_envelope(body);
  return map_legacy_answer_to_iop(http, env ? &*env : nullptr, f, authorize);
}
}  // namespace

TEST_CASE("1.6.4 pipeline parse_upstream_envelope") {
  SUBCASE("object data kept raw") {
    const auto e = parse_upstream_envelope(R"({"data":{"a":[1, 2]},"status_code":1000,"status_message":"Success","timestamp":"x"})");
    REQUIRE(e);
    CHECK(e->status_code == 1000);
    CHECK(e->status_message == "Success");
    CHECK(e->data == R"({"a":[1, 2]})");
  }
  SUBCASE("array, scalar, null and absent data") {
    CHECK(parse_upstream_envelope(R"({"status_code":1000,"data":[{"id":"1"}]})")->data == R"([{"id":"1"}])");
    CHECK(parse_upstream_envelope(R"({"status_code":1000,"data":"ACCEPTED" })")->data == R"("ACCEPTED")");
    CHECK(parse_upstream_envelope(R"({"status_code":1000,"data":12 })")->data == "12");
    CHECK(parse_upstream_envelope(R"({"status_code":1000,"data":null})")->data.empty());
    CHECK(parse_upstream_envelope(R"({"status_code":2001})")->data.empty());
  }
  SUBCASE("status_code as a digit string is tolerated; null message is absent") {
    const auto e = parse_upstream_envelope(R"({"status_code":"2001","status_message":null})");
    REQUIRE(e);
    CHECK(e->status_code == 2001);
    CHECK(e->status_message.empty());
  }
  SUBCASE("invalid envelopes") {
    CHECK_FALSE(parse_upstream_envelope(""));
    CHECK_FALSE(parse_upstream_envelope("<html>Bad gateway</html>"));
    CHECK_FALSE(parse_upstream_envelope("[1,2]"));
    CHECK_FALSE(parse_upstream_envelope(R"({"status_message":"no code"})"));
    CHECK_FALSE(parse_upstream_envelope(R"({"status_code":1000.5})"));
    CHECK_FALSE(parse_upstream_envelope(R"({"status_code":true})"));
    CHECK_FALSE(parse_upstream_envelope(R"({"status_code":1000} trailing)"));
    CHECK_FALSE(parse_upstream_envelope(R"({"status_code":1000,"data":{"a":)"));
  }
  SUBCASE("in-place parse when the buffer has padding") {
    std::string buf = R"({"status_code":1000,"data":{}})";
    const auto size = buf.size();
    buf.resize(size + 64);
    const auto e = parse_upstream_envelope(std::string_view(buf.data(), size), buf.size());
    REQUIRE(e);
    CHECK(e->data == "{}");
  }
}

TEST_CASE("TV-22 1.6.4 pipeline IOP answers seen by the legacy backend (SYNC)") {
  SUBCASE("2001 copied") {
    const auto a = toiop(200, R"({"status_code":2001,"status_message":"Missing field"})");
    CHECK(a.http_status == 200);
    CHECK(a.status_code == 2001);
    CHECK(a.status_message == "Missing field");
    CHECK_FALSE(a.transient);
    CHECK_FALSE(a.relay_data);
    CHECK(write_envelope(a.status_code, a.status_message, "2024-06-01T12:00:00Z") ==
          R"({"status_code":2001,"status_message":"Missing field","timestamp":"2024-06-01T12:00:00Z"})");
  }
  SUBCASE("4001 -> 200/2000, permanent, alert") {
    const auto a = toiop(200, R"({"status_code":4001,"status_message":"unknown receiver"})");
    CHECK(a.http_status == 200);
    CHECK(a.status_code == 2000);
    CHECK(a.status_message == "[IOP 4001] unknown receiver");
    CHECK_FALSE(a.transient);
    CHECK(a.alert);
  }
  SUBCASE("4003 -> 503/3000 transient") {
    const auto a = toiop(200, R"({"status_code":4003,"status_message":"not connected"})");
    CHECK(a.http_status == 503);
    CHECK(a.status_code == 3000);
    CHECK(a.status_message == "[IOP 4003] not connected");
    CHECK(a.transient);
  }
  SUBCASE("HTTP 401 -> 503/3000, alert, transient") {
    const auto a = toiop(401, "");
    CHECK(a.http_status == 503);
    CHECK(a.status_code == 3000);
    CHECK(a.status_message == "proxy not authorized at IOP");
    CHECK(a.transient);
    CHECK(a.alert);
    CHECK(toiop(403, R"({"status_code":2000})").http_status == 503);
  }
  SUBCASE("timeout -> 504/3000") {
    const auto a = toiop(0, "", upstream_failure::timeout);
    CHECK(a.http_status == 504);
    CHECK(a.status_code == 3000);
    CHECK(a.transient);
  }
}

TEST_CASE("1.6.4 pipeline ToIOP table, remaining rows") {
  SUBCASE("success: same status, data relayed") {
    const auto a = toiop(201, R"({"status_code":1000,"status_message":"ok","data":{}})");
    CHECK(a.http_status == 201);
    CHECK(a.status_code == 1000);
    CHECK(a.relay_data);
  }
  SUBCASE("19xx is down-mapped when strict") {
    const auto a = toiop(200, R"({"status_code":1901,"status_message":"custom"})");
    CHECK(a.status_code == 1000);
    CHECK(a.status_message == "[IOP 1901] custom");
    CHECK(a.relay_data);
    CHECK(toiop(200, R"({"status_code":1901})", upstream_failure::none, false).status_code == 1901);
  }
  SUBCASE("2004: HTTP 404 kept, 2000 strict or 2004") {
    const auto strict = toiop(404, R"({"status_code":2004,"status_message":"unknown token"})");
    CHECK(strict.http_status == 404);
    CHECK(strict.status_code == 2000);
    CHECK(strict.status_message == "[IOP 2004] unknown token");
    const auto loose = toiop(404, R"({"status_code":2004,"status_message":"unknown token"})", upstream_failure::none, false);
    CHECK(loose.status_code == 2004);
    CHECK(loose.status_message == "unknown token");
  }
  SUBCASE("29xx and 4xx HTTP with 2xxx: same HTTP, permanent") {
    CHECK(toiop(200, R"({"status_code":2901})").status_code == 2000);
    const auto a = toiop(400, R"({"status_code":2001,"status_message":"bad"})");
    CHECK(a.http_status == 400);
    CHECK(a.status_code == 2001);
    CHECK_FALSE(a.transient);
  }
  SUBCASE("3xxx with HTTP 2xx -> 200, same code, permanent; 39xx strict -> 3000") {
    const auto a = toiop(201, R"({"status_code":3001,"status_message":"x"})");
    CHECK(a.http_status == 200);
    CHECK(a.status_code == 3001);
    CHECK_FALSE(a.transient);
    CHECK(toiop(200, R"({"status_code":3901})").status_code == 3000);
  }
  SUBCASE("4000, 4002, 49xx -> 503/3000") {
    for (const char* body : {R"({"status_code":4000})", R"({"status_code":4002})", R"({"status_code":4901})"}) {
      const auto a = toiop(200, body);
      CHECK(a.http_status == 503);
      CHECK(a.status_code == 3000);
      CHECK(a.transient);
    }
    CHECK(toiop(200, R"({"status_code":4002})").status_message == "[IOP 4002]");
  }
  SUBCASE("HTTP 404 on a GET object") {
    const auto bare = toiop(404, "Not Found", upstream_failure::none, true, true);
    CHECK(bare.http_status == 404);
    CHECK(bare.status_code == 2000);
    const auto with_code = toiop(404, R"({"status_code":2003,"status_message":"unknown location"})",
                                 upstream_failure::none, true, true);
    CHECK(with_code.http_status == 404);
    CHECK(with_code.status_code == 2003);
  }
  SUBCASE("HTTP 5xx, with or without an envelope -> 502/3000") {
    const auto a = toiop(500, R"({"status_code":3000,"status_message":"boom"})");
    CHECK(a.http_status == 502);
    CHECK(a.status_code == 3000);
    CHECK(a.transient);
    CHECK(toiop(503, "<html/>").http_status == 502);
  }
  SUBCASE("connection errors -> 502/3000") {
    for (auto f : {upstream_failure::connect, upstream_failure::reset, upstream_failure::tls, upstream_failure::protocol}) {
      const auto a = toiop(0, "", f);
      CHECK(a.http_status == 502);
      CHECK(a.status_code == 3000);
      CHECK(a.transient);
    }
  }
  SUBCASE("non-JSON 2xx -> 502/3000 transient") {
    const auto a = toiop(200, "OK");
    CHECK(a.http_status == 502);
    CHECK(a.status_code == 3000);
    CHECK(a.transient);
    CHECK(toiop(200, R"({"data":[]})").http_status == 502);  // no status_code
  }
}

TEST_CASE("TV-22 1.6.4 pipeline legacy answers seen by IOP (FromIOP)") {
  SUBCASE("legacy unreachable -> 502/3000") {
    const auto a = fromiop(0, "", upstream_failure::connect);
    CHECK(a.http_status == 502);
    CHECK(a.status_code == 3000);
    CHECK(a.status_message == "legacy backend unreachable");
    CHECK(write_envelope(a.status_code, a.status_message, "2024-06-01T12:00:00Z") ==
          R"({"status_code":3000,"status_message":"legacy backend unreachable","timestamp":"2024-06-01T12:00:00Z"})");
  }
  SUBCASE("legacy timeout -> 504/3000") {
    const auto a = fromiop(0, "", upstream_failure::timeout);
    CHECK(a.http_status == 504);
    CHECK(a.status_code == 3000);
  }
  SUBCASE("legacy 401 -> 502/3000 + alert") {
    const auto a = fromiop(401, R"({"status_code":2000})");
    CHECK(a.http_status == 502);
    CHECK(a.status_code == 3000);
    CHECK(a.alert);
  }
  SUBCASE("codes copied, data relayed on success") {
    const auto ok = fromiop(200, R"({"status_code":1000,"status_message":"Success","data":{}})");
    CHECK(ok.http_status == 200);
    CHECK(ok.status_code == 1000);
    CHECK(ok.relay_data);
    const auto err = fromiop(200, R"({"status_code":2003,"status_message":"unknown location"})");
    CHECK(err.status_code == 2003);
    CHECK(err.status_message == "unknown location");
    CHECK(fromiop(404, R"({"status_code":2000})").http_status == 404);
  }
  SUBCASE("authorize: unknown token -> 404 + 2004") {
    const auto by_http = fromiop(404, "", upstream_failure::none, true);
    CHECK(by_http.http_status == 404);
    CHECK(by_http.status_code == 2004);
    const auto by_code = fromiop(200, R"({"status_code":2000,"status_message":"Token not found"})",
                                 upstream_failure::none, true);
    CHECK(by_code.http_status == 404);
    CHECK(by_code.status_code == 2004);
    CHECK(by_code.status_message == "[legacy 2000] Token not found");
    // A 2xxx with data is an answer, not "unknown"; outside authorize nothing changes.
    CHECK(fromiop(200, R"({"status_code":2002,"data":{"allowed":"BLOCKED"}})", upstream_failure::none, true).status_code == 2002);
    CHECK(fromiop(200, R"({"status_code":2000})").status_code == 2000);
  }
  SUBCASE("non-JSON or nonsense from legacy") {
    CHECK(fromiop(200, "OK").http_status == 502);
    CHECK(fromiop(500, "oops").http_status == 500);
    CHECK(fromiop(500, "oops").status_code == 3000);
    CHECK(fromiop(200, R"({"status_code":4001})").status_code == 3000);
  }
}

TEST_CASE("1.6.4 pipeline a redirect is never followed: 502/3000, alert, not transient (issue 13 defect 10)") {
  for (unsigned http : {301u, 302u, 307u, 308u}) {
    CAPTURE(http);
    for (std::string_view body : {std::string_view{}, std::string_view{R"({"status_code":1000})"}}) {
      const auto t = toiop(http, body);
      CHECK((t.http_status == 502 && t.status_code == 3000 && t.alert && !t.transient && !t.relay_data));
      CHECK(t.status_message == "IOP answered HTTP " + std::to_string(http) + " (redirect not followed)");
      const auto f = fromiop(http, body);
      CHECK((f.http_status == 502 && f.status_code == 3000 && f.alert && !f.transient && !f.relay_data));
      CHECK(f.status_message == "legacy backend answered HTTP " + std::to_string(http) + " (redirect not followed)");
    }
  }
  CHECK(redirect_note(307, "https://cpo.example.com/ocpi/cpo/2.1.1/locations/?limit=5") ==
        "HTTP 307 redirect to https://cpo.example.com/ocpi/cpo/2.1.1/locations/?limit=5 not followed");
  CHECK(redirect_note(302, "") == "HTTP 302 redirect to (no Location header) not followed");
  CHECK_FALSE(redirect_note(200, "https://x/"));
  CHECK_FALSE(redirect_note(404, "https://x/"));
}
