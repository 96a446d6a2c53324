#pragma once
// The bridge's state as the I/O threads see it: the mapping_context the translations read, plus
// the tables only the router uses (credentials per connection, pending command callbacks, last
// delivered EVSE status §4.15). Reads are served from memory under one mutex held only for map
// operations (never across I/O). The persistent SQLite store sits behind the same interface:
// every mutation is also queued to a writer thread; `when_durable` tells when it reached disk.
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ocpi/memory_context.hpp"

namespace ocpi::proxy {

// What the bridge knows about one registered connection (MAPPING §2). `connection` keys are
// "iop" for the hub and "legacy:CC*PID" for a legacy backend (see connection_key()).
struct peer_credentials {
  std::string token_to_peer;    // the bridge presents it to the peer (raw; encoded per version)
  std::string token_from_peer;  // the peer presents it to the bridge
  std::string versions_url;     // the peer's versions endpoint
  std::string version;          // negotiated version ("2.2.1" toward IOP, "2.1.1" toward legacy)
  std::string credentials_json; // the peer's last Credentials object, as received
  std::string updated_at;       // RFC 3339 UTC
};

// A command the bridge forwarded with its own callback URL in place of the caller's response_url
// (MAPPING §3.3). `id` is the last segment of the bridge callback URL.
struct pending_command {
  std::string id;
  std::string command;          // START_SESSION, STOP_SESSION, ...
  std::string toward;           // "iop" (a legacy eMSP's command, IOP will call back) | "legacy"
  std::string response_url;     // the original caller's response_url
  std::string correlation_id;   // the original X-Correlation-ID, reused for the relayed result
  std::string caller;           // "CC*PID" of the party that sent the command
  std::string executor;         // "CC*PID" of the CPO executing it
  std::string context_json;     // what the relay needs later (e.g. authorization_reference), JSON object
  std::int64_t expires_at_ms = 0;  // unix ms; after it a TIMEOUT result is synthesised
  std::string state = "PENDING";   // PENDING | DONE | TIMED_OUT
};

std::string connection_key(const party& p);  // "legacy:CC*PID" (upper-cased)
inline constexpr std::string_view iop_connection = "iop";

class shared_state final : public mapping_context {
 public:
  explicit shared_state(mapping_options opts);

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

  // Calls `fn` (from another thread) once every mutation made before this call is on disk; at
  // once when the state is not persistent.
  void when_durable(std::function<void()> fn);

  // Fixes the clock (tests, `translate --now`); empty = the real clock.
  void set_fixed_now(std::string now);

 private:
  mapping_options opts_;
  mutable std::mutex mutex_;
  memory_context inner_;
  std::map<std::string, std::string> last_status_;
  std::map<std::string, std::string, std::less<>> tokens_by_uid_;  // upper-cased "uid|type" -> Token
  std::map<std::string, peer_credentials, std::less<>> credentials_;
  std::map<std::string, std::string, std::less<>> registration_tokens_;  // token -> connection
  std::map<std::string, pending_command, std::less<>> pending_;
  std::string fixed_now_;
};

}  // namespace ocpi::proxy
