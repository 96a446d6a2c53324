#pragma once
// The one interface between the bridge's state and a durable store (MAPPING §5: "persisted in an
// embedded durable store ... memory caches are write-through"). shared_state serves every read
// from memory: at start-up it loads a snapshot, afterwards it hands each mutation to the
// store_writer thread, which applies them here in batches, one transaction per batch.
// sqlite_store is the embedded default. A store is used by one thread at a time.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ocpi/memory_context.hpp"
#include "proxy/state/outbound_queue.hpp"
#include "proxy/state/records.hpp"

namespace ocpi::proxy {

class token_seal;

// Rows as the store keeps them; `key` is the in-memory key, so that a write replaces its row.
struct stored_object {  // Location / Session / Tariff / Token cache entry, 2.2.1 JSON
  context_listener::cache kind{};
  std::string key;
  std::string json;
};
struct stored_authorization {  // MAPPING §4.1, §5.5
  std::string key;
  party cpo;
  std::string reference;
  authorization_record rec;
};
struct stored_id {  // exposed Location id (§4.6) or exposed CDR id (§3.5.8) <-> owner key
  object_key key;
  std::string exposed;
};
struct stored_hash {  // hashed long id (§1.9) -> original
  std::string hashed;
  std::string original;
};
using text_pairs = std::vector<std::pair<std::string, std::string>>;

// Everything a store holds, loaded once before the bridge serves.
struct state_snapshot {
  std::vector<std::pair<std::string, peer_credentials>> credentials;  // connection, record
  text_pairs registration_tokens;                                     // token, connection
  std::vector<pending_command> pending_commands;
  text_pairs last_status;            // status key, status
  text_pairs endpoint_directories;   // connection, directory JSON
  std::vector<stored_object> objects;
  std::vector<stored_authorization> authorizations;
  std::vector<stored_id> exposed_locations;
  std::vector<stored_id> exposed_cdrs;
  std::vector<stored_hash> long_ids;
  std::vector<flow_row> flow_rows;  // in write order
  std::vector<outbound_entry> outbound;  // store-and-forward queues (§4.14), any order
  std::vector<dead_letter> dead_letters;
};

class state_store {
 public:
  virtual ~state_store() = default;

  virtual const std::string& name() const = 0;  // for messages, e.g. the file path
  virtual state_snapshot load() = 0;

  // One batch: begin(), writes, commit(). When a write or the commit throws, the writer calls
  // rollback() and replays the whole batch later, so every write is an idempotent upsert/delete.
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;

  // Tokens at rest (issue 12): a store keeps credentials tokens, the peer's Credentials object and
  // tokens A sealed (token_seal.hpp). reseal() is a write like the others: from it on the store
  // seals with `seal`'s first key, and it re-seals every value sealed with another key, in the
  // batch's transaction. `seal` must open every value stored so far. Pure virtual: a store that
  // ignored it would let a rotation drop the only key that opens its rows.
  virtual void reseal(std::shared_ptr<const token_seal> seal) = 0;

  virtual void put_credentials(const std::string& connection, const peer_credentials& c) = 0;
  virtual void erase_credentials(const std::string& connection) = 0;
  virtual void put_registration_token(const std::string& token, const std::string& connection) = 0;
  virtual void erase_registration_tokens(const std::string& connection) = 0;
  virtual void put_pending(const pending_command& cmd) = 0;  // new command or state change
  virtual void erase_pending(const std::string& id) = 0;     // a finished record purged
  virtual void put_last_status(const std::string& key, const std::string& status) = 0;
  virtual void put_endpoint_directory(const std::string& connection, const std::string& json) = 0;
  virtual void erase_endpoint_directory(const std::string& connection) = 0;
  virtual void put_object(const stored_object& o) = 0;
  virtual void put_authorization(const stored_authorization& a) = 0;
  virtual void put_exposed_location(const stored_id& e) = 0;
  virtual void put_exposed_cdr(const stored_id& e) = 0;
  virtual void put_long_id(const stored_hash& h) = 0;
  virtual void put_flow_row(const flow_row& r) = 0;
  virtual void erase_flow_row(const std::string& table, const std::string& key) = 0;

  // Store-and-forward (§4.14, §5.7): put_outbound inserts or rewrites (attempts) an entry. A
  // store that cannot keep them refuses (the default), so nothing is acknowledged on a false promise.
  virtual void put_outbound(const outbound_entry& e);
  virtual void erase_outbound(std::int64_t seq);
  virtual void put_dead_letter(const dead_letter& d);
  virtual void erase_dead_letter(std::int64_t id);
};

}  // namespace ocpi::proxy
