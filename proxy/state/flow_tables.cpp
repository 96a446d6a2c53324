#include "proxy/state/flow_tables.hpp"

#include "mappings/common/text.hpp"
#include "proxy/pipeline/request_ids.hpp"

namespace ocpi::proxy {

namespace {

// Case-insensitive keys (MAPPING §0.2 rule 8).
std::string key(const party& owner, std::string_view id) {
  return mappings::to_upper(owner.country_code + "|" + owner.party_id + "|" + std::string(id));
}

}  // namespace

std::string operator_key(const party& p) { return mappings::to_upper(p.emi3()); }

std::string flow_tables::add_cdr_link(cdr_link link) {
  std::string opaque = random_b64url(16);
  std::lock_guard lock(mutex_);
  cdr_links_.insert_or_assign(opaque, std::move(link));
  cdr_link_order_.push_back(opaque);
  while (cdr_link_order_.size() > max_cdr_links_) {
    cdr_links_.erase(cdr_link_order_.front());
    cdr_link_order_.pop_front();
  }
  return opaque;
}

std::optional<flow_tables::cdr_link> flow_tables::cdr_link_of(std::string_view opaque) const {
  std::lock_guard lock(mutex_);
  if (auto it = cdr_links_.find(opaque); it != cdr_links_.end()) return it->second;
  return std::nullopt;
}

void flow_tables::put_tariff_variant(const party& owner, std::string_view id, tariff_variant v) {
  std::lock_guard lock(mutex_);
  auto& list = variants_[key(owner, id)];
  for (auto& existing : list)
    if (existing.target == v.target) {
      existing = std::move(v);
      return;
    }
  list.push_back(std::move(v));
}

std::vector<tariff_variant> flow_tables::tariff_variants(const party& owner, std::string_view id) const {
  std::lock_guard lock(mutex_);
  if (auto it = variants_.find(key(owner, id)); it != variants_.end()) return it->second;
  return {};
}

void flow_tables::erase_tariff_variants(const party& owner, std::string_view id) {
  std::lock_guard lock(mutex_);
  variants_.erase(key(owner, id));
}

std::optional<std::string> flow_tables::tariff_sent(const party& emsp, const party& owner, std::string_view id) const {
  std::lock_guard lock(mutex_);
  if (auto it = sent_.find(operator_key(emsp) + "|" + key(owner, id)); it != sent_.end()) return it->second;
  return std::nullopt;
}

void flow_tables::set_tariff_sent(const party& emsp, const party& owner, std::string_view id, std::string body_211) {
  std::lock_guard lock(mutex_);
  sent_.insert_or_assign(operator_key(emsp) + "|" + key(owner, id), std::move(body_211));
}

void flow_tables::erase_tariff_sent(const party& emsp, const party& owner, std::string_view id) {
  std::lock_guard lock(mutex_);
  if (auto it = sent_.find(operator_key(emsp) + "|" + key(owner, id)); it != sent_.end()) sent_.erase(it);
}

void flow_tables::set_tariff_deleted(const party& owner, std::string_view id, bool deleted) {
  std::lock_guard lock(mutex_);
  if (deleted)
    deleted_.insert(key(owner, id));
  else if (auto it = deleted_.find(key(owner, id)); it != deleted_.end())
    deleted_.erase(it);
}

bool flow_tables::tariff_deleted(const party& owner, std::string_view id) const {
  std::lock_guard lock(mutex_);
  return deleted_.contains(key(owner, id));
}

}  // namespace ocpi::proxy
