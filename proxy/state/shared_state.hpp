#pragma once
// The bridge's state as the I/O threads see it: the mapping_context the translations read, plus
// the tables only the router uses (credentials per connection, pending command callbacks, last
// delivered EVSE status §4.15). Reads are served from memory under one mutex held only for map
// operations (never across I/O). With a state_store attached (the bridge: SQLite), every
// mutation is also queued to one writer thread that commits in batches, so no I/O thread waits
// for the disk; `when_durable` tells when what was written before it is on disk.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ocpi/memory_context.hpp"
#include "proxy/state/outbound_queue.hpp"
#include "proxy/state/records.hpp"

namespace ocpi::proxy {

std::string connection_key(const party& p);  // "legacy:CC*PID" (upper-cased)
inline constexpr std::string_view iop_connection = "iop";

class state_store;
class store_writer;
class token_seal;
struct state_snapshot;

class shared_state final : public mapping_context, private context_listener {
 public:
  explicit shared_state(mapping_options opts);
  ~shared_state() override;  // detach()

  const mapping_options& options() const override { return opts_; }
  std::string now() const override;

  std::optional<std::string> location(const party& owner, std::string_view id) const override;
  std::optional<std::string> session(const party& owner, std::string_view id) const override;
  std::optional<std::string> tariff(const party& owner, std::string_view id) const override;
  std::optional<std::string> token(const party& owner, std::string_view uid, std::string_view type) const override;
  std::vector<std::string> tokens_by_contract_id(std::string_view contract_id) const override;
  std::optional<authorization_record> authorization(const party& cpo, std::string_view reference) const override;
  std::string expose_location_id(const object_key& key, std::string_view gireve_id) override;
  std::optional<object_key> location_by_exposed_id(std::string_view exposed) const override;
  std::string expose_cdr_id(const object_key& key) override;
  std::string hash_long_id(std::string_view original) override;
  std::optional<std::string> original_of_hash(std::string_view hashed) const override;

  // Cache writes: the latest full 2.2.1 object (owner and id are read from the object).
  void put_location(const std::string& json_221);
  void put_session(const std::string& json_221);
  void put_tariff(const std::string& json_221);
  void put_token(const std::string& json_221);
  // Gireve 2.1.1 unitary token GET (§3.2.6, §4.13): the CPO knows the uid, not the eMSP. The
  // latest cached Token with this uid and type (RFID when empty), whoever issued it.
  std::optional<std::string> token_by_uid(std::string_view uid, std::string_view type) const;
  void put_authorization(const party& cpo, const std::string& reference, authorization_record rec);

  // §4.15: the last EVSE status delivered (or queued) to IOP, per (owner, location, evse).
  std::optional<std::string> last_status(const party& owner, std::string_view location, std::string_view evse) const;
  void set_last_status(const party& owner, std::string_view location, std::string_view evse, std::string status);

  // --- credentials (MAPPING §2) -------------------------------------------------------------
  std::optional<peer_credentials> credentials(std::string_view connection) const;
  void set_credentials(std::string_view connection, peer_credentials creds);
  void erase_credentials(std::string_view connection);
  // Which connection presents `token` to the bridge (registered token_from_peer), if any.
  std::optional<std::string> connection_of_token(std::string_view token) const;
  // One-time registration tokens ("token A") the bridge issued, per connection.
  void add_registration_token(std::string_view connection, std::string token);
  std::optional<std::string> connection_of_registration_token(std::string_view token) const;
  std::vector<std::string> registration_tokens(std::string_view connection) const;
  void erase_registration_tokens(std::string_view connection);

  // --- pending command callbacks (MAPPING §3.3) -------------------------------------------
  void add_pending_command(pending_command cmd);
  std::optional<pending_command> pending(std::string_view id) const;
  // PENDING -> `state` (DONE | TIMED_OUT); false if unknown or no longer pending.
  bool finish_pending(std::string_view id, std::string_view state);
  std::vector<pending_command> expired_pending(std::int64_t now_ms) const;
  // Forgets finished records (not PENDING) whose deadline is before `cutoff_ms` (§5.4: a day
  // after they finished, so that they do not grow without bound); how many.
  std::size_t purge_finished_pending(std::int64_t cutoff_ms);

  // Calls `fn` (from another thread) once every mutation made before this call is on disk; at
  // once when the state is not persistent.
  void when_durable(std::function<void()> fn);
  bool store_writable() const noexcept;  // see store_writer::writable (always true in memory)

  // Fixes the clock (tests, `translate --now`); empty = the real clock.
  void set_fixed_now(std::string now);

  // Reverse of expose_cdr_id (§3.5.8, D5 GET by exposed id).
  std::optional<object_key> cdr_by_exposed_id(std::string_view exposed) const;

  // --- endpoint directories (MAPPING §5.1): the last good one per connection, as JSON --------
  std::optional<std::string> endpoint_directory(std::string_view connection) const;
  void set_endpoint_directory(std::string_view connection, std::string json);
  void erase_endpoint_directory(std::string_view connection);

  // --- rows kept for another component (flow_tables), persisted as they are -----------------
  // Only written through to the store: the owner keeps its own copy in memory and takes what the
  // store held at start-up once, with take_loaded_flow_rows().
  void put_flow_row(flow_row row);
  void erase_flow_row(std::string table, std::string key);
  std::vector<flow_row> take_loaded_flow_rows();

  // --- persistence (MAPPING §5, §5.8) -------------------------------------------------------
  // Loads everything `store` holds into memory, then queues every later mutation to a writer
  // thread that owns the store. Call once, before serving. Throws what the store throws.
  void attach(std::unique_ptr<state_store> store);
  // Commits what is queued, stops the writer and closes the store (graceful stop); the state
  // stays usable in memory. Not from a when_durable callback.
  void detach();
  bool persistent() const;
  // Queues state_store::reseal(seal) behind every write made so far (key rotation, issue 12):
  // when_durable() afterwards tells when the re-sealed rows are committed. Nothing without a store.
  void reseal(std::shared_ptr<const token_seal> seal);

  // --- store-and-forward toward IOP (MAPPING §4.14, §5.7): loaded by attach(), written through.
  outbound_queue& outbound() { return outbound_; }

 private:
  // context_listener: what inner_ records is queued to the writer.
  void cached(cache which, const std::string& key, const std::string& json) override;
  void authorization_put(const std::string& key, const party& cpo, const std::string& reference,
                         const authorization_record& rec) override;
  void location_id_exposed(const object_key& owner, const std::string& exposed) override;
  void cdr_id_exposed(const object_key& owner, const std::string& exposed) override;
  void long_id_hashed(const std::string& hashed, const std::string& original) override;
  // Queues a write when persistent; the caller holds mutex_, so queue order = memory order.
  template <class Write>
  void record(Write&& w);
  void restore(state_snapshot& snap);

  mapping_options opts_;
  mutable std::mutex mutex_;
  memory_context inner_;
  std::map<std::string, std::string> last_status_;
  std::map<std::string, std::string, std::less<>> tokens_by_uid_;
  void index_token(const std::string& json_221);  // upper-cased "uid|type" -> Token
  std::map<std::string, peer_credentials, std::less<>> credentials_;
  std::map<std::string, std::string, std::less<>> registration_tokens_;  // token -> connection
  std::map<std::string, pending_command, std::less<>> pending_;
  std::map<std::string, std::string, std::less<>> endpoint_directories_;
  std::vector<flow_row> loaded_flow_rows_;
  std::string fixed_now_;
  std::unique_ptr<store_writer> writer_;  // null: in memory only
  outbound_queue outbound_;
};

}  // namespace ocpi::proxy
