// Config loading: config/bridge.example.toml is the contract and the embedded default.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "proxy/config/config.hpp"

using namespace ocpi;
using namespace ocpi::proxy;

namespace {

std::string error_of(const std::string& text) {
  try {
    load_config_text(text, "test.toml");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

constexpr const char* two_parties = R"(
[[legacy]]
role = "CPO"
country_code = "DE"
party_id = "AAA"
versions_url = "http://127.0.0.1:1/versions"
token = "t1"
accepts_token = "a1"
[[legacy]]
role = "EMSP"
country_code = "DE"
party_id = "BBB"
versions_url = "https://127.0.0.1:2/versions"
token = "t2"
accepts_token = "a2"
verify_peer = false
)";

}  // namespace

TEST_CASE("config: the embedded default is config/bridge.example.toml and parses") {
  const auto text = embedded_default_config_text();
  CHECK(text.find("[face.hub]") != std::string_view::npos);
  const bridge_config c = embedded_default_config();
  CHECK(c.bridge.threads == 2);
  CHECK(c.bridge.body_limit == 4194304);
  CHECK(c.bridge.client_timeout.count() == 30000);
  CHECK(c.bridge.shutdown_grace.count() == 10000);
  CHECK(c.bridge.upstream_pool_size == 16);
  CHECK(c.hub.listen.host == "127.0.0.1");
  CHECK(c.hub.listen.port == 8221);
  CHECK(c.legacy_face.listen.port == 8211);
  CHECK(c.iop.versions_url == "http://127.0.0.1:9221/ocpi/versions");
  CHECK(c.iop.auth_encoding == "BASE64");
  CHECK(c.iop.tls.verify_peer);
  CHECK(c.mapping.iop.country_code == "FR");
  CHECK(c.mapping.iop.party_id == "107");
  CHECK(c.mapping.iop_business_name == "GIREVE");
  REQUIRE(c.legacy.size() == 2);
  CHECK(c.legacy[0].party.role == party_role::cpo);
  CHECK(c.legacy[0].party.operator_id == "FR*CPO");
  CHECK(c.legacy[0].party.default_time_zone == "Europe/Paris");
  CHECK(c.legacy[1].party.role == party_role::emsp);
  CHECK(c.legacy[1].accepts_token == "emsp-calls-proxy");
  REQUIRE(c.mapping.legacy.size() == 2);
  CHECK(c.mapping.legacy[0].id.emi3() == "FR*CPO");
  CHECK(c.mapping.legacy[1].id.emi3() == "FR*EMP");
}

TEST_CASE("config: a file only changes the keys it names") {
  const auto c = load_config_text("[bridge]\nthreads = 4\n[face.hub]\nlisten = \"127.0.0.1:0\"\n", "t.toml");
  CHECK(c.bridge.threads == 4);
  CHECK(c.bridge.body_limit == 4194304);
  CHECK(c.hub.listen.port == 0);
  CHECK(c.hub.public_base(4242) == "http://127.0.0.1:4242");
  CHECK(c.legacy.size() == 2);
  CHECK(c.origin == "t.toml");
}

TEST_CASE("config: [[legacy]] tables replace the default list and are mirrored into mapping.legacy") {
  const auto c = load_config_text(two_parties, "t.toml");
  REQUIRE(c.legacy.size() == 2);
  CHECK(c.legacy[0].party.id.emi3() == "DE*AAA");
  CHECK(c.legacy[1].party.id.emi3() == "DE*BBB");
  CHECK_FALSE(c.legacy[1].tls.verify_peer);
  REQUIRE(c.mapping.legacy.size() == 2);
  CHECK(c.mapping.legacy[0].id.emi3() == "DE*AAA");
  CHECK(c.mapping.legacy[1].role == party_role::emsp);
  CHECK(c.mapping.find_legacy(party{"de", "bbb"}) == &c.mapping.legacy[1]);
}

TEST_CASE("config: peer switches of issue 13 (PATCH without last_updated, authorization_id) are per peer") {
  const auto d = embedded_default_config();
  CHECK_FALSE(d.iop.accept_patch_without_last_updated);  // the spec's rule unless a peer needs it
  CHECK(d.legacy[0].party.authorization_id_extension);    // Gireve's behaviour by default
  CHECK(d.mapping.legacy[1].authorization_id_extension);
  std::string text = std::string("[iop]\naccept_patch_without_last_updated = true\n") + two_parties;
  text.replace(text.find("verify_peer = false"), 19, "verify_peer = false\nauthorization_id_extension = false");
  const auto c = load_config_text(text, "t.toml");
  CHECK(c.iop.accept_patch_without_last_updated);
  CHECK(c.legacy[0].party.authorization_id_extension);
  CHECK_FALSE(c.legacy[1].party.authorization_id_extension);
  CHECK_FALSE(c.mapping.legacy[1].authorization_id_extension);  // what the translations read
  CHECK(error_of("[iop]\naccept_patch_without_last_updated = \"yes\"\n")
            .rfind("iop.accept_patch_without_last_updated:", 0) == 0);
}

TEST_CASE("config: [mapping] keys go through mapping_options::set") {
  const auto c = load_config_text(R"(
[iop]
country_code = "FR"
party_id = "007"
[mapping]
"locations.status_dedup" = false
"emsp.location_id_mode" = "OWNER_ID"
"commands.iop_supported" = ["START_SESSION", "STOP_SESSION", "UNLOCK_CONNECTOR"]
sf.mode = "SYNC"
"commands.timeout_s" = { START_SESSION = 90 }
"legacy[*].default_owner_name" = "Owner"
)",
                                  "t.toml");
  CHECK(c.mapping.iop.party_id == "007");
  CHECK_FALSE(c.mapping.locations_status_dedup);
  CHECK(c.mapping.emsp_location_id_mode == "OWNER_ID");
  CHECK(c.mapping.commands_iop_supported.size() == 3);
  CHECK(c.mapping.sf_mode == "SYNC");
  CHECK(c.mapping.commands_timeout_s.at("START_SESSION") == 90);
  CHECK(c.mapping.legacy[1].default_owner_name == "Owner");
  CHECK(c.legacy[1].party.default_owner_name == "Owner");
}

