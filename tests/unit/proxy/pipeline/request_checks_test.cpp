// What a caller may bring in (issue 12 defects 5 and 6): path segments, trace/routing headers and
// bodies, refused with a message naming the field.
#include "proxy/pipeline/request_checks.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "proxy/pipeline/url_mapping.hpp"

using namespace ocpi::proxy;

namespace {

std::vector<std::string> path(std::string_view target) { return path_segments(target).value(); }

std::string path_error(std::string_view target, bool hub) { return check_path(path(target), hub).value_or("ok"); }

std::string header_error(std::string_view name, std::vector<std::string_view> values) {
  for (const auto& rule : checked_headers)
    if (rule.name == name) return check_header(rule, values).value_or("ok");
  FAIL("no rule for " << name);
  return {};
}

}  // namespace

TEST_CASE("request checks: path segments are named after the route") {
  const auto hub = path("/ocpi/2.2.1/emsp/locations/BE/BEC/LOC1/E1/C1");
  CHECK(segment_name(hub, 4, true) == "country_code");
  CHECK(segment_name(hub, 5, true) == "party_id");
  CHECK(segment_name(hub, 6, true) == "location_id");
  CHECK(segment_name(hub, 7, true) == "evse_uid");
  CHECK(segment_name(hub, 8, true) == "connector_id");
  CHECK(segment_name(hub, 3, true).empty());  // the module word
  CHECK(segment_name(path("/ocpi/2.2.1/cpo/locations/LOC1/E1"), 4, true) == "location_id");
  CHECK(segment_name(path("/ocpi/emsp/2.1.1/locations/BE/BEC/LOC1"), 6, false) == "location_id");
  CHECK(segment_name(path("/ocpi/cpo/2.1.1/tokens/FR/EMP/UID1"), 6, false) == "token_uid");
  CHECK(segment_name(path("/ocpi/emsp/2.1.1/tokens/UID1/authorize"), 4, false) == "token_uid");
  CHECK(segment_name(path("/ocpi/2.2.1/callbacks/abc"), 3, true) == "callback_id");
  CHECK(segment_name(path("/ocpi/2.1.1/callbacks/abc"), 3, false) == "callback_id");
  CHECK(segment_name(path("/ocpi/2.2.1/cdrs-created/abc"), 3, true) == "cdr_id");
  CHECK(segment_name(path("/ocpi/2.2.1/cpo/commands/START_SESSION"), 4, true) == "command");
}

TEST_CASE("request checks: dot segments are never forwarded, in any spelling") {
  for (const char* t : {"/ocpi/2.2.1/cpo/locations/%2E%2E/E1", "/ocpi/2.2.1/cpo/locations/%2e%2E/E1",
                        "/ocpi/2.2.1/cpo/locations/../E1", "/ocpi/2.2.1/cpo/locations/%2e/E1"}) {
    CAPTURE(t);
    CHECK(path_error(t, true).rfind("invalid location_id: dot segment", 0) == 0);
  }
  CHECK(path_error("/ocpi/./2.2.1/versions", true) == "invalid path segment 2: dot segment '.' not allowed");
  CHECK(path_error("/ocpi/2.2.1/cpo/locations/..x/E1", true) == "ok");  // only whole segments are dot segments
}

TEST_CASE("request checks: ids are printable ASCII of the face's length") {
  CHECK(path_error("/ocpi/2.2.1/emsp/locations/BE/BEC/LOC%001", true) == "invalid location_id: not printable ASCII");
  CHECK(path_error("/ocpi/2.2.1/emsp/locations/BE/BEC/LOC%C3%A9", true) == "invalid location_id: not printable ASCII");
  CHECK(path_error("/ocpi/2.2.1/emsp/locations/BE/BEC/A%09B", true) == "invalid location_id: not printable ASCII");
  CHECK(path_error("/ocpi/2.2.1/emsp/locations/BEL/BEC/L", true) == "invalid country_code: more than 2 characters");
  CHECK(path_error("/ocpi/2.2.1/emsp/locations/BE/BECX/L", true) == "invalid party_id: more than 3 characters");
  const std::string id36(36, 'a'), id37(37, 'a'), id39(39, 'a'), id40(40, 'a');
  CHECK(path_error("/ocpi/2.2.1/emsp/locations/BE/BEC/" + id36, true) == "ok");
  CHECK(path_error("/ocpi/2.2.1/emsp/locations/BE/BEC/" + id37, true) ==
        "invalid location_id: more than 36 characters");
  // 2.1.1 Location ids are string(39): 37..39 are left to ids.long_id_policy.
  CHECK(path_error("/ocpi/emsp/2.1.1/locations/BE/BEC/" + id39, false) == "ok");
  CHECK(path_error("/ocpi/emsp/2.1.1/locations/BE/BEC/" + id40, false) ==
        "invalid location_id: more than 39 characters");
  // Space, `?`, `#` and `/` are printable ASCII: valid in ids (percent-encoded again when forwarded).
  CHECK(path_error("/ocpi/2.2.1/emsp/locations/BE/BEC/A%20B%3FC%23D%2FE", true) == "ok");
  // The bridge's own callback ids are credentials-token sized (43 characters), bounded at 64.
  CHECK(path_error("/ocpi/2.2.1/callbacks/" + std::string(43, 'k'), true) == "ok");
  CHECK(path_error("/ocpi/2.1.1/callbacks/" + std::string(64, 'k'), false) == "ok");
  CHECK(path_error("/ocpi/2.1.1/callbacks/" + std::string(65, 'k'), false) ==
        "invalid callback_id: more than 64 characters");
}

