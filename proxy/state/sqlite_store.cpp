#include "proxy/state/sqlite_store.hpp"

#include <array>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <stdexcept>
#include <tuple>
#include <vector>

namespace ocpi::proxy {

namespace {

// Append-only: a released migration is never edited, a schema change is a new entry. Key
// columns compare with NOCASE because OCPI ids are CiStrings (MAPPING §0.2 rule 8).
constexpr std::array<const char*, 5> migration_sql = {
    // 1: the router's own tables (credentials per connection §2.5, pending commands §5.4, §4.15).
    R"sql(
CREATE TABLE credentials (
  connection TEXT PRIMARY KEY, token_to_peer TEXT NOT NULL, token_from_peer TEXT NOT NULL,
  versions_url TEXT NOT NULL, version TEXT NOT NULL, credentials_json TEXT NOT NULL,
  updated_at TEXT NOT NULL) STRICT;
CREATE TABLE registration_tokens (token TEXT PRIMARY KEY, connection TEXT NOT NULL) STRICT;
CREATE INDEX registration_tokens_by_connection ON registration_tokens (connection);
CREATE TABLE pending_commands (
  id TEXT PRIMARY KEY, command TEXT NOT NULL, toward TEXT NOT NULL, response_url TEXT NOT NULL,
  correlation_id TEXT NOT NULL, caller TEXT NOT NULL, executor TEXT NOT NULL,
  context_json TEXT NOT NULL, expires_at_ms INTEGER NOT NULL, state TEXT NOT NULL) STRICT;
CREATE TABLE last_status (key TEXT PRIMARY KEY, status TEXT NOT NULL) STRICT;
)sql",
    // 2: endpoint directories (§5.1), the mapping context's caches (§5.3, §5.5, §5.6) and id maps (§5.2).
    R"sql(
CREATE TABLE endpoint_directories (connection TEXT PRIMARY KEY, json TEXT NOT NULL) STRICT;
CREATE TABLE cached_objects (
  kind TEXT NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (kind, key)) STRICT;
CREATE TABLE authorizations (
  key TEXT PRIMARY KEY, cpo_country_code TEXT NOT NULL, cpo_party_id TEXT NOT NULL,
  reference TEXT NOT NULL, token_json TEXT NOT NULL, location_id TEXT NOT NULL,
  evse_uids_json TEXT NOT NULL, connector_id TEXT NOT NULL, source TEXT NOT NULL) STRICT;
CREATE TABLE exposed_location_ids (
  country_code TEXT NOT NULL COLLATE NOCASE, party_id TEXT NOT NULL COLLATE NOCASE,
  id TEXT NOT NULL COLLATE NOCASE, exposed TEXT NOT NULL,
  PRIMARY KEY (country_code, party_id, id)) STRICT;
CREATE TABLE exposed_cdr_ids (
  exposed TEXT PRIMARY KEY COLLATE NOCASE, country_code TEXT NOT NULL, party_id TEXT NOT NULL,
  id TEXT NOT NULL) STRICT;
CREATE TABLE long_id_hashes (hashed TEXT PRIMARY KEY COLLATE NOCASE, original TEXT NOT NULL) STRICT;
)sql",
    // 3: the flows' own tables (CDR links §3.5.7, Tariff variants and deliveries §3.6.7), opaque rows
    // whose keys flow_tables has already normalised (upper case), hence no NOCASE here.
    R"sql(
CREATE TABLE flow_rows (
  tbl TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (tbl, key)) STRICT;
)sql",
    // 4: store-and-forward queues toward IOP and their dead letters (§4.14, §5.7).
    R"sql(
CREATE TABLE outbound_queue (
  seq INTEGER PRIMARY KEY, queue TEXT NOT NULL, method TEXT NOT NULL, url TEXT NOT NULL,
  from_country_code TEXT NOT NULL, from_party_id TEXT NOT NULL, to_country_code TEXT NOT NULL,
  to_party_id TEXT NOT NULL, correlation_id TEXT NOT NULL, body TEXT NOT NULL,
  enqueued_at_ms INTEGER NOT NULL, attempts INTEGER NOT NULL, last_error TEXT NOT NULL) STRICT;
