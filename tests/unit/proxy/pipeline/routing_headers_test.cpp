#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "mappings/common/text.hpp"
#include "proxy/pipeline/routing_headers.hpp"

using namespace ocpi;
using namespace ocpi::proxy;

namespace {

// A case-insensitive header map, like Beast's fields.
header_lookup headers(std::vector<std::pair<std::string, std::string>> fields) {
  return [fields = std::move(fields)](std::string_view name) -> std::optional<std::string_view> {
    for (const auto& [n, v] : fields)
      if (mappings::iequals(n, name)) return std::string_view(v);
    return std::nullopt;
  };
}

std::vector<legacy_party> fixture_parties() {
  std::vector<legacy_party> v(3);
  v[0].role = party_role::cpo;
  v[0].id = {"FR", "CPO"};
  v[1].role = party_role::cpo;
  v[1].id = {"BE", "BEC"};
  v[2].role = party_role::emsp;
  v[2].id = {"FR", "EMP"};
  return v;
}

}  // namespace

TEST_CASE("1.4 pipeline routing headers: read, case-insensitive names, write") {
  const auto r = read_routing(headers({{"ocpi-from-country-code", "FR"},
                                       {"OCPI-FROM-PARTY-ID", "107"},
                                       {"OCPI-to-country-code", " FR "},
                                       {"ocpi-to-party-id", "CPO"}}));
  REQUIRE(r.from);
  REQUIRE(r.to);
  CHECK(r.from->country_code == "FR");
  CHECK(r.from->party_id == "107");
  CHECK(r.to->country_code == "FR");
  CHECK(r.to->party_id == "CPO");
  const auto fields = routing_fields(r);
  REQUIRE(fields.size() == 4);
  CHECK(fields[0].name == "OCPI-from-country-code");
  CHECK(fields[1].value == "107");
  CHECK(fields[3].name == "OCPI-to-party-id");
  CHECK(fields[3].value == "CPO");

  SUBCASE("absent pairs") {
    const auto none = read_routing(headers({}));
    CHECK_FALSE(none.from);
    CHECK_FALSE(none.to);
    CHECK_FALSE(none.to_malformed);
    CHECK(routing_fields(none).empty());
  }
  SUBCASE("half a pair or an over-long value is malformed") {
    const auto half = read_routing(headers({{"OCPI-to-party-id", "CPO"}}));
    CHECK_FALSE(half.to);
    CHECK(half.to_malformed);
    const auto longv = read_routing(headers({{"OCPI-to-country-code", "FRA"}, {"OCPI-to-party-id", "CPO"}}));
    CHECK(longv.to_malformed);
  }
}

TEST_CASE("1.4 pipeline FromIOP routing rules 1-3") {
  const auto parties = fixture_parties();
  SUBCASE("rule 1: OCPI-to matched case-insensitively within the path role") {
    routing r;
    r.to = party{"be", "bec"};
    const auto t = resolve_fromiop_target(r, party_role::cpo, parties);
    REQUIRE(t.legacy);
    CHECK(t.legacy == &parties[1]);
    CHECK_FALSE(t.err);
  }
  SUBCASE("rule 1: a party of the other role is not a match (rule 3 applies)") {
    routing r;
    r.to = party{"FR", "EMP"};
    const auto t = resolve_fromiop_target(r, party_role::cpo, parties);
    CHECK_FALSE(t.legacy);
    REQUIRE(t.err);
    CHECK(t.err->http_status == 200);
    CHECK(t.err->status_code == 2001);
    CHECK(t.err->message == "unknown OCPI-to party");
  }
  SUBCASE("rule 2: missing OCPI-to, exactly one party of the role") {
    const auto t = resolve_fromiop_target(routing{}, party_role::emsp, parties);
    CHECK(t.legacy == &parties[2]);
  }
  SUBCASE("rule 2: missing OCPI-to, several parties of the role") {
    const auto t = resolve_fromiop_target(routing{}, party_role::cpo, parties);
    CHECK_FALSE(t.legacy);
    REQUIRE(t.err);
    CHECK(t.err->status_code == 2001);
    CHECK(t.err->message == "OCPI-to headers required");
  }
  SUBCASE("malformed OCPI-to is refused, not defaulted") {
    routing r;
    r.to_malformed = true;
    const auto t = resolve_fromiop_target(r, party_role::emsp, parties);
    CHECK_FALSE(t.legacy);
    REQUIRE(t.err);
    CHECK(t.err->status_code == 2001);
  }
}

