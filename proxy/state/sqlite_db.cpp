#include "proxy/state/sqlite_db.hpp"

#include <sqlite3.h>
#include <stdexcept>
#include <sys/stat.h>

namespace ocpi::proxy {

sqlite_statement::~sqlite_statement() { sqlite3_finalize(stmt_); }

sqlite_statement& sqlite_statement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    db_.fail("bind");
  return *this;
}

sqlite_statement& sqlite_statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) db_.fail("bind");
  return *this;
}

bool sqlite_statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) {
    reset();
    return false;
  }
  const std::string message = std::string(sqlite3_sql(stmt_)) + ": " + sqlite3_errmsg(sqlite3_db_handle(stmt_));
  reset();
  throw std::runtime_error(db_.path() + ": " + message);
}

void sqlite_statement::run() {
  while (step()) {
  }
}

std::string sqlite_statement::text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
}

std::int64_t sqlite_statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

void sqlite_statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

sqlite_db::sqlite_db(std::string path) : path_(std::move(path)) {
  // NOMUTEX: a store is used by one thread at a time (opened and loaded by the starting thread,
  // then handed to the writer thread), so SQLite's own locking would only cost.
  const int rc = sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error(path_ + ": cannot open: " + message);
  }
  // Credentials are in there: owner-only. SQLite gives the -wal/-shm files the same mode.
  (void)::chmod(path_.c_str(), S_IRUSR | S_IWUSR);
  sqlite3_extended_result_codes(db_, 1);
}

sqlite_db::~sqlite_db() {
  statements_.clear();  // statements first: close fails while any is alive
  sqlite3_close(db_);
}

void sqlite_db::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string message = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    throw std::runtime_error(path_ + ": " + message);
  }
}

std::string sqlite_db::query_text(const char* sql) {
  sqlite_statement& s = prepare(sql);
  std::string out;
  if (s.step()) {
    out = s.text(0);
    s.reset();
  }
  return out;
}

sqlite_statement& sqlite_db::prepare(const char* sql) {
  if (auto it = statements_.find(std::string_view(sql)); it != statements_.end()) {
    it->second->reset();
    return *it->second;
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) fail(sql);
  return *statements_.emplace(sql, std::make_unique<sqlite_statement>(*this, stmt)).first->second;
}

void sqlite_db::fail(std::string_view what) const {
  throw std::runtime_error(path_ + ": " + std::string(what) + ": " + sqlite3_errmsg(db_));
}

}  // namespace ocpi::proxy
