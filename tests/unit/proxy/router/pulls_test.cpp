// The count rule for pages the bridge shortened (MAPPING §1.7 rule 2 as issue 13 settled it).
#include "proxy/router/pulls.hpp"

#include <doctest/doctest.h>

using namespace ocpi::proxy;

namespace {
response page(const char* total) {
  response r{http::status::ok, 11};
  if (total) r.set("X-Total-Count", total);
  r.set("X-Limit", "10");
  return r;
}
}  // namespace

TEST_CASE("1.7 a page the bridge left objects out of counts them out of X-Total-Count") {
  auto r = page("25");
  discount_left_out(r, 3);
  CHECK(r["X-Total-Count"] == "22");
  CHECK(r["X-Limit"] == "10");  // an upper bound of the page size: unchanged
  SUBCASE("nothing left out: the upstream's count as it came") {
    auto same = page("25");
    discount_left_out(same, 0);
    CHECK(same["X-Total-Count"] == "25");
  }
  SUBCASE("never below zero, and no header is invented") {
    auto small = page("2");
    discount_left_out(small, 5);
    CHECK(small["X-Total-Count"] == "0");
    auto none = page(nullptr);
    discount_left_out(none, 2);
    CHECK(none.find("X-Total-Count") == none.end());
  }
  SUBCASE("a count that is not a number is relayed as it came") {
    auto odd = page("many");
    discount_left_out(odd, 1);
    CHECK(odd["X-Total-Count"] == "many");
  }
}
