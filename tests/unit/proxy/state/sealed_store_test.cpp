// Tokens at rest (issue 12): the SQLite store keeps credentials tokens, the peer's Credentials
// object and tokens A sealed (token_seal.hpp). A copy of the data dir alone reveals none of them;
// plaintext rows of an older store are sealed at start-up; a value moved to another row, tampered
// with, or sealed with a key the bridge does not have stops the start-up; a rotation re-seals.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "proxy/state/sqlite_store.hpp"
#include "proxy/state/token_seal.hpp"
#include "state_test_support.hpp"
#include "support/temp_dir.hpp"

using namespace state_test;
using ocpi::test::temp_dir;

namespace {

using seal_ptr = std::shared_ptr<const token_seal>;

seal_ptr seal_of(std::vector<state_key> keys) { return std::make_shared<const token_seal>(std::move(keys)); }

// Distinctive secrets, so that finding one in a file cannot be a coincidence.
peer_credentials secret_credentials(const std::string& n) {
  return {"to-peer-secret-" + n,
          "from-peer-secret-" + n,
          "https://peer/" + n + "/versions",
          "2.1.1",
          R"({"token":"credentials-object-secret-)" + n + R"(","url":"https://peer/)" + n + R"(/versions"})",
          "2024-06-01T12:00:00Z"};
}
std::vector<std::string> secrets_of(const std::string& n) {
  return {"to-peer-secret-" + n, "from-peer-secret-" + n, "credentials-object-secret-" + n};
}

// Every file of the directory, as a backup would copy it (database, WAL, shared memory index).
std::vector<std::string> leaks(const std::filesystem::path& dir, const std::vector<std::string>& secrets) {
  std::vector<std::string> found;
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(f.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    for (const auto& s : secrets)
      if (bytes.str().find(s) != std::string::npos) found.push_back(f.path().filename().string() + ": " + s);
  }
  return found;
}

// A bridge's run on `db`: attach, `writes`, then detach (everything committed).
void run_with(const std::string& db, seal_ptr seal, const std::function<void(shared_state&)>& writes) {
  shared_state s(mapping_options{});
  s.attach(std::make_unique<sqlite_store>(db, std::move(seal)));
  writes(s);
}

void wait_durable(shared_state& s) {
  std::promise<void> done;
  s.when_durable([&done] { done.set_value(); });
  done.get_future().wait();
}

std::string open_error(const std::string& db, seal_ptr seal) {
  try {
    sqlite_store store(db, std::move(seal));
    store.load();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(opened)";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("tokens at rest: a copy of the data dir reveals no token, the key opens them all") {
  temp_dir dir;
  const std::string db = dir.file("bridge.sqlite3");
  const auto seal = seal_of({token_seal::new_key()});
  std::vector<std::string> secrets = {"token-A-secret-emsp"};
  {
    shared_state s(mapping_options{});
    s.attach(std::make_unique<sqlite_store>(db, seal));
    for (const std::string n : {"iop", "cpo", "emsp"}) {
      s.set_credentials(n == "iop" ? "iop" : "legacy:FR*" + n, secret_credentials(n));
      for (auto& x : secrets_of(n)) secrets.push_back(x);
    }
    s.add_registration_token("legacy:FR*EMSP", "token-A-secret-emsp");
    wait_durable(s);
    CHECK(std::filesystem::file_size(db + "-wal") > 0);  // the running bridge's WAL is part of the copy
    CHECK(leaks(dir.path, secrets).empty());
    s.detach();
  }
  CHECK(leaks(dir.path, secrets).empty());
  raw_db raw(db);
  CHECK(raw.text("SELECT token_to_peer FROM credentials WHERE connection = 'iop'").starts_with("ocpi-seal:v1:"));
  CHECK(raw.text("SELECT versions_url FROM credentials WHERE connection = 'iop'") ==
        "https://peer/iop/versions");  // not a secret

  shared_state r(mapping_options{});
  r.attach(std::make_unique<sqlite_store>(db, seal));
  REQUIRE(r.credentials("legacy:FR*cpo"));
  CHECK(r.credentials("legacy:FR*cpo")->token_to_peer == "to-peer-secret-cpo");
  CHECK(r.credentials("legacy:FR*cpo")->credentials_json == secret_credentials("cpo").credentials_json);
  CHECK(r.connection_of_token("from-peer-secret-iop") == "iop");
  CHECK(r.connection_of_registration_token("token-A-secret-emsp") == "legacy:FR*EMSP");
}

TEST_CASE("tokens at rest: plaintext rows of an older store are sealed at start-up, nothing left behind") {
  temp_dir dir;
  const std::string db = dir.file("bridge.sqlite3");
  std::vector<std::string> secrets = {"token-A-secret-old"};
  {
    raw_db raw(db);  // what a bridge before issue 12 left behind: the same schema, tokens in clear
    raw.exec("PRAGMA secure_delete = OFF");  // SQLite's own default (some distributions build it ON)
    for (int v = 0; v < sqlite_store::schema_version(); ++v)
      raw.exec(sqlite_store::migrations()[static_cast<std::size_t>(v)]);
    raw.exec("PRAGMA user_version = " + std::to_string(sqlite_store::schema_version()));
    for (int i = 0; i < 40; ++i) {  // enough rows for several pages
      const std::string n = "p" + std::to_string(i);
      const auto c = secret_credentials(n);
      raw.exec("INSERT INTO credentials VALUES ('legacy:FR*" + n + "', '" + c.token_to_peer + "', '" +
               c.token_from_peer + "', '" + c.versions_url + "', '2.1.1', '" + c.credentials_json +
               "', '2024-01-01T00:00:00Z')");
      for (auto& x : secrets_of(n)) secrets.push_back(x);
    }
    raw.exec("INSERT INTO registration_tokens VALUES ('token-A-secret-old', 'legacy:FR*OLD')");
    // Older copies in free space: rows rewritten larger (moved) and a connection forgotten.
    raw.exec("UPDATE credentials SET versions_url = versions_url || '/moved'");
    raw.exec("DELETE FROM credentials WHERE connection = 'legacy:FR*p3'");
  }
  REQUIRE_FALSE(leaks(dir.path, secrets).empty());  // the test's premise: the old store leaks
  const auto seal = seal_of({token_seal::new_key()});
  {
    sqlite_store store(db, seal);  // seals what it finds, still open (WAL present)
    CHECK(leaks(dir.path, secrets).empty());
    const auto snap = store.load();
    REQUIRE(snap.credentials.size() == 39);
    REQUIRE(snap.registration_tokens.size() == 1);
    CHECK(snap.registration_tokens[0].first == "token-A-secret-old");
    CHECK(snap.registration_tokens[0].second == "legacy:FR*OLD");
  }
  CHECK(leaks(dir.path, secrets).empty());
  raw_db raw(db);
  CHECK(raw.text("SELECT count(*) FROM credentials WHERE token_to_peer LIKE 'ocpi-seal:v1:%' AND token_from_peer LIKE "
                 "'ocpi-seal:v1:%' AND credentials_json LIKE 'ocpi-seal:v1:%'") == "39");
  CHECK(raw.text("SELECT token FROM registration_tokens").starts_with("ocpi-seal:v1:" + seal->current_id()));
  CHECK(raw.text("SELECT token_to_peer FROM credentials WHERE connection = 'legacy:FR*p7'") != "to-peer-secret-p7");
}

TEST_CASE("tokens at rest: a moved or tampered value, or a key the bridge lacks, stops the start-up") {
  temp_dir dir;
  const std::string db = dir.file("bridge.sqlite3");
  const auto seal = seal_of({token_seal::new_key()});
  run_with(db, seal, [](shared_state& s) {
    s.set_credentials("legacy:FR*CPO", secret_credentials("cpo"));
    s.set_credentials("legacy:FR*EMSP", secret_credentials("emsp"));
    s.add_registration_token("legacy:FR*CPO", "token-A-secret-cpo");
  });
  CHECK(open_error(db, seal) == "(opened)");
  SUBCASE("a token moved to another connection's row") {
    raw_db(db).exec(
        "UPDATE credentials SET token_from_peer = (SELECT token_from_peer FROM credentials WHERE connection = "
        "'legacy:FR*CPO') WHERE connection = 'legacy:FR*EMSP'");
    const auto e = open_error(db, seal);
    CHECK(contains(e, db));
    CHECK(contains(e, "credentials.token_from_peer|legacy:FR*EMSP"));
    CHECK(contains(e, "does not authenticate"));
  }
  SUBCASE("a token moved to another column of its row") {
    raw_db(db).exec("UPDATE credentials SET token_to_peer = token_from_peer WHERE connection = 'legacy:FR*CPO'");
    CHECK(contains(open_error(db, seal), "credentials.token_to_peer|legacy:FR*CPO"));
  }
  SUBCASE("a token A moved to another connection") {
    raw_db(db).exec("UPDATE registration_tokens SET connection = 'legacy:FR*EMSP'");
    CHECK(contains(open_error(db, seal), "registration_tokens.token|legacy:FR*EMSP"));
  }
  SUBCASE("a tampered ciphertext") {
    raw_db raw(db);
    std::string v = raw.text("SELECT credentials_json FROM credentials WHERE connection = 'legacy:FR*CPO'");
    v[40] = v[40] == 'A' ? 'B' : 'A';
    raw.exec("UPDATE credentials SET credentials_json = '" + v + "' WHERE connection = 'legacy:FR*CPO'");
    CHECK(contains(open_error(db, seal), "does not authenticate"));
  }
  SUBCASE("another key") {
    const auto e = open_error(db, seal_of({token_seal::new_key()}));
    CHECK(contains(e, db));
    CHECK(contains(e, "sealed with key " + seal->current_id() + ", which is not among the state keys"));
  }
}

TEST_CASE("tokens at rest: a rotation re-seals every value with the new key, the old one opens nothing afterwards") {
  temp_dir dir;
  const std::string db = dir.file("bridge.sqlite3");
  const auto old_key = token_seal::new_key();
  const auto new_key = token_seal::new_key();
  run_with(db, seal_of({old_key}), [&](shared_state& s) {
    s.set_credentials("iop", secret_credentials("iop"));
    s.add_registration_token("legacy:FR*EMSP", "token-A-secret-emsp");
    s.reseal(seal_of({new_key, old_key}));                          // key_rotation.cpp, step 2
    s.set_credentials("legacy:FR*CPO", secret_credentials("cpo"));  // written during the rotation
    wait_durable(s);
    s.reseal(seal_of({new_key}));  // step 3: the store forgets the old key
    s.add_registration_token("legacy:FR*CPO", "token-A-secret-cpo");
  });
  raw_db raw(db);
  const std::string sealed_new = "ocpi-seal:v1:" + token_seal::key_id(new_key) + ":%";
  CHECK(raw.text("SELECT count(*) FROM credentials WHERE token_to_peer LIKE '" + sealed_new +
                 "' AND token_from_peer LIKE '" + sealed_new + "' AND credentials_json LIKE '" + sealed_new + "'") ==
        "2");
  CHECK(raw.text("SELECT count(*) FROM registration_tokens WHERE token LIKE '" + sealed_new + "'") == "2");
  CHECK(contains(open_error(db, seal_of({old_key})), "not among the state keys"));
  sqlite_store store(db, seal_of({new_key}));
  const auto snap = store.load();
  REQUIRE(snap.credentials.size() == 2);
  CHECK(snap.registration_tokens.size() == 2);
  for (const auto& [conn, c] : snap.credentials) CHECK(c.token_from_peer.starts_with("from-peer-secret-"));
}

TEST_CASE("tokens at rest: an interrupted rotation is finished at start-up with the keys the file still holds") {
  temp_dir dir;
  const std::string db = dir.file("bridge.sqlite3");
  const auto old_key = token_seal::new_key();
  const auto new_key = token_seal::new_key();
  run_with(db, seal_of({old_key}), [](shared_state& s) { s.set_credentials("iop", secret_credentials("iop")); });
  // The key file got {new, old}, then the bridge died before the re-sealed rows were committed.
  { sqlite_store store(db, seal_of({new_key, old_key})); }
  CHECK(open_error(db, seal_of({new_key})) == "(opened)");
}

TEST_CASE("tokens at rest: a token A issued again keeps one row, bound to its last connection") {
  temp_dir dir;
  const std::string db = dir.file("bridge.sqlite3");
  const auto seal = seal_of({token_seal::new_key()});
  run_with(db, seal, [](shared_state& s) {
    s.add_registration_token("legacy:FR*CPO", "token-A-secret");
    s.add_registration_token("legacy:FR*EMSP", "token-A-secret");
  });
  CHECK(raw_db(db).count("registration_tokens") == 1);
  shared_state r(mapping_options{});
  r.attach(std::make_unique<sqlite_store>(db, seal));
  CHECK(r.connection_of_registration_token("token-A-secret") == "legacy:FR*EMSP");
}