CREATE TABLE dead_letters (
  seq INTEGER PRIMARY KEY, queue TEXT NOT NULL, method TEXT NOT NULL, url TEXT NOT NULL,
  from_country_code TEXT NOT NULL, from_party_id TEXT NOT NULL, to_country_code TEXT NOT NULL,
  to_party_id TEXT NOT NULL, correlation_id TEXT NOT NULL, body TEXT NOT NULL,
  enqueued_at_ms INTEGER NOT NULL, attempts INTEGER NOT NULL, last_error TEXT NOT NULL,
  failed_at_ms INTEGER NOT NULL, answer_http INTEGER NOT NULL, answer_body TEXT NOT NULL) STRICT;
)sql",
    // 5: what the legacy backend sent beside the translated request (§5.7), and why a dead letter
    // is one (IOP's refusal, a head that kept getting unusable answers, the operator).
    R"sql(
ALTER TABLE outbound_queue ADD COLUMN original TEXT NOT NULL DEFAULT '';
ALTER TABLE dead_letters ADD COLUMN original TEXT NOT NULL DEFAULT '';
ALTER TABLE dead_letters ADD COLUMN reason TEXT NOT NULL DEFAULT '';
)sql",
};

// The columns outbound_queue and dead_letters share, in table order.
constexpr const char* entry_columns =
    "seq, queue, method, url, from_country_code, from_party_id, to_country_code, to_party_id, correlation_id, body, "
    "enqueued_at_ms, attempts, last_error";

using cache = context_listener::cache;

const char* kind_name(cache c) {
  switch (c) {
    case cache::location: return "location";
    case cache::session: return "session";
    case cache::tariff: return "tariff";
    case cache::token: return "token";
  }
  return "location";
}

bool kind_of(const std::string& name, cache& out) {
  for (cache c : {cache::location, cache::session, cache::tariff, cache::token})
    if (name == kind_name(c)) {
      out = c;
      return true;
    }
  return false;
}

// AAD of each sealed column (token_seal.hpp): table, column and the row's key, so that a value
// copied into another row or column does not open. A token A is its row's key itself: it is bound
// to the connection it was issued for.
std::string aad(std::string_view column, std::string_view row) { return std::string(column) + "|" + std::string(row); }
constexpr std::string_view to_peer_col = "credentials.token_to_peer";
constexpr std::string_view from_peer_col = "credentials.token_from_peer";
constexpr std::string_view json_col = "credentials.credentials_json";
constexpr std::string_view token_a_col = "registration_tokens.token";

}  // namespace

std::span<const char* const> sqlite_store::migrations() { return migration_sql; }

sqlite_store::sqlite_store(const std::string& path, std::shared_ptr<const token_seal> seal) try
    : db_(path), seal_(std::move(seal)) {
  if (!seal_) throw std::invalid_argument("sqlite_store: no token seal");
  configure();
  migrate();
  seal_at_start();
} catch (const std::runtime_error& e) {
  throw std::runtime_error(std::string("state store ") + e.what());
}

void sqlite_store::configure() {
  // The first statement to read the file: a corrupt or foreign file fails here ("file is not a
  // database"), which names the path through sqlite_db.
  db_.exec("PRAGMA busy_timeout = 5000");  // the lock file keeps other bridges out; tools may read
  if (db_.query_text("PRAGMA journal_mode = WAL") != "wal") db_.fail("cannot switch to WAL journal");
  // WAL alone survives SIGKILL: a commit has reached the OS before it returns. FULL adds an fsync
  // of the WAL at every commit, so that a power loss or kernel crash cannot take back a
  // transaction whose when_durable callback already let the bridge acknowledge it (MAPPING §5).
  // The writer's group commit pays that fsync once per batch, not once per write.
  db_.exec("PRAGMA synchronous = FULL");
  // A replaced or deleted row's bytes are zeroed in its page (FAST: without extra I/O), so that an
  // erased token's sealed value does not linger in the file.
  db_.exec("PRAGMA secure_delete = FAST");
  // Cheap enough at start-up and turns a damaged file into a clear refusal instead of errors later.
  if (const auto check = db_.query_text("PRAGMA quick_check"); check != "ok")
    throw std::runtime_error(db_.path() + ": damaged database: " + check);
}

