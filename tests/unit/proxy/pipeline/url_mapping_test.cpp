#include <doctest/doctest.h>

#include <array>
#include <string>

#include "proxy/pipeline/url_mapping.hpp"

using namespace ocpi;
using namespace ocpi::proxy;

TEST_CASE("1.2.4 pipeline join_url: exactly one slash, every segment percent-encoded") {
  CHECK(join_url("https://iop.example.com/ocpi/2.2.1/receiver/locations", {"FR", "CPO", "LOC1"}) ==
        "https://iop.example.com/ocpi/2.2.1/receiver/locations/FR/CPO/LOC1");
  CHECK(join_url("https://cpo.example.com/ocpi/cpo/2.1.1/locations/", {"LOC1"}) ==
        "https://cpo.example.com/ocpi/cpo/2.1.1/locations/LOC1");
  CHECK(join_url("https://x/a//", {"b"}) == "https://x/a/b");
  CHECK(join_url("https://x/a", {}) == "https://x/a");
  // Nothing appended: the published URL as published, its trailing slash included (issue 13).
  CHECK(join_url("https://cpo.example.com/ocpi/cpo/2.1.1/locations/", {}) ==
        "https://cpo.example.com/ocpi/cpo/2.1.1/locations/");
  CHECK(join_url("https://x/a", {"FR*CPO*E1", "a/b?c#d%e f", "~._-"}) == "https://x/a/FR*CPO*E1/a%2Fb%3Fc%23d%25e%20f/~._-");
  CHECK(percent_encode_segment("\xC3\xA9") == "%C3%A9");
}

TEST_CASE("1.2.4 pipeline path_segments: decoded segments") {
  const auto s = path_segments("/ocpi/2.2.1/cpo/locations/FR/CPO/a%2Fb%3fc?offset=1");
  REQUIRE(s);
  REQUIRE(s->size() == 7);
  CHECK((*s)[0] == "ocpi");
  CHECK((*s)[6] == "a/b?c");
  const auto trailing = path_segments("/ocpi/emsp/2.1.1/tokens/");
  REQUIRE(trailing);
  CHECK(trailing->size() == 4);
  CHECK(path_segments("/")->empty());
  CHECK(path_segments("/a+b")->at(0) == "a+b");
  CHECK_FALSE(path_segments("/a%2"));
  CHECK_FALSE(path_segments("/a%zz"));
  // Round trip with the encoder.
  const std::string id = "weird id/with?all#of%them*";
  CHECK(path_segments("/" + percent_encode_segment(id))->at(0) == id);
}

TEST_CASE("1.2.4 pipeline query filter: allowed set, order and bytes kept, dropped reported") {
  const auto f = filter_query("foo=1&date_from=2020-01-20T14:51:43Z&limit=20&&x&offset=10&date_to=2021%3A&type=RFID");
  CHECK(f.query == "date_from=2020-01-20T14:51:43Z&limit=20&offset=10&date_to=2021%3A&type=RFID");
  REQUIRE(f.dropped.size() == 2);
  CHECK(f.dropped[0] == "foo");
  CHECK(f.dropped[1] == "x");
  CHECK(filter_query("").query.empty());
  const std::array<std::string_view, 1> only_limit{"limit"};
  CHECK(filter_query("offset=1&limit=2", only_limit).query == "limit=2");
}

TEST_CASE("1.2.4 A-01 pipeline unitary token GET: type and tokenType, type wins") {
  CHECK(filter_unitary_token_query("tokenType=RFID").query == "type=RFID");
  CHECK(filter_unitary_token_query("type=APP_USER&tokenType=RFID").query == "type=APP_USER");
  CHECK(filter_unitary_token_query("tokenType=RFID&type=APP_USER").query == "type=APP_USER");
  const auto f = filter_unitary_token_query("limit=1&tokenType=RFID");
  CHECK(f.query == "type=RFID");
  REQUIRE(f.dropped.size() == 1);
  CHECK(f.dropped[0] == "limit");
  CHECK(filter_unitary_token_query("").query.empty());
}

TEST_CASE("1.7 pipeline query helpers") {
  CHECK(query_value("a=1&date_from=2020-01-20T14%3A51%3A43Z", "date_from") == std::string("2020-01-20T14:51:43Z"));
  CHECK_FALSE(query_value("a=1", "b"));
  CHECK_FALSE(query_value("a=%zz", "a"));
  CHECK(with_offset("date_from=x&offset=10&limit=20", 30) == "date_from=x&offset=30&limit=20");
  CHECK(with_offset("limit=20", 20) == "limit=20&offset=20");
  CHECK(with_offset("", 5) == "offset=5");
  const auto p = read_page_request("offset=10&limit=20");
  CHECK(p.offset == 10);
  CHECK(p.limit == 20u);
  const auto bad = read_page_request("offset=-1&limit=abc");
  CHECK(bad.offset == 0);
  CHECK_FALSE(bad.limit);
}

