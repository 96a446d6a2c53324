#include "proxy/state/flow_tables.hpp"

#include <doctest/doctest.h>

using namespace ocpi;
using namespace ocpi::proxy;

TEST_CASE("3.5.7 flow_tables CDR links: opaque ids, bounded memory") {
  flow_tables t(2);
  const auto a = t.add_cdr_link(
      {.url = "https://iop/cdrs/1", .legacy_index = 1, .at_iop = true, .owner = {"BE", "BEC"}, .owner_id = "1"});
  CHECK(a.size() == 22);  // 128 bits, base64url without padding (1.2.3)
  const auto link = t.cdr_link_of(a);
  REQUIRE(link);
  CHECK(link->url == "https://iop/cdrs/1");
  CHECK(link->legacy_index == 1);
  const auto b = t.add_cdr_link({.url = "u2"});
  const auto c = t.add_cdr_link({.url = "u3"});
  CHECK(a != b);
  CHECK_FALSE(t.cdr_link_of(a));  // the oldest is forgotten beyond the bound
  CHECK(t.cdr_link_of(b));
  CHECK(t.cdr_link_of(c));
  CHECK_FALSE(t.cdr_link_of("nope"));
}

TEST_CASE("3.6.7 flow_tables tariff variants and deliveries, keys case-insensitive") {
  flow_tables t;
  t.put_tariff_variant({"FR", "CPO"}, "T1", {"", "default v1"});
  t.put_tariff_variant({"fr", "cpo"}, "t1", {"", "default v2"});
  t.put_tariff_variant({"FR", "CPO"}, "T1", {"DE*MP1", "for MP1"});
  const auto v = t.tariff_variants({"FR", "CPO"}, "T1");
  REQUIRE(v.size() == 2);
  CHECK(v[0].json_221 == "default v2");
  t.erase_tariff_variants({"FR", "CPO"}, "T1");
  CHECK(t.tariff_variants({"FR", "CPO"}, "T1").empty());

  t.set_tariff_sent({"FR", "EMP"}, {"FR", "CPO"}, "T1", "{}");
  CHECK(t.tariff_sent({"fr", "emp"}, {"FR", "CPO"}, "t1") == "{}");
  CHECK_FALSE(t.tariff_sent({"FR", "OTH"}, {"FR", "CPO"}, "T1"));
  t.erase_tariff_sent({"FR", "EMP"}, {"FR", "CPO"}, "T1");
  CHECK_FALSE(t.tariff_sent({"FR", "EMP"}, {"FR", "CPO"}, "T1"));

  t.set_tariff_deleted({"BE", "BEC"}, "12", true);
  CHECK(t.tariff_deleted({"be", "bec"}, "12"));
  t.set_tariff_deleted({"BE", "BEC"}, "12", false);
  CHECK_FALSE(t.tariff_deleted({"BE", "BEC"}, "12"));
}
