#pragma once
// mapping_context held entirely in memory: for tests, benchmarks and `ocpi-bridge translate`.
// The bridge's persistent stores (proxy/state) implement the same interface.
#include <map>
#include <string>

#include "ocpi/mapping_context.hpp"

namespace ocpi {

// Hears of every entry a memory_context records (caches, authorization map, id maps) as it is
// recorded, so that the bridge can persist it (proxy/state). The mappings never see it. `key`
// is the context's own case-folded key, stable for a given object.
class context_listener {
 public:
  enum class cache { location, session, tariff, token };
  virtual ~context_listener() = default;
  virtual void cached(cache which, const std::string& key, const std::string& json) = 0;
  virtual void authorization_put(const std::string& key, const party& cpo, const std::string& reference,
                                 const authorization_record& rec) = 0;
  virtual void location_id_exposed(const object_key& owner, const std::string& exposed) = 0;
  virtual void cdr_id_exposed(const object_key& owner, const std::string& exposed) = 0;
  virtual void long_id_hashed(const std::string& hashed, const std::string& original) = 0;
};

class memory_context : public mapping_context {
 public:
  explicit memory_context(mapping_options opts = {}, std::string now = "2024-06-01T12:00:00Z");

  const mapping_options& options() const override { return opts_; }
  mapping_options& mutable_options() { return opts_; }
  std::string now() const override { return now_; }
  void set_now(std::string now) { now_ = std::move(now); }

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

  // Filling the caches (2.2.1 JSON text; the owner/ids are read from the object itself).
  void put_location(const std::string& json);
  void put_session(const std::string& json);
  void put_tariff(const std::string& json);
  void put_token(const std::string& json);
  void put_authorization(const party& cpo, const std::string& reference, authorization_record rec);
  // Loads a context file: {"locations":[...], "sessions":[...], "tariffs":[...], "tokens":[...],
  // "authorizations":[{"cpo":"FR*CPO","reference":"...","token":{...},"location_id":"...",
  // "evse_uids":[...],"connector_id":"...","source":"AUTHORIZE"}], "exposed_location_ids":
  // [{"exposed":"...","country_code":"..","party_id":"...","id":"..."}]}. Throws with the key path.
  void load(const std::string& json_text);

  // Reverse of expose_cdr_id (§3.5.8: D5 GET by exposed id); ids this context exposed only.
  std::optional<object_key> cdr_by_exposed_id(std::string_view exposed) const;

  // --- persistence (proxy/state) -------------------------------------------------------------
  // `listener` (not owned; null = none) hears of every entry recorded from now on.
  void set_listener(context_listener* listener) { listener_ = listener; }
  // Put back id-map entries a store kept, without telling the listener.
  void restore_exposed_location(const object_key& owner, const std::string& exposed);
  void restore_exposed_cdr(const object_key& owner, const std::string& exposed);
  void restore_long_id(const std::string& hashed, const std::string& original);

 private:
  static std::string key(const party& p, std::string_view id);  // case-folded "cc|pid|id"
  void put_cached(std::map<std::string, std::string>& cache, context_listener::cache which, std::string key,
                  const std::string& text);
  mapping_options opts_;
  std::string now_;
  std::map<std::string, std::string> locations_, sessions_, tariffs_, tokens_;
  std::map<std::string, authorization_record> authorizations_;
  std::map<std::string, object_key> exposed_locations_;      // case-folded exposed id -> owner key
  std::map<std::string, std::string> exposed_by_owner_;      // key() -> exposed id
  std::map<std::string, std::string> hashes_;                 // hashed -> original
  std::map<std::string, object_key> exposed_cdrs_;           // case-folded exposed CDR id -> owner key
  context_listener* listener_ = nullptr;
};

}  // namespace ocpi