TEST_CASE("TV-21 1.7 pipeline Link rewrite") {
  const std::string upstream =
      "<https://iop.example.com/ocpi/2.2.1/sender/locations?date_from=2020-01-20T14:51:43Z&limit=20&offset=30>; rel=\"next\"";
  const auto next = parse_next_link(upstream);
  REQUIRE(next);
  CHECK(*next == "https://iop.example.com/ocpi/2.2.1/sender/locations?date_from=2020-01-20T14:51:43Z&limit=20&offset=30");
  const auto rewritten = rewrite_next_link(*next, "https://proxy.example.com/ocpi/cpo/2.1.1/locations");
  REQUIRE(rewritten);
  CHECK(next_link_header(*rewritten) ==
        "<https://proxy.example.com/ocpi/cpo/2.1.1/locations?date_from=2020-01-20T14:51:43Z&limit=20&offset=30>; "
        "rel=\"next\"");

  SUBCASE("the caller's own query is replaced, foreign cursor parameters kept") {
    CHECK(rewrite_next_link("https://iop/x?cursor=abc%3D&offset=5",
                            "https://proxy.example.com/ocpi/cpo/2.1.1/locations?offset=0") ==
          std::string("https://proxy.example.com/ocpi/cpo/2.1.1/locations?cursor=abc%3D&offset=5"));
    CHECK(rewrite_next_link("https://iop/x", "https://p/l") == std::string("https://p/l"));
  }
  SUBCASE("a query that would break the header is refused") {
    CHECK_FALSE(rewrite_next_link("https://iop/x?a=<b>", "https://p/l"));
    CHECK_FALSE(rewrite_next_link("https://iop/x?a=b c", "https://p/l"));
  }
}

TEST_CASE("1.7 pipeline Link parsing tolerance") {
  CHECK(parse_next_link("<https://a/prev>; rel=\"prev\", <https://a/next?x=1>; rel=\"next\"") ==
        std::string("https://a/next?x=1"));
  CHECK(parse_next_link("<https://a/n>;rel=next") == std::string("https://a/n"));
  CHECK(parse_next_link("  < https://a/n >  ;  REL = \"next\" ") == std::string("https://a/n"));
  CHECK(parse_next_link("<https://a/n>; title=\"a, b\"; rel=\"last next\"") == std::string("https://a/n"));
  CHECK_FALSE(parse_next_link("<https://a/p>; rel=\"prev\""));
  CHECK_FALSE(parse_next_link(""));
  CHECK_FALSE(parse_next_link("<https://a/n; rel=\"next\""));
  CHECK_FALSE(parse_next_link("https://a/n; rel=\"next\""));
}

TEST_CASE("TV-25 1.7 pipeline pagination relayed or synthesised (rule 3)") {
  const std::string endpoint = "https://proxy.example.com/ocpi/2.2.1/cpo/tariffs";
  const std::string query = "offset=0&limit=10&date_from=2021-02-10T04:00:00Z&date_to=2021-02-11T04:00:00Z";
  const auto req = read_page_request(query);
  SUBCASE("legacy sent X-Limit and X-Total-Count: relayed, never corrected") {
    const auto s = synthesize_pagination(req, 1, {.has_link = false, .has_x_limit = true, .has_x_total_count = true},
                                         endpoint, query);
    CHECK_FALSE(s.synthesised());
  }
  SUBCASE("legacy omitted them: X-Limit 10, X-Total-Count 1, no link") {
    const auto s = synthesize_pagination(req, 1, {}, endpoint, query);
    CHECK(s.x_limit == std::string("10"));
    CHECK(s.x_total_count == std::string("1"));
    CHECK_FALSE(s.link);
  }
  SUBCASE("full page: lower-bound total and a next link with offset+count") {
    const auto s = synthesize_pagination(req, 10, {}, endpoint, query);
    CHECK(s.x_limit == std::string("10"));
    CHECK(s.x_total_count == std::string("11"));
    CHECK(s.link == std::string("<https://proxy.example.com/ocpi/2.2.1/cpo/tariffs?offset=10&limit=10"
                                "&date_from=2021-02-10T04:00:00Z&date_to=2021-02-11T04:00:00Z>; rel=\"next\""));
  }
  SUBCASE("no limit requested: X-Limit = count, no link") {
    const auto s = synthesize_pagination(read_page_request(""), 7, {}, endpoint, "");
    CHECK(s.x_limit == std::string("7"));
    CHECK(s.x_total_count == std::string("7"));
    CHECK_FALSE(s.link);
  }
  SUBCASE("upstream Link but no total: lower bound") {
    const auto s = synthesize_pagination({.offset = 20, .limit = 10}, 10, {.has_link = true, .has_x_limit = true},
                                         endpoint, query);
    CHECK_FALSE(s.x_limit);
    CHECK_FALSE(s.link);
    CHECK(s.x_total_count == std::string("31"));
  }
  SUBCASE("limit=0 never produces a link loop") {
    const auto s = synthesize_pagination({.offset = 0, .limit = 0}, 0, {}, endpoint, "limit=0");
    CHECK_FALSE(s.link);
  }
}

TEST_CASE("1.8.2 pipeline consistency checks") {
  CHECK_FALSE(check_object_id("LOC1", "LOC1", version::v2_1_1));
  const auto e = check_object_id("1111", "eeee", version::v2_1_1);  // Gireve's own example
  REQUIRE(e);
  CHECK(e->http_status == 200);
  CHECK(e->status_code == 2001);
  CHECK(check_object_id("loc1", "LOC1", version::v2_1_1));
  CHECK_FALSE(check_object_id("loc1", "LOC1", version::v2_2_1));  // CiString on 2.2.1

  CHECK_FALSE(check_url_owner(party{"fr", "cpo"}, party{"FR", "CPO"}));
  const auto o = check_url_owner(party{"BE", "BEC"}, party{"FR", "CPO"});
  REQUIRE(o);
  CHECK(o->http_status == 404);
  CHECK(o->status_code == 2001);
}