void sqlite_store::migrate() {
  // IMMEDIATE takes the write lock before reading the version: no one can migrate in between.
  db_.exec("BEGIN IMMEDIATE");
  try {
    const int version = static_cast<int>(std::stol(db_.query_text("PRAGMA user_version")));
    if (version > schema_version())
      throw std::runtime_error(db_.path() + ": schema version " + std::to_string(version) +
                               " is newer than this bridge supports (" + std::to_string(schema_version()) +
                               "); run a newer ocpi-bridge");
    for (int v = version; v < schema_version(); ++v) db_.exec(migration_sql[static_cast<std::size_t>(v)]);
    db_.exec(("PRAGMA user_version = " + std::to_string(schema_version())).c_str());
    db_.exec("COMMIT");
  } catch (...) {
    rollback();
    throw;
  }
}

void sqlite_store::seal_at_start() {
  // ON while rewriting plaintext rows: FAST would leave the old bytes in pages the rewrite frees.
  // (Changed outside a transaction: the pragma is a connection setting.)
  db_.exec("PRAGMA secure_delete = ON");
  db_.exec("BEGIN IMMEDIATE");
  std::size_t n = 0;
  try {
    n = reseal_rows();
    db_.exec("COMMIT");
  } catch (...) {
    rollback();
    throw;
  }
  db_.exec("PRAGMA secure_delete = FAST");
  if (n == 0) return;
  // Older copies of the same tokens may sit in free space the old bridge left without secure_delete
  // (every credentials update freed a cell), and in the WAL: VACUUM rebuilds the file from the live
  // rows only, the checkpoint copies it into the database and empties the WAL. Once per migration.
  db_.exec("VACUUM");
  db_.query_text("PRAGMA wal_checkpoint(TRUNCATE)");
  spdlog::info("state store {}: {} row(s) with secrets sealed with key {}", db_.path(), n, seal_->current_id());
}

std::string sqlite_store::seal_value(std::string_view plain, const std::string& aad) const { return seal_->seal(plain, aad); }

std::string sqlite_store::reveal(const std::string& value, const std::string& aad) const {
  if (!token_seal::is_sealed(value)) return value;  // written before issue 12: sealed at start-up
  try {
    return seal_->open(value, aad);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(db_.path() + ": " + aad + ": " + e.what());
  }
}

std::size_t sqlite_store::reseal_rows() {
  // Read first, write after: a statement is not stepped through a table it is updating.
  std::vector<std::array<std::string, 4>> credentials;
  for (auto& s = db_.prepare("SELECT connection, token_to_peer, token_from_peer, credentials_json FROM credentials"); s.step();)
    if (!seal_->sealed_with_current(s.text(1)) || !seal_->sealed_with_current(s.text(2)) || !seal_->sealed_with_current(s.text(3)))
      credentials.push_back({s.text(0), s.text(1), s.text(2), s.text(3)});
  for (const auto& [conn, to, from, json] : credentials)
    db_.prepare("UPDATE credentials SET token_to_peer = ?2, token_from_peer = ?3, credentials_json = ?4 WHERE connection = ?1")
        .bind(1, conn)
        .bind(2, seal_value(reveal(to, aad(to_peer_col, conn)), aad(to_peer_col, conn)))
        .bind(3, seal_value(reveal(from, aad(from_peer_col, conn)), aad(from_peer_col, conn)))
        .bind(4, seal_value(reveal(json, aad(json_col, conn)), aad(json_col, conn)))
        .run();
  std::vector<std::tuple<std::int64_t, std::string, std::string>> tokens;
  for (auto& s = db_.prepare("SELECT rowid, token, connection FROM registration_tokens"); s.step();)
    if (!seal_->sealed_with_current(s.text(1))) tokens.emplace_back(s.integer(0), s.text(1), s.text(2));
  for (const auto& [rowid, token, conn] : tokens)
    db_.prepare("UPDATE registration_tokens SET token = ?2 WHERE rowid = ?1")
        .bind(1, rowid)
        .bind(2, seal_value(reveal(token, aad(token_a_col, conn)), aad(token_a_col, conn)))
        .run();
  return credentials.size() + tokens.size();
}

