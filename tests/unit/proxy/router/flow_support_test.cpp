// Upstream URLs, pagination relay and request-id renewal of the flows (proxy/router/flow_support).
#include "proxy/router/flow_support.hpp"

#include <doctest/doctest.h>

using namespace ocpi::proxy;

TEST_CASE("flow_support: endpoint_target uses a discovered URL as published (issue 13 defect 2)") {
  const std::string slash = "https://cpo.example.com/ocpi/cpo/2.1.1/locations/";
  const std::string bare = "https://cpo.example.com/ocpi/cpo/2.1.1/locations";
  SUBCASE("a query goes after the URL as published, trailing slash kept") {
    CHECK(endpoint_target(slash, {}, "offset=0&limit=5")->target == "/ocpi/cpo/2.1.1/locations/?offset=0&limit=5");
    CHECK(endpoint_target(bare, {}, "offset=0&limit=5")->target == "/ocpi/cpo/2.1.1/locations?offset=0&limit=5");
    CHECK(endpoint_target(slash, {})->target == "/ocpi/cpo/2.1.1/locations/");
  }
  SUBCASE("segments after exactly one slash, percent-encoded") {
    CHECK(endpoint_target(slash, {"FR", "CPO", "L 1"})->target == "/ocpi/cpo/2.1.1/locations/FR/CPO/L%201");
    CHECK(endpoint_target(bare, {"FR", "CPO", "L1"})->target == "/ocpi/cpo/2.1.1/locations/FR/CPO/L1");
    CHECK(endpoint_target(slash, {"TOKEN1", "authorize"}, "type=RFID")->target ==
          "/ocpi/cpo/2.1.1/locations/TOKEN1/authorize?type=RFID");
  }
  CHECK_FALSE(endpoint_target("not a url", {}));
}

TEST_CASE("flow_support: relay_pagination points the next link at the caller's endpoint, upstream query kept") {
  response up{http::status::ok, 11};
  const std::string caller = "https://bridge.example.com/ocpi/2.2.1/cpo/locations";
  SUBCASE("a trailing-slash upstream link") {
    up.set(http::field::link, "<https://cpo.example.com/ocpi/cpo/2.1.1/locations/?offset=5&limit=5>; rel=\"next\"");
    response out{http::status::ok, 11};
    relay_pagination(up, out, caller, "/ocpi/2.2.1/cpo/locations?limit=5", 5, true);
    CHECK(out[http::field::link] == "<" + caller + "?offset=5&limit=5>; rel=\"next\"");
  }
  SUBCASE("the next link among others, not the first one") {
    up.set(http::field::link,
           "<https://cpo/l/?offset=0&limit=5>; rel=\"prev\", <https://cpo/l/?offset=10&limit=5>; rel=next");
    response out{http::status::ok, 11};
    relay_pagination(up, out, caller, "/ocpi/2.2.1/cpo/locations?offset=5&limit=5", 5, true);
    CHECK(out[http::field::link] == "<" + caller + "?offset=10&limit=5>; rel=\"next\"");
  }
  SUBCASE("no next link: none relayed") {
    up.set(http::field::link, "<https://cpo/l/?offset=0&limit=5>; rel=\"prev\"");
    response out{http::status::ok, 11};
    relay_pagination(up, out, caller, "/ocpi/2.2.1/cpo/locations", 5, true);
    CHECK(out.find(http::field::link) == out.end());
  }
}

TEST_CASE(
    "flow_support: renew_request_id gives a resend a new X-Request-ID, same X-Correlation-ID (issue 13 defect 4)") {
  request req{http::verb::put, "/", 11};
  req.set(request_id_header, "first-attempt");
  req.set(correlation_id_header, "corr-7");
  std::optional<trace_ids> sent = trace_ids{"first-attempt", "corr-7"};
  const auto renew = renew_request_id(&sent);
  renew(req);
  const std::string renewed(req[request_id_header]);
  CHECK(renewed != "first-attempt");
  CHECK(usable_id(renewed));
  CHECK(req[correlation_id_header] == "corr-7");
  REQUIRE(sent);
  CHECK(sent->request_id == renewed);
  CHECK(sent->correlation_id == "corr-7");
  renew_request_id()(req);  // without a record
  CHECK(req[request_id_header] != renewed);
}
