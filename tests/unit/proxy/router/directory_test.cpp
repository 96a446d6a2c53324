// Endpoint directories written through to the state store (MAPPING §5.1): after a restart the
// bridge calls its peers through the last good directories without waiting for discovery.
#include "proxy/router/directory.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "proxy/state/shared_state.hpp"
#include "proxy/state/sqlite_store.hpp"
#include "support/test_seal.hpp"
#include "support/temp_dir.hpp"

using namespace ocpi;
using namespace ocpi::proxy;

namespace {

std::unique_ptr<shared_state> open_state(const std::string& path) {
  auto s = std::make_unique<shared_state>(mapping_options{});
  s->attach(std::make_unique<sqlite_store>(path, ocpi::test::test_seal()));
  return s;
}

iop_directory iop_sample() {
  iop_directory d;
  d.urls.try_emplace({"credentials", interface_role::sender}, "https://iop/2.2.1/credentials");
  d.urls.try_emplace({"locations", interface_role::receiver}, "https://iop/2.2.1/receiver/locations");
  d.urls.try_emplace({"locations", interface_role::sender}, "https://iop/2.2.1/sender/locations");
  return d;
}

legacy_directory legacy_sample() {
  legacy_directory d;
  d.urls.try_emplace("credentials", "https://cpo/2.1.1/credentials");
  d.urls.try_emplace("locations", "https://cpo/2.1.1/locations");
  return d;
}

}  // namespace

TEST_CASE("5.1 directory stored form reads back through the version details parsers") {
  const auto iop = parse_details_221(stored_form(iop_sample()));
  REQUIRE(iop.err == discovery_error::none);
  CHECK(iop.directory.urls == iop_sample().urls);
  CHECK(iop.duplicates.empty());
  CHECK(iop.skipped.empty());
  const auto legacy = parse_details_211(stored_form(legacy_sample()));
  REQUIRE(legacy.err == discovery_error::none);
  CHECK(legacy.directory.urls == legacy_sample().urls);
}

TEST_CASE("5.1 directories survive a restart; forgetting one erases it from the store") {
  ocpi::test::temp_dir dir;
  const std::string db = dir.file("bridge.sqlite3");
  {
    auto state = open_state(db);
    directories d(2);
    d.attach(*state, {"legacy:FR*CPO", "legacy:FR*EMP"});
    d.set_iop(iop_sample());
    d.set_legacy(0, legacy_sample());
    d.set_legacy(1, legacy_sample());
    d.forget_legacy(1);
    state->detach();
  }
  auto state = open_state(db);
  CHECK(state->endpoint_directory("iop"));
  CHECK(state->endpoint_directory("legacy:FR*CPO"));
  CHECK_FALSE(state->endpoint_directory("legacy:FR*EMP"));
  directories d(2);
  d.attach(*state, {"legacy:FR*CPO", "legacy:FR*EMP"});
  CHECK(d.iop("locations", "RECEIVER") == "https://iop/2.2.1/receiver/locations");
  CHECK(d.legacy(0, "locations") == "https://cpo/2.1.1/locations");
  CHECK_FALSE(d.legacy_known(1));
  // A configuration that no longer lists a connection ignores what was stored for it.
  directories fewer(1);
  fewer.attach(*state, {"legacy:FR*EMP"});
  CHECK(fewer.iop_known());
  CHECK_FALSE(fewer.legacy_known(0));
  d.forget_iop();
  CHECK_FALSE(state->endpoint_directory("iop"));
}

TEST_CASE("5.1 directories: an unreadable stored directory waits for discovery instead of failing") {
  shared_state state(mapping_options{});
  state.set_endpoint_directory("iop", "garbage");
  directories d(0);
  d.attach(state, {});
  CHECK_FALSE(d.iop_known());
}