void sqlite_store::reseal(std::shared_ptr<const token_seal> seal) {
  if (!seal) throw std::invalid_argument("sqlite_store::reseal: no token seal");
  seal_ = std::move(seal);
  reseal_rows();
}

void sqlite_store::begin() { db_.exec("BEGIN IMMEDIATE"); }
void sqlite_store::commit() { db_.exec("COMMIT"); }
void sqlite_store::rollback() noexcept {
  try {
    db_.exec("ROLLBACK");
  } catch (const std::exception&) {
    // SQLite may already have rolled back (e.g. after SQLITE_FULL); nothing is left to undo.
  }
}

state_snapshot sqlite_store::load() {
  state_snapshot out;
  for (auto& s = db_.prepare("SELECT connection, token_to_peer, token_from_peer, versions_url, version, "
                             "credentials_json, updated_at FROM credentials");
       s.step();) {
    const std::string conn = s.text(0);
    out.credentials.emplace_back(conn, peer_credentials{reveal(s.text(1), aad(to_peer_col, conn)),
                                                        reveal(s.text(2), aad(from_peer_col, conn)), s.text(3), s.text(4),
                                                        reveal(s.text(5), aad(json_col, conn)), s.text(6)});
  }
  for (auto& s = db_.prepare("SELECT token, connection FROM registration_tokens"); s.step();)
    out.registration_tokens.emplace_back(reveal(s.text(0), aad(token_a_col, s.text(1))), s.text(1));
  for (auto& s = db_.prepare("SELECT id, command, toward, response_url, correlation_id, caller, executor, "
                             "context_json, expires_at_ms, state FROM pending_commands");
       s.step();)
    out.pending_commands.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6), s.text(7),
                                    s.integer(8), s.text(9)});
  for (auto& s = db_.prepare("SELECT key, status FROM last_status"); s.step();) out.last_status.emplace_back(s.text(0), s.text(1));
  for (auto& s = db_.prepare("SELECT connection, json FROM endpoint_directories"); s.step();)
    out.endpoint_directories.emplace_back(s.text(0), s.text(1));
  for (auto& s = db_.prepare("SELECT kind, key, json FROM cached_objects"); s.step();) {
    stored_object o{cache::location, s.text(1), s.text(2)};
    if (!kind_of(s.text(0), o.kind)) throw std::runtime_error(db_.path() + ": unknown cached object kind '" + s.text(0) + "'");
    out.objects.push_back(std::move(o));
  }
  for (auto& s = db_.prepare("SELECT key, cpo_country_code, cpo_party_id, reference, token_json, location_id, "
                             "evse_uids_json, connector_id, source FROM authorizations");
       s.step();) {
    stored_authorization a{s.text(0), {s.text(1), s.text(2)}, s.text(3), {s.text(4), s.text(5), {}, s.text(7), s.text(8)}};
    const auto uids = nlohmann::json::parse(s.text(6), nullptr, false);
    if (!uids.is_array()) throw std::runtime_error(db_.path() + ": authorizations.evse_uids_json: expected a JSON array");
    for (const auto& u : uids)
      if (u.is_string()) a.rec.evse_uids.push_back(u.get<std::string>());
    out.authorizations.push_back(std::move(a));
  }
  // rowid order = write order: when two owners share an exposed id, the last writer wins, as in memory.
  for (auto& s = db_.prepare("SELECT country_code, party_id, id, exposed FROM exposed_location_ids ORDER BY rowid"); s.step();)
    out.exposed_locations.push_back({{{s.text(0), s.text(1)}, s.text(2)}, s.text(3)});
  for (auto& s = db_.prepare("SELECT country_code, party_id, id, exposed FROM exposed_cdr_ids"); s.step();)
    out.exposed_cdrs.push_back({{{s.text(0), s.text(1)}, s.text(2)}, s.text(3)});
  for (auto& s = db_.prepare("SELECT hashed, original FROM long_id_hashes"); s.step();) out.long_ids.push_back({s.text(0), s.text(1)});
  // rowid order = write order: the CDR link bound forgets the oldest first, also after a restart.
  for (auto& s = db_.prepare("SELECT tbl, key, value FROM flow_rows ORDER BY rowid"); s.step();)
    out.flow_rows.push_back({s.text(0), s.text(1), s.text(2)});
  // Both SELECTs read `original` right behind the shared columns.
  const auto entry = [](const sqlite_statement& s) {
    return outbound_entry{s.integer(0),  s.text(1),    s.text(2),     s.text(3), {s.text(4), s.text(5)},
                          {s.text(6), s.text(7)}, s.text(8), s.text(9), s.integer(10), s.integer(11),
                          s.text(12),    s.text(13)};
  };
  const std::string from_queue = std::string("SELECT ") + entry_columns + ", original FROM outbound_queue ORDER BY seq";
  for (auto& s = db_.prepare(from_queue.c_str()); s.step();) out.outbound.push_back(entry(s));
  const std::string from_dead = std::string("SELECT ") + entry_columns +
                                ", original, failed_at_ms, answer_http, answer_body, reason FROM dead_letters ORDER BY seq";
  for (auto& s = db_.prepare(from_dead.c_str()); s.step();)
    out.dead_letters.push_back({entry(s), s.integer(14), static_cast<int>(s.integer(15)), s.text(16), s.text(17)});
  return out;
}