TEST_CASE("1.4 pipeline FromIOP response headers swap from/to") {
  routing req;
  req.from = party{"FR", "107"};
  req.to = party{"FR", "CPO"};
  const auto resp = fromiop_response_routing(req, party{"FR", "CPO"}, party{"FR", "107"});
  CHECK(resp.from->party_id == "CPO");
  CHECK(resp.to->party_id == "107");
  SUBCASE("IOP omitted OCPI-to (rule 2): from = the addressed party") {
    routing open;
    open.from = party{"FR", "107"};
    const auto r = fromiop_response_routing(open, party{"FR", "EMP"}, party{"FR", "107"});
    CHECK(r.from->party_id == "EMP");
    CHECK(r.to->party_id == "107");
  }
}

TEST_CASE("TV-21 1.4 pipeline ToIOP request routing") {
  mapping_options opts;
  const party emsp{"FR", "EMP"};
  SUBCASE("default: from = legacy party, to = IOP") {
    const auto r = toiop_request_routing(opts, emsp, toiop_call::list_get);
    CHECK(r.headers.from->party_id == "EMP");
    CHECK(r.headers.to->country_code == "FR");
    CHECK(r.headers.to->party_id == "107");
    CHECK_FALSE(r.filter_owner);
  }
  SUBCASE("TV-21: Gireve ocpi-to-* on a 2.1.1 GET, TO_HEADER") {
    const auto r = toiop_request_routing(opts, emsp, toiop_call::list_get, party{"FR", "CPO"});
    const auto f = routing_fields(r.headers);
    REQUIRE(f.size() == 4);
    CHECK(f[0].value == "FR");
    CHECK(f[1].value == "EMP");
    CHECK(f[2].value == "FR");
    CHECK(f[3].value == "CPO");
  }
  SUBCASE("FILTER keeps to = IOP and reports the owner to filter on") {
    opts.routing_single_party_pull = "FILTER";
    const auto r = toiop_request_routing(opts, emsp, toiop_call::list_get, party{"FR", "CPO"});
    CHECK(r.headers.to->party_id == "107");
    REQUIRE(r.filter_owner);
    CHECK(r.filter_owner->party_id == "CPO");
  }
  SUBCASE("Gireve headers are ignored on pushes") {
    const auto r = toiop_request_routing(opts, emsp, toiop_call::push, party{"FR", "CPO"});
    CHECK(r.headers.to->party_id == "107");
  }
  SUBCASE("directed_to=OWNER for GET object and commands only") {
    const party owner{"FR", "CPO"};
    CHECK(toiop_request_routing(opts, emsp, toiop_call::command, std::nullopt, owner).headers.to->party_id == "107");
    opts.routing_directed_to = "OWNER";
    CHECK(toiop_request_routing(opts, emsp, toiop_call::command, std::nullopt, owner).headers.to->party_id == "CPO");
    CHECK(toiop_request_routing(opts, emsp, toiop_call::object_get, std::nullopt, owner).headers.to->party_id == "CPO");
    CHECK(toiop_request_routing(opts, emsp, toiop_call::list_get, std::nullopt, owner).headers.to->party_id == "107");
    CHECK(toiop_request_routing(opts, emsp, toiop_call::push, std::nullopt, owner).headers.to->party_id == "107");
    CHECK(toiop_request_routing(opts, emsp, toiop_call::command).headers.to->party_id == "107");  // owner unknown
  }
}