TEST_CASE("config: commands.timeout_grace_s is 30 s unless configured, whole seconds only") {
  CHECK(embedded_default_config().bridge.command_timeout_grace == std::chrono::seconds(30));
  CHECK(load_config_text("[mapping]\n\"commands.timeout_grace_s\" = 0\n", "t.toml")
            .bridge.command_timeout_grace.count() == 0);
  CHECK(load_config_text("[mapping]\ncommands.timeout_grace_s = 5\n", "t.toml").bridge.command_timeout_grace.count() ==
        5);
  for (const char* bad : {"-1", "\"30s\"", "\"\""})
    CHECK(error_of(std::string("[mapping]\n\"commands.timeout_grace_s\" = ") + bad + "\n")
              .find("commands.timeout_grace_s") != std::string::npos);
}

TEST_CASE("config: a file never inherits the embedded default's demo tokens") {
  const auto c = load_config_text("[iop]\nversions_url = \"http://h/v\"\n", "test.toml");
  CHECK(c.iop.token.empty());
  CHECK(c.iop.accepts_token.empty());
  CHECK_FALSE(embedded_default_config().iop.accepts_token.empty());  // the demo keeps working
}

TEST_CASE("config: [state] store is sqlite by default, memory on request") {
  const auto c = embedded_default_config();
  CHECK(c.state.store == "sqlite");
  CHECK(c.bridge.data_dir == "var");
  CHECK(load_config_text("[state]\nstore = \"memory\"\n", "t.toml").state.store == "memory");
  CHECK(error_of("[state]\nstore = \"redis\"\n") == "state.store: expected sqlite or memory, got 'redis'");
  CHECK(error_of("[state]\npath = \"x\"\n") == "state.path: unknown key");
  CHECK(error_of("[bridge]\ndata_dir = \"\"\n") == "bridge.data_dir: must not be empty");
}

