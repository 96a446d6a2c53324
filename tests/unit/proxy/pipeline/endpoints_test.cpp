#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "proxy/pipeline/endpoints.hpp"

using namespace ocpi;
using namespace ocpi::proxy;

TEST_CASE("1.2.2 pipeline pick_version: exact version string") {
  const std::string body = R"({"data":[{"version":"2.1.1","url":"https://iop.example.com/ocpi/2.1.1"},
    {"version":"2.2","url":"https://iop.example.com/ocpi/2.2"},
    {"version":"2.2.1","url":"https://iop.example.com/ocpi/2.2.1"}],"status_code":1000,"timestamp":"x"})";
  CHECK(pick_version(body, version::v2_2_1).url == "https://iop.example.com/ocpi/2.2.1");
  CHECK(pick_version(body, version::v2_1_1).url == "https://iop.example.com/ocpi/2.1.1");
  const auto only_22 = pick_version(R"({"data":[{"version":"2.2","url":"u"}],"status_code":1000})", version::v2_2_1);
  CHECK(only_22.err == discovery_error::version_not_offered);
  CHECK(pick_version("not json", version::v2_2_1).err == discovery_error::invalid_answer);
  CHECK(pick_version(R"({"data":[],"status_code":2000})", version::v2_2_1).err == discovery_error::invalid_answer);
  CHECK(pick_version(R"({"data":{},"status_code":1000})", version::v2_2_1).err == discovery_error::invalid_answer);
  // A bare list without envelope is tolerated.
  CHECK(pick_version(R"([{"version":"2.1.1","url":"u"}])", version::v2_1_1).url == "u");
}

TEST_CASE("1.2.2 pipeline parse_details_221: (identifier, role) directory, first duplicate wins") {
  const auto r = parse_details_221(R"({"status_code":1000,"data":{"version":"2.2.1","endpoints":[
    {"identifier":"credentials","role":"RECEIVER","url":"https://iop/cred"},
    {"identifier":"locations","role":"SENDER","url":"https://iop/s/loc"},
    {"identifier":"locations","role":"RECEIVER","url":"https://iop/r/loc"},
    {"identifier":"locations","role":"SENDER","url":"https://iop/dup"},
    {"identifier":"tokens","role":"BOTH","url":"https://iop/x"},
    {"identifier":"cdrs","url":"https://iop/x"},
    {"role":"SENDER","url":"https://iop/x"}]}})");
  CHECK(r.err == discovery_error::none);
  REQUIRE(r.directory.find("locations", interface_role::sender));
  CHECK(*r.directory.find("locations", interface_role::sender) == "https://iop/s/loc");
  CHECK(*r.directory.find("locations", interface_role::receiver) == "https://iop/r/loc");
  REQUIRE(r.directory.find_any("credentials"));
  CHECK(*r.directory.find_any("credentials") == "https://iop/cred");
  CHECK_FALSE(r.directory.find("tokens", interface_role::sender));
  REQUIRE(r.duplicates.size() == 1);
  CHECK(r.duplicates[0] == "locations/SENDER");
  CHECK(r.skipped.size() == 3);
  CHECK(parse_details_221(R"({"status_code":1000,"data":{"version":"2.2.1"}})").err == discovery_error::invalid_answer);
}

TEST_CASE("1.2.2 pipeline parse_details_211: identifier directory") {
  const auto r = parse_details_211(R"({"status_code":1000,"data":{"version":"2.1.1","endpoints":[
    {"identifier":"credentials","url":"https://cpo.example.com/ocpi/cpo/2.1.1/credentials/"},
    {"identifier":"locations","url":"https://cpo.example.com/ocpi/cpo/2.1.1/locations/"},
    {"identifier":"locations","url":"https://other/"}]}})");
  CHECK(r.err == discovery_error::none);
  CHECK(*r.directory.find("locations") == "https://cpo.example.com/ocpi/cpo/2.1.1/locations/");
  CHECK_FALSE(r.directory.find("tariffs"));
  REQUIRE(r.duplicates.size() == 1);
  CHECK(r.duplicates[0] == "locations");
}

