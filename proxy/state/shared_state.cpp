#include "proxy/state/shared_state.hpp"

#include "proxy/pipeline/envelope.hpp"

namespace ocpi::proxy {

namespace {
std::string status_key(const party& owner, std::string_view location, std::string_view evse) {
  std::string k = owner.country_code + "|" + owner.party_id + "|" + std::string(location) + "|" + std::string(evse);
  for (auto& c : k)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);  // CiString keys (§0.2 r8)
  return k;
}
}  // namespace

shared_state::shared_state(mapping_options opts) : opts_(opts), inner_(std::move(opts)) {}

std::string shared_state::now() const {
  std::lock_guard lock(mutex_);
  return fixed_now_.empty() ? utc_now() : fixed_now_;
}

void shared_state::set_fixed_now(std::string now) {
  std::lock_guard lock(mutex_);
  fixed_now_ = std::move(now);
}

#define LOCKED(expr)              \
  std::lock_guard lock(mutex_); \
  return expr

std::optional<std::string> shared_state::location(const party& o, std::string_view id) const { LOCKED(inner_.location(o, id)); }
std::optional<std::string> shared_state::session(const party& o, std::string_view id) const { LOCKED(inner_.session(o, id)); }
std::optional<std::string> shared_state::tariff(const party& o, std::string_view id) const { LOCKED(inner_.tariff(o, id)); }
std::optional<std::string> shared_state::token(const party& o, std::string_view uid, std::string_view type) const {
  LOCKED(inner_.token(o, uid, type));
}
std::vector<std::string> shared_state::tokens_by_contract_id(std::string_view c) const { LOCKED(inner_.tokens_by_contract_id(c)); }
std::optional<authorization_record> shared_state::authorization(const party& cpo, std::string_view ref) const {
  LOCKED(inner_.authorization(cpo, ref));
}
std::string shared_state::expose_location_id(const object_key& k, std::string_view g) { LOCKED(inner_.expose_location_id(k, g)); }
std::optional<object_key> shared_state::location_by_exposed_id(std::string_view e) const { LOCKED(inner_.location_by_exposed_id(e)); }
std::string shared_state::expose_cdr_id(const object_key& k) { LOCKED(inner_.expose_cdr_id(k)); }
std::string shared_state::hash_long_id(std::string_view o) { LOCKED(inner_.hash_long_id(o)); }
std::optional<std::string> shared_state::original_of_hash(std::string_view h) const { LOCKED(inner_.original_of_hash(h)); }
void shared_state::put_location(const std::string& json_221) { LOCKED(inner_.put_location(json_221)); }

std::optional<std::string> shared_state::last_status(const party& o, std::string_view loc, std::string_view evse) const {
  std::lock_guard lock(mutex_);
  if (auto it = last_status_.find(status_key(o, loc, evse)); it != last_status_.end()) return it->second;
  return std::nullopt;
}

void shared_state::set_last_status(const party& o, std::string_view loc, std::string_view evse, std::string status) {
  std::lock_guard lock(mutex_);
  last_status_[status_key(o, loc, evse)] = std::move(status);
}

#undef LOCKED

}  // namespace ocpi::proxy
