#pragma once
// mapping_context held entirely in memory: for tests, benchmarks and `ocpi-bridge translate`.
// The bridge's persistent stores (proxy/state) implement the same interface.
#include <map>
#include <string>

#include "ocpi/mapping_context.hpp"

namespace ocpi {

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

 private:
  static std::string key(const party& p, std::string_view id);  // case-folded "cc|pid|id"
  mapping_options opts_;
  std::string now_;
  std::map<std::string, std::string> locations_, sessions_, tariffs_, tokens_;
  std::map<std::string, authorization_record> authorizations_;
  std::map<std::string, object_key> exposed_locations_;      // case-folded exposed id -> owner key
  std::map<std::string, std::string> exposed_by_owner_;      // key() -> exposed id
  std::map<std::string, std::string> hashes_;                 // hashed -> original
};

}  // namespace ocpi
