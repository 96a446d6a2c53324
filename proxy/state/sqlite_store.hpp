#pragma once
// The embedded default state_store: one SQLite file under bridge.data_dir, WAL journal, schema
// migrations versioned in code (PRAGMA user_version).
#include <memory>
#include <span>
#include <string>

#include "proxy/state/sqlite_db.hpp"
#include "proxy/state/state_store.hpp"
#include "proxy/state/token_seal.hpp"

namespace ocpi::proxy {

class sqlite_store final : public state_store {
 public:
  // Opens `path` (created if missing), checks it and applies the migrations it lacks, in one
  // transaction; then seals, with `seal`'s first key, every secret still in plaintext (a store
  // from before issue 12) or sealed with another key (an interrupted rotation), in one more.
  // Throws std::runtime_error naming the file when it is unreadable, not a database, damaged,
  // written by a newer bridge, or holds a secret `seal` cannot open.
  sqlite_store(const std::string& path, std::shared_ptr<const token_seal> seal);

  // migrations()[i] takes a database from schema version i to i + 1.
  static std::span<const char* const> migrations();
  static int schema_version() { return static_cast<int>(migrations().size()); }

  const std::string& name() const override { return db_.path(); }
  state_snapshot load() override;

  void begin() override;
  void commit() override;
  void rollback() noexcept override;

  void reseal(std::shared_ptr<const token_seal> seal) override;
  void put_credentials(const std::string& connection, const peer_credentials& c) override;
  void erase_credentials(const std::string& connection) override;
  void put_registration_token(const std::string& token, const std::string& connection) override;
  void erase_registration_tokens(const std::string& connection) override;
  void put_pending(const pending_command& cmd) override;
  void erase_pending(const std::string& id) override;
  void put_last_status(const std::string& key, const std::string& status) override;
  void put_endpoint_directory(const std::string& connection, const std::string& json) override;
  void erase_endpoint_directory(const std::string& connection) override;
  void put_object(const stored_object& o) override;
  void put_authorization(const stored_authorization& a) override;
  void put_exposed_location(const stored_id& e) override;
  void put_exposed_cdr(const stored_id& e) override;
  void put_long_id(const stored_hash& h) override;
  void put_flow_row(const flow_row& r) override;
  void erase_flow_row(const std::string& table, const std::string& key) override;
  void put_outbound(const outbound_entry& e) override;
  void erase_outbound(std::int64_t seq) override;
  void put_dead_letter(const dead_letter& d) override;
  void erase_dead_letter(std::int64_t id) override;

 private:
  void configure();
  void migrate();
  void seal_at_start();
  std::size_t reseal_rows();  // values re-sealed
  std::string seal_value(std::string_view plain, const std::string& aad) const;
  std::string reveal(const std::string& value, const std::string& aad) const;  // plaintext passes
  sqlite_db db_;
  std::shared_ptr<const token_seal> seal_;
};

}  // namespace ocpi::proxy
