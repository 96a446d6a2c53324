#pragma once
// The bridge's state as the I/O threads see it: the mapping_context the translations read, plus
// the few tables only the pipeline uses (last delivered EVSE status, §4.15). In-memory for now,
// guarded by one mutex held only for map operations (never across I/O); the persistent SQLite
// store replaces the inner memory_context behind the same interface.
#include <mutex>
#include <optional>
#include <string>

#include "ocpi/memory_context.hpp"

namespace ocpi::proxy {

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

  // Caches the latest full 2.2.1 Location (owner and id are read from the object).
  void put_location(const std::string& json_221);

  // §4.15: the last EVSE status delivered (or queued) to IOP, per (owner, location, evse).
  std::optional<std::string> last_status(const party& owner, std::string_view location, std::string_view evse) const;
  void set_last_status(const party& owner, std::string_view location, std::string_view evse, std::string status);

  // Fixes the clock (tests, `translate --now`); empty = the real clock.
  void set_fixed_now(std::string now);

 private:
  mapping_options opts_;
  mutable std::mutex mutex_;
  memory_context inner_;
  std::map<std::string, std::string> last_status_;
  std::string fixed_now_;
};

}  // namespace ocpi::proxy