TEST_CASE("request checks: the raw target is ASCII, query included") {
  CHECK_FALSE(check_target("/ocpi/2.2.1/cpo/locations?date_from=2024-01-01T00:00:00Z&limit=10"));
  CHECK(check_target("/ocpi/2.2.1/cpo/locations?limit=1\xff").value() ==
        "invalid request target: not ASCII (percent-encode it)");
  CHECK(check_target("/ocpi/2.2.1/cpo/locations/\xc3\xa9").has_value());
}

TEST_CASE("request checks: trace and routing headers") {
  CHECK(header_error("X-Request-ID", {}) == "ok");
  CHECK(header_error("X-Request-ID", {""}) == "ok");  // absent: generated (§1.5)
  CHECK(header_error("X-Request-ID", {"3f1c3a4e-0000-4000-8000-000000000001"}) == "ok");
  CHECK(header_error("X-Request-ID", {"a\tb"}) == "invalid X-Request-ID header: not visible ASCII");
  CHECK(header_error("X-Request-ID", {"a\xff"}) == "invalid X-Request-ID header: not visible ASCII");
  const std::string long_id(5000, 'r');
  CHECK(header_error("X-Correlation-ID", {long_id}) == "invalid X-Correlation-ID header: more than 255 characters");
  CHECK(header_error("X-Correlation-ID", {std::string(255, 'c')}) == "ok");
  CHECK(header_error("X-Correlation-ID", {"a", "b"}) == "invalid X-Correlation-ID header: sent more than once");
  CHECK(header_error("OCPI-to-party-id", {"BEC"}) == "ok");
  CHECK(header_error("OCPI-to-party-id", {"B\tC"}) == "invalid OCPI-to-party-id header: not printable ASCII");
  CHECK(header_error("OCPI-to-party-id", {"B\xff"}) == "invalid OCPI-to-party-id header: not printable ASCII");
  CHECK(header_error("OCPI-to-party-id", {long_id}) == "invalid OCPI-to-party-id header: more than 3 characters");
  CHECK(header_error("OCPI-from-country-code", {""}) == "invalid OCPI-from-country-code header: empty");
  CHECK(header_error("OCPI-from-country-code", {"FRA"}) ==
        "invalid OCPI-from-country-code header: more than 2 characters");
}

TEST_CASE("request checks: a body is one valid JSON value") {
  CHECK_FALSE(check_body(R"({"id":"A"})"));
  CHECK_FALSE(check_body(R"([{"id":"A"}])"));
  CHECK_FALSE(check_body("{\"id\":\"A\"}  \n"));  // trailing whitespace is fine
  CHECK(check_body(R"({"id":"A"} garbage)").value() == "body is not JSON (content after the JSON value at byte 11)");
  CHECK(check_body(R"({"id":"A"}{"id":"B"})").value() ==
        "body is not JSON (content after the JSON value at byte 10)");
  CHECK(check_body(R"({"id":"A", "x":"\ud800"})").value() ==
        "body is not JSON (a string has an invalid escape or an unpaired UTF-16 surrogate)");
  CHECK(check_body(R"({"x":"\udc00"})").value() ==
        "body is not JSON (a string has an invalid escape or an unpaired UTF-16 surrogate)");
  CHECK_FALSE(check_body(R"({"x":"\ud83d\ude00"})"));  // a pair is fine
  CHECK(check_body("{\"x\":\"\xff\"}").value() == "body is not JSON (invalid UTF-8)");
  CHECK(check_body(R"({"id":"A",})").value().rfind("body is not JSON (", 0) == 0);
  CHECK(check_body(R"({"id":)").value().rfind("body is not JSON (", 0) == 0);
}

TEST_CASE("request checks: ids in bodies that become URL segments") {
  CHECK(check_body(R"({"id":"CDR\u0000X"})").value() == "invalid id: not printable ASCII");
  CHECK(check_body(R"({"id":"CDR\u00e9"})").value() == "invalid id: not printable ASCII");
  CHECK(check_body(R"({"uid":"U\tX"})").value() == "invalid uid: not printable ASCII");
  CHECK(check_body(R"({"country_code":"FRA"})").value() == "invalid country_code: more than 2 characters");
  CHECK(check_body(R"({"id":")" + std::string(40, 'x') + R"("})").value() == "invalid id: more than 39 characters");
  CHECK_FALSE(check_body(R"({"id":")" + std::string(39, 'x') + R"("})"));  // credit CDR ids (2.2.1)
  CHECK_FALSE(check_body(R"({"id":"A B?C#D"})"));
  CHECK_FALSE(check_body(R"({"id":12,"reservation_id":5})"));  // not strings: the mapping's business
  CHECK(check_body(R"({"id":"L","evses":[{"uid":"E1"},{"uid":"E\u00e92"}]})").value() ==
        "invalid evses[].uid: not printable ASCII");
  CHECK(check_body(R"({"id":"L","evses":[{"uid":"E1","connectors":[{"id":"1"},{"id":""}]}]})").value() ==
        "invalid evses[].connectors[].id: empty");
}

TEST_CASE("request checks: a large body is checked the same way") {
  std::string big = "[";
  while (big.size() < (300U << 10)) big += R"({"id":"LOC1","evses":[]},)";
  big += "{}]";
  CHECK_FALSE(check_body(big));
  CHECK(check_body(big + " x").value().rfind("body is not JSON (content after the JSON value", 0) == 0);
  CHECK_FALSE(check_body(R"({"id":"small"})"));  // and the per-thread parser still works after it
}
