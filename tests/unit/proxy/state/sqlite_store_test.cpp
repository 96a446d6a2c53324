// The SQLite state store (MAPPING §5): every table survives close and reopen through
// shared_state, schema migrations, and clear refusals for files it must not use.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <memory>
#include <string>

#include "proxy/state/data_dir.hpp"
#include "proxy/state/sqlite_store.hpp"
#include "support/test_seal.hpp"
#include "state_test_support.hpp"
#include "support/temp_dir.hpp"

using namespace state_test;
using ocpi::test::temp_dir;

namespace {

const party cpo{"FR", "CPO"};
const party other_cpo{"DE", "XYZ"};
const std::string location_json = R"({"country_code":"FR","party_id":"CPO","id":"LOC1","name":"Gare"})";
const std::string session_json = R"({"country_code":"FR","party_id":"CPO","id":"S1","kwh":1.5})";
const std::string tariff_json = R"({"country_code":"FR","party_id":"CPO","id":"T1","currency":"EUR"})";
const std::string token_json =
    R"({"country_code":"FR","party_id":"EMP","uid":"0102","type":"RFID","contract_id":"FR-EMP-C1"})";
const std::string long_id(80, 'x');

std::unique_ptr<shared_state> open_state(const std::string& path) {
  auto s = std::make_unique<shared_state>(mapping_options{});
  s->attach(std::make_unique<sqlite_store>(path, ocpi::test::test_seal()));
  return s;
}

std::string open_error(const std::string& path) {
  try {
    sqlite_store store(path, ocpi::test::test_seal());
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("state store: every table survives close and reopen (MAPPING §5.1-§5.6)") {
  temp_dir dir;
  const std::string db = dir.file("bridge.sqlite3");
  std::string exposed_loc, exposed_clash, exposed_cdr, hashed;
  {
    auto s = open_state(db);
    CHECK(s->persistent());
    s->set_credentials("iop", sample_credentials("iop"));
    s->set_credentials("legacy:FR*CPO", sample_credentials("cpo"));
    s->set_credentials("legacy:FR*GONE", sample_credentials("gone"));
    s->erase_credentials("legacy:FR*GONE");
    s->add_registration_token("legacy:FR*EMP", "token-A-emp");
    s->add_registration_token("legacy:FR*OLD", "token-A-old");
    s->erase_registration_tokens("legacy:FR*OLD");
    s->add_pending_command(sample_command("cb-1", 1000));
    s->add_pending_command(sample_command("cb-2", 1000));
    CHECK(s->finish_pending("cb-2", "DONE"));
    s->set_last_status(cpo, "LOC1", "EVSE1", "CHARGING");
    s->set_endpoint_directory("iop", R"({"locations":{"SENDER":"https://iop/locations"}})");
    s->put_location(location_json);
    s->put_session(session_json);
    s->put_tariff(tariff_json);
    s->put_token(token_json);
    s->put_authorization(cpo, "REF-1", {token_json, "LOC1", {"EVSE1", "EVSE2"}, "1", "START_SESSION"});
    exposed_loc = s->expose_location_id({cpo, "LOC9"}, {});
    exposed_clash = s->expose_location_id({other_cpo, "LOC9"}, {});  // same id, another owner
    exposed_cdr = s->expose_cdr_id({cpo, "CDR1"});
    hashed = s->hash_long_id(long_id);
    s->detach();
    CHECK_FALSE(s->persistent());
  }
  REQUIRE(exposed_loc == "LOC9");
  REQUIRE(exposed_clash != "LOC9");

  auto r = open_state(db);
  SUBCASE("credentials and registration tokens") {
    REQUIRE(r->credentials("iop"));
    CHECK(r->credentials("iop")->token_to_peer == "to-iop");
    CHECK(r->credentials("iop")->credentials_json == R"({"token":"iop"})");
    CHECK(r->credentials("legacy:FR*CPO")->versions_url == "https://peer/cpo/versions");
    CHECK_FALSE(r->credentials("legacy:FR*GONE"));
    CHECK(r->connection_of_token("from-cpo") == "legacy:FR*CPO");
    CHECK(r->connection_of_registration_token("token-A-emp") == "legacy:FR*EMP");
    CHECK_FALSE(r->connection_of_registration_token("token-A-old"));
    CHECK(r->endpoint_directory("iop") == R"({"locations":{"SENDER":"https://iop/locations"}})");
  }
  SUBCASE("pending commands keep their state transitions") {
    REQUIRE(r->pending("cb-1"));
    CHECK(r->pending("cb-1")->state == "PENDING");
    CHECK(r->pending("cb-1")->context_json == R"({"authorization_reference":"ref-cb-1"})");
    CHECK(r->pending("cb-2")->state == "DONE");
    REQUIRE(r->expired_pending(2000).size() == 1);
    CHECK(r->expired_pending(2000)[0].id == "cb-1");
    CHECK_FALSE(r->finish_pending("cb-2", "TIMED_OUT"));
  }
  SUBCASE("caches, keyed case-insensitively as before") {
    CHECK(r->location({"fr", "cpo"}, "loc1") == location_json);
    CHECK(r->session(cpo, "S1") == session_json);
    CHECK(r->tariff(cpo, "T1") == tariff_json);
    CHECK(r->token({"FR", "EMP"}, "0102", "RFID") == token_json);
    CHECK(r->tokens_by_contract_id("FR-EMP-C1").size() == 1);
    CHECK(r->last_status(cpo, "loc1", "evse1") == "CHARGING");
    const auto a = r->authorization(cpo, "REF-1");
    REQUIRE(a);
    CHECK(a->token_json == token_json);
    CHECK(a->evse_uids == std::vector<std::string>{"EVSE1", "EVSE2"});
    CHECK(a->connector_id == "1");
    CHECK(a->source == "START_SESSION");
  }
  SUBCASE("id maps: known entries are reused, new ones still avoid clashes") {
    CHECK(r->expose_location_id({cpo, "LOC9"}, {}) == exposed_loc);
    CHECK(r->expose_location_id({other_cpo, "LOC9"}, {}) == exposed_clash);
    const auto owner = r->location_by_exposed_id(exposed_clash);
    REQUIRE(owner);
    CHECK(owner->owner.country_code == "DE");
    CHECK(r->expose_location_id({{"BE", "BEC"}, "LOC9"}, {}) != "LOC9");
    REQUIRE(r->cdr_by_exposed_id(exposed_cdr));
    CHECK(r->cdr_by_exposed_id(exposed_cdr)->id == "CDR1");
    CHECK(r->original_of_hash(hashed) == long_id);
  }
}

TEST_CASE("state store: an older schema is migrated at open, data kept") {
  temp_dir dir;
  const std::string db = dir.file("bridge.sqlite3");
  {
    raw_db raw(db);  // what a bridge with only migration 1 left behind
    raw.exec(sqlite_store::migrations()[0]);
    raw.exec("INSERT INTO credentials VALUES ('iop','b','c','https://iop/versions','2.2.1','{}','2024-01-01T00:00:00Z')");
    raw.exec("PRAGMA user_version = 1");
  }
  {
    auto s = open_state(db);
    CHECK(s->credentials("iop")->versions_url == "https://iop/versions");
    s->put_location(location_json);  // a table migration 2 added
  }
  raw_db raw(db);
  CHECK(raw.text("PRAGMA user_version") == std::to_string(sqlite_store::schema_version()));
  CHECK(raw.count("cached_objects") == 1);
  CHECK(raw.text("PRAGMA journal_mode") == "wal");
}

TEST_CASE("state store: files it must not use are refused with the file name") {
  temp_dir dir;
  const std::string db = dir.file("bridge.sqlite3");
  SUBCASE("not a database") {
    std::ofstream(db) << std::string(8192, '#');
    const auto e = open_error(db);
    CHECK(contains(e, db));
    CHECK(contains(e, "not a database"));
  }
  SUBCASE("a damaged database") {
    {
      auto s = open_state(db);
      for (int i = 0; i < 200; ++i) s->set_credentials("legacy:C" + std::to_string(i), sample_credentials(std::to_string(i)));
    }
    {
      const auto size = std::filesystem::file_size(db);
      REQUIRE(size > 4096);
      std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(4096);  // every b-tree page after page 1 (header and schema stay readable)
      f << std::string(size - 4096, '\xff');
    }
    const auto e = open_error(db);
    CHECK(contains(e, db));
    CHECK_FALSE(contains(e, "(no error)"));
  }
  SUBCASE("written by a newer bridge") {
    { sqlite_store s(db, ocpi::test::test_seal()); }
    raw_db(db).exec("PRAGMA user_version = 99");
    const auto e = open_error(db);
    CHECK(contains(e, db));
    CHECK(contains(e, "schema version 99 is newer"));
  }
  SUBCASE("unreadable") {
    const auto e = open_error(dir.file("missing-dir/bridge.sqlite3"));
    CHECK(contains(e, "missing-dir/bridge.sqlite3"));
    CHECK(contains(e, "cannot open"));
  }
}

TEST_CASE("data dir: created if missing, and one bridge at a time") {
  temp_dir dir;
  const std::string data = dir.file("nested/var");
  std::optional<data_dir_lock> first(std::in_place, data);
  CHECK(std::filesystem::is_directory(data));
  try {
    data_dir_lock second(data);
    FAIL("a second lock on the same data dir succeeded");
  } catch (const std::runtime_error& e) {
    CHECK(contains(e.what(), "in use by another ocpi-bridge"));
    CHECK(contains(e.what(), data));
  }
  first.reset();
  CHECK_NOTHROW(data_dir_lock{data});
}

TEST_CASE("state store: schema 2 (before flow rows) is migrated, data kept") {
  temp_dir dir;
  const std::string db = dir.file("bridge.sqlite3");
  {
    raw_db raw(db);  // what the bridge with migrations 1 and 2 left behind
    raw.exec(sqlite_store::migrations()[0]);
    raw.exec(sqlite_store::migrations()[1]);
    raw.exec("INSERT INTO endpoint_directories VALUES ('iop','{}')");
    raw.exec("PRAGMA user_version = 2");
  }
  {
    auto s = open_state(db);
    CHECK(s->endpoint_directory("iop") == "{}");
    s->put_flow_row({"tariff_sent", "K2", "second"});
    s->put_flow_row({"tariff_sent", "K1", "first"});
    s->erase_endpoint_directory("iop");
  }
  raw_db raw(db);
  CHECK(raw.count("flow_rows") == 2);
  CHECK(raw.count("endpoint_directories") == 0);
  sqlite_store store(db, ocpi::test::test_seal());
  const auto snap = store.load();
  REQUIRE(snap.flow_rows.size() == 2);
  CHECK(snap.flow_rows[0].key == "K2");  // write order, not key order
  CHECK(snap.flow_rows[1].value == "first");
}
