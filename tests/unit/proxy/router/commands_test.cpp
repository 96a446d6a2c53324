// Pure helpers of the command flows (MAPPING §3.3.2) and of the handshakes (§2.3).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "proxy/router/commands.hpp"
#include "proxy/router/peers.hpp"
#include "proxy/router/registration.hpp"

using namespace ocpi::proxy;
using nlohmann::json;

TEST_CASE("commands: response_url is replaced, every other member kept") {
  const std::string in = R"({"response_url":"https://emsp/cb/1","token":{"uid":"A","n":[1,2.50]},"location_id":"L"})";
  const auto out = with_string_member(in, "response_url", "https://bridge/ocpi/2.2.1/callbacks/x");
  REQUIRE(out);
  const auto j = json::parse(*out);
  CHECK(j["response_url"] == "https://bridge/ocpi/2.2.1/callbacks/x");
  CHECK(j["token"] == json::parse(R"({"uid":"A","n":[1,2.50]})"));
  CHECK(j["location_id"] == "L");
  CHECK(j["token"]["n"][1].get<double>() == 2.5);  // re-printed by value (cold path, DOM)
  // Absent: added; duplicate keys: one member in the output.
  CHECK(json::parse(*with_string_member("{}", "k", "v")) == json{{"k", "v"}});
  CHECK(json::parse(*with_string_member(R"({"k":"a","k":"b"})", "k", "v")) == json{{"k", "v"}});
  CHECK_FALSE(with_string_member("[1]", "k", "v"));
  CHECK_FALSE(with_string_member("{", "k", "v"));
}

TEST_CASE("commands: the command segment is one of the five OCPI commands") {
  CHECK(command_of("START_SESSION") == "START_SESSION");
  CHECK(command_of("stop_session") == "STOP_SESSION");
  CHECK(command_of("CANCEL_RESERVATION") == "CANCEL_RESERVATION");
  CHECK_FALSE(command_of("REBOOT"));
  CHECK_FALSE(command_of(""));
}

TEST_CASE("peers: credentials tokens are 43 base64url characters and do not repeat") {
  const auto a = new_credentials_token(), b = new_credentials_token();
  CHECK(a.size() == 43);
  CHECK(a != b);
  CHECK(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos);
}

TEST_CASE("registration: what a legacy backend must expose (3003 otherwise)") {
  legacy_directory cpo;
  cpo.urls = {{"credentials", "u"}, {"tariffs", "u"}};
  CHECK(missing_legacy_endpoints(ocpi::party_role::cpo, cpo) == "locations");
  cpo.urls.emplace("locations", "u");
  CHECK(missing_legacy_endpoints(ocpi::party_role::cpo, cpo).empty());
  legacy_directory emsp;
  emsp.urls = {{"credentials", "u"}};
  CHECK_FALSE(missing_legacy_endpoints(ocpi::party_role::emsp, emsp).empty());
  emsp.urls.emplace("tokens", "u");
  CHECK(missing_legacy_endpoints(ocpi::party_role::emsp, emsp).empty());
}