TEST_CASE("config: errors name the key path") {
  CHECK(error_of("[[legacy]]\nrole = \"HUB\"\ncountry_code = \"FR\"\nparty_id = \"ABC\"\n"
                 "versions_url = \"http://h/v\"\ntoken = \"t\"\naccepts_token = \"a\"\n") ==
        "legacy[0].role: expected CPO or EMSP, got 'HUB'");
  CHECK(error_of(std::string(two_parties) + "[[legacy]]\nrole = \"EMSP\"\n") == "legacy[2].country_code: required");
  CHECK(error_of("[bridge]\nthreads = \"two\"\n") == "bridge.threads: expected an integer");
  CHECK(error_of("[bridge]\nthreads = 0\n") == "bridge.threads: expected 1..256, got 0");
  CHECK(error_of("[bridge]\ntypo_key = 1\n") == "bridge.typo_key: unknown key");
  CHECK(error_of("[bridge]\nlog_level = \"loud\"\n").rfind("bridge.log_level:", 0) == 0);
  CHECK(error_of("[face.hub]\nlisten = \"127.0.0.1\"\n").rfind("face.hub.listen:", 0) == 0);
  CHECK(error_of("[face.hub]\nlisten = \"127.0.0.1:70000\"\n").rfind("face.hub.listen:", 0) == 0);
  CHECK(error_of("[face.legacy]\ntls = true\n") == "face.legacy.cert_file: required when tls = true");
  CHECK(error_of("[iop]\ntoken = \"t\"\n") ==
        "iop.accepts_token: token and accepts_token go together (leave both empty to obtain them by registration)");
  CHECK(error_of("[iop]\nversions_url = \"http://h/v\"\n") == "(no error)");  // registration instead
  CHECK(error_of("[face.admin]\nlisten = \"0.0.0.0:8299\"\n") == "face.admin.listen: must be a loopback address");
  // Issue 12 defect 7: `localhost` passed the loopback check, then failed to bind.
  CHECK(error_of("[face.admin]\nlisten = \"localhost:8299\"\n") ==
        "face.admin.listen: expected an IP address literal (e.g. 127.0.0.1, 0.0.0.0, [::1]), got host 'localhost'");
  CHECK(error_of("[face.hub]\nlisten = \"bridge.example:8221\"\n").rfind("face.hub.listen: expected an IP", 0) == 0);
  CHECK(error_of("[face.admin]\nlisten = \"[::1]:8299\"\n") == "(no error)");
  CHECK(error_of("[face.admin]\nlisten = \"127.0.0.2:8299\"\n") == "(no error)");
  CHECK(error_of("[iop]\nauth_encoding = \"HEX\"\n").rfind("iop.auth_encoding:", 0) == 0);
  CHECK(error_of("[iop]\nversions_url = \"ftp://x\"\n").rfind("iop.versions_url:", 0) == 0);
  CHECK(error_of("[mapping]\n\"sf.mode\" = \"NEVER\"\n").rfind("mapping.sf.mode:", 0) == 0);
  CHECK(error_of("[mapping]\n\"no.such.key\" = 1\n").rfind("mapping.no.such.key:", 0) == 0);
  CHECK(error_of("[bridge\n").rfind("test.toml:1:", 0) == 0);
}

TEST_CASE("config: [[legacy]] modules narrow what is published for the party, all six by default") {
  const auto c = load_config_text(two_parties, "t.toml");
  const std::vector<std::string> all{"locations", "tariffs", "sessions", "cdrs", "tokens", "commands"};
  CHECK(c.legacy[0].modules == all);
  CHECK(c.legacy[1].modules == all);
  std::string narrowed = two_parties;
  narrowed += "modules = [\"locations\", \"tokens\", \"commands\"]\n";  // the EMSP: no tariffs receiver
  const auto n = load_config_text(narrowed, "t.toml");
  CHECK(n.legacy[0].modules == all);
  CHECK(n.legacy[1].modules == std::vector<std::string>{"locations", "tokens", "commands"});
  CHECK(error_of(std::string(two_parties) + "modules = \"locations\"\n") ==
        "legacy[1].modules: expected an array of module identifiers");
  CHECK(error_of(std::string(two_parties) + "modules = [\"locations\", \"chargingprofiles\"]\n") ==
        "legacy[1].modules[1]: expected one of locations, tariffs, sessions, cdrs, tokens, commands, got 'chargingprofiles'");
  CHECK(error_of(std::string(two_parties) + "modules = [\"cdrs\", \"cdrs\"]\n") == "legacy[1].modules[1]: 'cdrs' listed twice");
  CHECK(error_of(std::string(two_parties) + "modules = []\n").rfind("legacy[1].modules: must list at least one", 0) == 0);
  CHECK(error_of(std::string(two_parties) + "modules = [1]\n") == "legacy[1].modules[0]: expected a string");
}

TEST_CASE("config: legacy parties and accepted tokens are unique") {
  std::string dup = two_parties;
  dup.replace(dup.find("BBB"), 3, "aaa");
  CHECK(error_of(dup) == "legacy[1]: duplicate party DE*aaa (also legacy[0])");
  std::string same_token = two_parties;
  same_token.replace(same_token.find("\"a2\""), 4, "\"a1\"");
  CHECK(error_of(same_token) == "legacy[1].accepts_token: must differ from legacy[0].accepts_token");
}

TEST_CASE("config: load_config_file reports unreadable files with their path") {
  CHECK_THROWS_WITH_AS(load_config_file("/nonexistent/bridge.toml"), "/nonexistent/bridge.toml: cannot open config file",
                       std::runtime_error);
}
