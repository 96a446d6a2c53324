// A body that is not JSON (issue 13 item 14): HTTP 400 with a message that says what is wrong
// with the body, never simdjson's hints for programmers ("Use get_bool(), get_double()...").
#include <doctest/doctest.h>

#include "mappings/locations/locations_support.hpp"

using namespace ocpi;
using namespace ocpi::test::locations;

TEST_CASE("1.6.3 a body that is not JSON is a 400 saying so, in words for the sender") {
  struct not_json {
    const char* what;
    std::string body;
    const char* says;
  };
  const not_json cases[] = {
      {"an HTML error page", "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>", "starts with '<'"},
      {"a SOAP envelope", R"(<?xml version="1.0"?><soap:Envelope><soap:Body/></soap:Envelope>)", "starts with '<'"},
      {"plain text", "Internal Server Error", "body is not JSON"},
      {"an empty body", "", "body is empty"},
      {"blanks only", "  \r\n ", "body is empty"},
      {"a truncated object", R"({"id":"L1","name":"Gent)", "truncated?"},
      {"text after the object", R"({"id":"L1"} trailing)", "body is not JSON"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    memory_context ctx(test::fixture_options());
    for (const auto& req : {up(object_kind::location, cpo_a(ctx)),
                            down(object_kind::location, recipient::legacy_emsp, input_shape::object, party{"BE", "BEC"})}) {
      const auto r = translate(req, c.body, ctx);
      REQUIRE_FALSE(r.ok());
      CHECK(r.err->http_status == 400);
      CHECK_MESSAGE(r.err->message.find(c.says) != std::string::npos, r.err->message);
      CHECK_MESSAGE(r.err->message.find("get_") == std::string::npos, r.err->message);
      CHECK_MESSAGE(r.err->message.find("JSON document") == std::string::npos, r.err->message);
    }
  }
}

TEST_CASE("1.6.3 valid JSON that is a single value, not an object: 2001 saying what was expected") {
  memory_context ctx(test::fixture_options());
  for (const char* body : {R"("a string")", "42", "true", "null"}) {
    CAPTURE(body);
    const auto r = translate(up(object_kind::location, cpo_a(ctx)), body, ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->status_code == 2001);
    CHECK_MESSAGE(r.err->message.find("expected a JSON object") != std::string::npos, r.err->message);
    CHECK(r.err->message.find("get_") == std::string::npos);
  }
}
