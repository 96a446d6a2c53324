#pragma once
// Shared by the state tests: sample records, a raw look into a database file, and a store that
// only remembers what it was asked to do.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "proxy/state/shared_state.hpp"
#include "proxy/state/state_store.hpp"

namespace state_test {

using namespace ocpi;
using namespace ocpi::proxy;

inline peer_credentials sample_credentials(const std::string& n) {
  return {"to-" + n, "from-" + n, "https://peer/" + n + "/versions", "2.1.1", R"({"token":")" + n + R"("})",
          "2024-06-01T12:00:00Z"};
}

inline pending_command sample_command(const std::string& id, std::int64_t expires_at_ms = 1717243200000) {
  return {id, "START_SESSION", "iop", "https://emsp/cb/" + id, "corr-" + id, "FR*EMP", "FR*CPO",
          R"({"authorization_reference":"ref-)" + id + R"("})", expires_at_ms, "PENDING"};
}

// Raw SQLite access, independent of the code under test.
class raw_db {
 public:
  explicit raw_db(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK)
      throw std::runtime_error("raw_db: cannot open " + path);
  }
  ~raw_db() { sqlite3_close(db_); }
  raw_db(const raw_db&) = delete;
  raw_db& operator=(const raw_db&) = delete;

  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      const std::string message = err ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error("raw_db: " + message);
    }
  }
  std::string text(const std::string& sql) {  // first column of the first row
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db_));
    std::string out;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
      out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return out;
  }
  long long count(const std::string& table) { return std::stoll(text("SELECT count(*) FROM " + table)); }

 private:
  sqlite3* db_ = nullptr;
};

// A state_store in memory that logs its calls; `fail_commits` makes the next commits throw.
class recording_store final : public state_store {
 public:
  struct log {
    std::mutex mutex;
    std::vector<std::string> calls;  // "begin", "commit", "rollback", "put_exposed_cdr:<id>", ...
    int fail_commits = 0;
    int committed_batches = 0;
  };
  explicit recording_store(log& l) : log_(l) {}

  const std::string& name() const override { return name_; }
  state_snapshot load() override { return {}; }
  void begin() override { note("begin"); }
  void commit() override {
    std::lock_guard lock(log_.mutex);
    if (log_.fail_commits > 0) {
      --log_.fail_commits;
      throw std::runtime_error("disk full (simulated)");
    }
    ++log_.committed_batches;
    log_.calls.push_back("commit");
  }
  void rollback() noexcept override { note("rollback"); }
  void reseal(std::shared_ptr<const token_seal>) override { note("reseal"); }
  void put_credentials(const std::string& c, const peer_credentials&) override { note("put_credentials:" + c); }
  void erase_credentials(const std::string& c) override { note("erase_credentials:" + c); }
  void put_registration_token(const std::string& t, const std::string&) override { note("put_registration_token:" + t); }
  void erase_registration_tokens(const std::string& c) override { note("erase_registration_tokens:" + c); }
  void put_pending(const pending_command& c) override { note("put_pending:" + c.id + ":" + c.state); }
  void erase_pending(const std::string& id) override { note("erase_pending:" + id); }
  void put_last_status(const std::string& k, const std::string& s) override { note("put_last_status:" + k + ":" + s); }
  void put_endpoint_directory(const std::string& c, const std::string&) override { note("put_endpoint_directory:" + c); }
  void erase_endpoint_directory(const std::string& c) override { note("erase_endpoint_directory:" + c); }
  void put_object(const stored_object& o) override { note("put_object:" + o.key); }
  void put_authorization(const stored_authorization& a) override { note("put_authorization:" + a.key); }
  void put_exposed_location(const stored_id& e) override { note("put_exposed_location:" + e.exposed); }
  void put_exposed_cdr(const stored_id& e) override { note("put_exposed_cdr:" + e.exposed); }
  void put_long_id(const stored_hash& h) override { note("put_long_id:" + h.hashed); }
  void put_flow_row(const flow_row& r) override { note("put_flow_row:" + r.table + ":" + r.key); }
  void erase_flow_row(const std::string& t, const std::string& k) override { note("erase_flow_row:" + t + ":" + k); }

 private:
  void note(std::string call) {
    std::lock_guard lock(log_.mutex);
    log_.calls.push_back(std::move(call));
  }
  log& log_;
  std::string name_ = "recording";
};

}  // namespace state_test
