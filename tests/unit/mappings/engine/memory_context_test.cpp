// The mapping context's caches are filled from request bodies (a 2.2.1 Location IOP PUT is cached
// as received): a body that is not one JSON object must not throw out of the request path (issue
// 12 defect 6: nlohmann threw after simdjson had accepted the body, and IOP got HTTP 500).
#include "ocpi/memory_context.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ocpi;

TEST_CASE("memory_context: cache puts of text that is not one JSON object do not throw and cache nothing") {
  memory_context ctx(mapping_options{});
  const std::string base = R"({"country_code":"FR","party_id":"CPO","id":"L1","uid":"L1")";
  for (const std::string& bad : {base + "} x", base + "}" + base + "}", base + R"(,"x":"\ud800"})", std::string("[1]"),
                                 std::string(), std::string("\xff"), base}) {
    CAPTURE(bad);
    CHECK_NOTHROW(ctx.put_location(bad));
    CHECK_NOTHROW(ctx.put_session(bad));
    CHECK_NOTHROW(ctx.put_tariff(bad));
    CHECK_NOTHROW(ctx.put_token(bad));
  }
  const party owner{"FR", "CPO"};
  CHECK_FALSE(ctx.location(owner, "L1"));
  CHECK_FALSE(ctx.session(owner, "L1"));
  CHECK(ctx.tokens_by_contract_id("X").empty());
  ctx.put_location(base + "}");
  CHECK(ctx.location(owner, "L1") == base + "}");
}