void sqlite_store::put_credentials(const std::string& connection, const peer_credentials& c) {
  db_.prepare("INSERT OR REPLACE INTO credentials VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
      .bind(1, connection).bind(2, seal_value(c.token_to_peer, aad(to_peer_col, connection)))
      .bind(3, seal_value(c.token_from_peer, aad(from_peer_col, connection))).bind(4, c.versions_url)
      .bind(5, c.version).bind(6, seal_value(c.credentials_json, aad(json_col, connection))).bind(7, c.updated_at).run();
}

void sqlite_store::erase_credentials(const std::string& connection) {
  db_.prepare("DELETE FROM credentials WHERE connection = ?1").bind(1, connection).run();
}

void sqlite_store::put_registration_token(const std::string& token, const std::string& connection) {
  // The key column holds a sealed value that differs at every write (random nonce), so REPLACE no
  // longer finds the token's old row: it is looked for among the (few) pending tokens A instead.
  std::vector<std::int64_t> same;
  for (auto& s = db_.prepare("SELECT rowid, token, connection FROM registration_tokens"); s.step();)
    if (reveal(s.text(1), aad(token_a_col, s.text(2))) == token) same.push_back(s.integer(0));
  for (const auto rowid : same) db_.prepare("DELETE FROM registration_tokens WHERE rowid = ?1").bind(1, rowid).run();
  db_.prepare("INSERT INTO registration_tokens VALUES (?1, ?2)")
      .bind(1, seal_value(token, aad(token_a_col, connection))).bind(2, connection).run();
}

void sqlite_store::erase_registration_tokens(const std::string& connection) {
  db_.prepare("DELETE FROM registration_tokens WHERE connection = ?1").bind(1, connection).run();
}

void sqlite_store::put_pending(const pending_command& c) {
  db_.prepare("INSERT OR REPLACE INTO pending_commands VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
      .bind(1, c.id).bind(2, c.command).bind(3, c.toward).bind(4, c.response_url).bind(5, c.correlation_id)
      .bind(6, c.caller).bind(7, c.executor).bind(8, c.context_json).bind(9, c.expires_at_ms).bind(10, c.state).run();
}

void sqlite_store::erase_pending(const std::string& id) {
  db_.prepare("DELETE FROM pending_commands WHERE id = ?1").bind(1, id).run();
}

void sqlite_store::put_last_status(const std::string& key, const std::string& status) {
  db_.prepare("INSERT OR REPLACE INTO last_status VALUES (?1, ?2)").bind(1, key).bind(2, status).run();
}

void sqlite_store::put_endpoint_directory(const std::string& connection, const std::string& json) {
  db_.prepare("INSERT OR REPLACE INTO endpoint_directories VALUES (?1, ?2)").bind(1, connection).bind(2, json).run();
}

void sqlite_store::erase_endpoint_directory(const std::string& connection) {
  db_.prepare("DELETE FROM endpoint_directories WHERE connection = ?1").bind(1, connection).run();
}

void sqlite_store::put_object(const stored_object& o) {
  db_.prepare("INSERT OR REPLACE INTO cached_objects VALUES (?1, ?2, ?3)")
      .bind(1, kind_name(o.kind)).bind(2, o.key).bind(3, o.json).run();
}

void sqlite_store::put_authorization(const stored_authorization& a) {
  db_.prepare("INSERT OR REPLACE INTO authorizations VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
      .bind(1, a.key).bind(2, a.cpo.country_code).bind(3, a.cpo.party_id).bind(4, a.reference)
      .bind(5, a.rec.token_json).bind(6, a.rec.location_id).bind(7, nlohmann::json(a.rec.evse_uids).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
      .bind(8, a.rec.connector_id).bind(9, a.rec.source).run();
}

void sqlite_store::put_exposed_location(const stored_id& e) {
  db_.prepare("INSERT OR REPLACE INTO exposed_location_ids VALUES (?1, ?2, ?3, ?4)")
      .bind(1, e.key.owner.country_code).bind(2, e.key.owner.party_id).bind(3, e.key.id).bind(4, e.exposed).run();
}

void sqlite_store::put_exposed_cdr(const stored_id& e) {
  db_.prepare("INSERT OR REPLACE INTO exposed_cdr_ids VALUES (?1, ?2, ?3, ?4)")
      .bind(1, e.exposed).bind(2, e.key.owner.country_code).bind(3, e.key.owner.party_id).bind(4, e.key.id).run();
}

void sqlite_store::put_long_id(const stored_hash& h) {
  db_.prepare("INSERT OR REPLACE INTO long_id_hashes VALUES (?1, ?2)").bind(1, h.hashed).bind(2, h.original).run();
}

void sqlite_store::put_flow_row(const flow_row& r) {
  db_.prepare("INSERT OR REPLACE INTO flow_rows VALUES (?1, ?2, ?3)").bind(1, r.table).bind(2, r.key).bind(3, r.value).run();
}

void sqlite_store::erase_flow_row(const std::string& table, const std::string& key) {
  db_.prepare("DELETE FROM flow_rows WHERE tbl = ?1 AND key = ?2").bind(1, table).bind(2, key).run();
}

namespace {
void bind_entry(sqlite_statement& st, const outbound_entry& e) {
  st.bind(1, e.seq).bind(2, e.queue).bind(3, e.method).bind(4, e.url).bind(5, e.from.country_code)
      .bind(6, e.from.party_id).bind(7, e.to.country_code).bind(8, e.to.party_id).bind(9, e.correlation_id)
      .bind(10, e.body).bind(11, e.enqueued_at_ms).bind(12, e.attempts).bind(13, e.last_error).bind(14, e.original);
}
}  // namespace

void sqlite_store::put_outbound(const outbound_entry& e) {
  static const std::string sql = std::string("INSERT OR REPLACE INTO outbound_queue (") + entry_columns +
                                 ", original) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
  auto& st = db_.prepare(sql.c_str());
  bind_entry(st, e);
  st.run();
}

void sqlite_store::erase_outbound(std::int64_t seq) {
  db_.prepare("DELETE FROM outbound_queue WHERE seq = ?1").bind(1, seq).run();
}

void sqlite_store::put_dead_letter(const dead_letter& d) {
  static const std::string sql =
      std::string("INSERT OR REPLACE INTO dead_letters (") + entry_columns +
      ", original, failed_at_ms, answer_http, answer_body, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
      "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";
  auto& st = db_.prepare(sql.c_str());
  bind_entry(st, d.entry);
  st.bind(15, d.failed_at_ms).bind(16, std::int64_t{d.answer_http}).bind(17, d.answer_body).bind(18, d.reason).run();
}

void sqlite_store::erase_dead_letter(std::int64_t id) {
  db_.prepare("DELETE FROM dead_letters WHERE seq = ?1").bind(1, id).run();
}

}  // namespace ocpi::proxy
