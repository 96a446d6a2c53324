#include "proxy/router/tariff_variants.hpp"

#include <doctest/doctest.h>

#include "proxy/router/json_edit.hpp"

using namespace ocpi;
using namespace ocpi::proxy;

namespace {

// TV-20's variants of tariff_A (Gireve 2.2.1 "Differentiate tariff per eMSP").
const std::string for_mp1 =
    R"({"country_code":"FR","party_id":"CPO","id":"tariff_A","currency":"EUR","target_operator_country_code":"DE","target_operator_party_id":"MP1","elements":[],"last_updated":"2024-05-01T00:00:00Z"})";
const std::string fallback =
    R"({"country_code":"FR","party_id":"CPO","id":"tariff_A","currency":"EUR","gireve_id":"GT-77","elements":[],"last_updated":"2024-05-01T00:00:00Z"})";
const std::string for_emp =
    R"({"country_code":"FR","party_id":"CPO","id":"tariff_A","currency":"EUR","target_operator_country_code":"fr","target_operator_party_id":"emp","elements":[],"last_updated":"2024-05-01T00:00:00Z"})";
const party emp{"FR", "EMP"};

}  // namespace

TEST_CASE("3.6.7 variant_key_of: owner, id and target (case-folded)") {
  const auto k = variant_key_of(for_emp);
  REQUIRE(k);
  CHECK(k->owner.same({"FR", "CPO"}));
  CHECK(k->id == "tariff_A");
  CHECK(k->target == "FR*EMP");
  CHECK(variant_key_of(fallback)->target.empty());
  CHECK_FALSE(variant_key_of(R"({"id":"x"})"));
}

TEST_CASE("3.6.7 effective_variant: targeted at the eMSP, else default, never another operator's") {
  std::vector<tariff_variant> v{{"DE*MP1", for_mp1}};
  CHECK(effective_variant(v, emp) == nullptr);
  v.push_back({"", fallback});
  CHECK(effective_variant(v, emp)->json_221 == fallback);
  v.push_back({"FR*EMP", for_emp});
  CHECK(effective_variant(v, emp)->json_221 == for_emp);
}

TEST_CASE("TV-20 select_page_variants: default kept unless a variant for the eMSP is known") {
  flow_tables tables;
  std::vector<std::string> page{for_mp1, fallback};
  select_page_variants(tables, emp, page);
  CHECK(page == std::vector<std::string>{for_mp1, fallback});  // the translation drops for_mp1
  CHECK(tables.tariff_variants({"FR", "CPO"}, "TARIFF_A").size() == 2);

  // A variant for FR/EMP seen on an earlier page replaces the default here.
  std::vector<std::string> earlier{for_emp};
  select_page_variants(tables, emp, earlier);
  std::vector<std::string> later{fallback};
  select_page_variants(tables, emp, later);
  CHECK(later == std::vector<std::string>{for_emp});

  // On the same page: the default is dropped, the targeted variant stays once.
  std::vector<std::string> both{fallback, for_emp};
  select_page_variants(tables, emp, both);
  CHECK(both == std::vector<std::string>{for_emp});
}