TEST_CASE("1.2.2 pipeline which IOP endpoint serves which legacy request") {
  using ir = interface_role;
  for (const char* m : {"locations", "tariffs", "sessions", "cdrs"}) {
    CHECK(iop_endpoint_for(party_role::cpo, m) == endpoint_ref{m, ir::receiver});
    CHECK(iop_endpoint_for(party_role::emsp, m) == endpoint_ref{m, ir::sender});
  }
  CHECK(iop_endpoint_for(party_role::cpo, "tokens") == endpoint_ref{"tokens", ir::sender});
  CHECK_FALSE(iop_endpoint_for(party_role::cpo, "tokens", true));  // unitary GET: token cache
  CHECK_FALSE(iop_endpoint_for(party_role::cpo, "commands"));      // response_url
  CHECK(iop_endpoint_for(party_role::emsp, "tokens") == endpoint_ref{"tokens", ir::receiver});
  CHECK(iop_endpoint_for(party_role::emsp, "commands") == endpoint_ref{"commands", ir::receiver});
  CHECK_FALSE(iop_endpoint_for(party_role::cpo, "chargingprofiles"));
  CHECK_FALSE(iop_endpoint_for(party_role::emsp, "credentials"));
  CHECK(bridge_role_for(party_role::cpo, "locations") == ir::sender);
  CHECK(bridge_role_for(party_role::emsp, "commands") == ir::sender);
}

TEST_CASE("TV-02 (b) 2.2 pipeline published 2.2.1 version details: from the configured roles") {
  const std::vector<std::string> all{"locations", "tariffs", "sessions", "cdrs", "tokens", "commands"};
  const std::vector<legacy_modules> legacy{
      {party_role::cpo, all},
      {party_role::cpo, all},
      {party_role::emsp, {"locations", "tokens", "commands", "sessions", "cdrs"}},  // no tariffs receiver
  };
  // No IOP directory, no legacy directory: IOP reads these details during its registration, when
  // the bridge may not know any peer yet (Gireve re-reads them only at its next registration).
  const auto eps = published_221_endpoints("https://proxy.example.com", legacy);
  const auto data = nlohmann::json::parse(details_data_json(version::v2_2_1, eps));
  const auto expected = nlohmann::json::parse(R"({
  "version": "2.2.1",
  "endpoints": [
    { "identifier": "credentials", "role": "SENDER",   "url": "https://proxy.example.com/ocpi/2.2.1/credentials" },
    { "identifier": "locations",   "role": "SENDER",   "url": "https://proxy.example.com/ocpi/2.2.1/cpo/locations" },
    { "identifier": "tariffs",     "role": "SENDER",   "url": "https://proxy.example.com/ocpi/2.2.1/cpo/tariffs" },
    { "identifier": "sessions",    "role": "SENDER",   "url": "https://proxy.example.com/ocpi/2.2.1/cpo/sessions" },
    { "identifier": "cdrs",        "role": "SENDER",   "url": "https://proxy.example.com/ocpi/2.2.1/cpo/cdrs" },
    { "identifier": "tokens",      "role": "RECEIVER", "url": "https://proxy.example.com/ocpi/2.2.1/cpo/tokens" },
    { "identifier": "commands",    "role": "RECEIVER", "url": "https://proxy.example.com/ocpi/2.2.1/cpo/commands" },
    { "identifier": "locations",   "role": "RECEIVER", "url": "https://proxy.example.com/ocpi/2.2.1/emsp/locations" },
    { "identifier": "sessions",    "role": "RECEIVER", "url": "https://proxy.example.com/ocpi/2.2.1/emsp/sessions" },
    { "identifier": "cdrs",        "role": "RECEIVER", "url": "https://proxy.example.com/ocpi/2.2.1/emsp/cdrs" },
    { "identifier": "tokens",      "role": "SENDER",   "url": "https://proxy.example.com/ocpi/2.2.1/emsp/tokens" },
    { "identifier": "commands",    "role": "SENDER",   "url": "https://proxy.example.com/ocpi/2.2.1/callbacks" }
  ]
})");
  CHECK(data == expected);

  SUBCASE("two parties of one role: the union of their modules") {
    const std::vector<legacy_modules> two_emsps{{party_role::emsp, {"locations"}}, {party_role::emsp, {"tariffs", "locations"}}};
    const auto both = published_221_endpoints("https://proxy.example.com/", two_emsps);
    REQUIRE(both.size() == 3);
    CHECK(both[1].identifier == "locations");
    CHECK(both[1].role == interface_role::receiver);
    CHECK(both[2].identifier == "tariffs");
    CHECK(both[2].url == "https://proxy.example.com/ocpi/2.2.1/emsp/tariffs");
  }
  SUBCASE("a narrowed CPO: only what its modules list") {
    const std::vector<legacy_modules> cpo{{party_role::cpo, {"commands", "locations"}}};
    const auto few = published_221_endpoints("https://proxy.example.com", cpo);
    REQUIRE(few.size() == 3);
    CHECK(few[1].identifier == "locations");  // publication order, not configuration order
    CHECK(few[2].identifier == "commands");
    CHECK(few[2].role == interface_role::receiver);
  }
  SUBCASE("no legacy party: credentials only") {
    const auto none = published_221_endpoints("https://proxy.example.com", {});
    REQUIRE(none.size() == 1);
    CHECK(none[0].identifier == "credentials");
  }
  SUBCASE("unknown module names in the list are not published") {
    const std::vector<legacy_modules> odd{{party_role::cpo, {"chargingprofiles", "hubclientinfo"}}};
    CHECK(published_221_endpoints("https://proxy.example.com", odd).size() == 1);
  }
}

TEST_CASE("2.2 pipeline published 2.1.1 version details and URL plan (1.2.3)") {
  // Every module the bridge serves for the role, whatever is known of IOP: a legacy backend may
  // register before IOP does.
  const auto for_cpos = published_211_endpoints("https://proxy.example.com", party_role::cpo);
  const auto data = nlohmann::json::parse(details_data_json(version::v2_1_1, for_cpos));
  CHECK(data["version"] == "2.1.1");
  REQUIRE(data["endpoints"].size() == 7);
  CHECK(data["endpoints"][0] == nlohmann::json::parse(
                                    R"({"identifier":"credentials","url":"https://proxy.example.com/ocpi/emsp/2.1.1/credentials"})"));
  CHECK(data["endpoints"][1] == nlohmann::json::parse(
                                    R"({"identifier":"locations","url":"https://proxy.example.com/ocpi/emsp/2.1.1/locations"})"));
  std::vector<std::string> ids;
  for (const auto& e : data["endpoints"]) ids.push_back(e["identifier"]);
  CHECK(ids == std::vector<std::string>{"credentials", "locations", "tariffs", "sessions", "cdrs", "tokens", "commands"});

  const auto for_emsps = published_211_endpoints("https://proxy.example.com", party_role::emsp);
  REQUIRE(for_emsps.size() == 7);
  CHECK(for_emsps[5].url == "https://proxy.example.com/ocpi/cpo/2.1.1/tokens");
  CHECK(for_emsps[6].url == "https://proxy.example.com/ocpi/cpo/2.1.1/commands");

  CHECK(versions_url("https://proxy.example.com", version::v2_2_1) == "https://proxy.example.com/ocpi/versions");
  CHECK(details_url("https://proxy.example.com", version::v2_2_1) == "https://proxy.example.com/ocpi/2.2.1");
  CHECK(versions_url("https://proxy.example.com", version::v2_1_1, party_role::cpo) ==
        "https://proxy.example.com/ocpi/emsp/versions");
  CHECK(details_url("https://proxy.example.com/", version::v2_1_1, party_role::emsp) ==
        "https://proxy.example.com/ocpi/cpo/2.1.1");
  CHECK(nlohmann::json::parse(versions_data_json(version::v2_2_1, "https://proxy.example.com/ocpi/2.2.1")) ==
        nlohmann::json::parse(R"([{"version":"2.2.1","url":"https://proxy.example.com/ocpi/2.2.1"}])"));
}
