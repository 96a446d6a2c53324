#include "proxy/state/flow_tables.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "mappings/common/text.hpp"
#include "proxy/pipeline/request_ids.hpp"
#include "proxy/state/shared_state.hpp"

namespace ocpi::proxy {

namespace {

// Table names in the store (flow_rows.tbl). Stable: renaming one forgets what was stored.
constexpr std::string_view cdr_links_table = "cdr_link";
constexpr std::string_view variants_table = "tariff_variants";
constexpr std::string_view sent_table = "tariff_sent";
constexpr std::string_view deleted_table = "tariff_deleted";

// Case-insensitive keys (MAPPING §0.2 rule 8).
std::string key(const party& owner, std::string_view id) {
  return mappings::to_upper(owner.country_code + "|" + owner.party_id + "|" + std::string(id));
}

// dump() throws on invalid UTF-8 by default; a link's url is IOP's `Location` header, bytes the
// bridge does not control, and the throw reached the caller as 500 (issue 12 defect 6).
// U+FFFD instead: such a URL fails to parse when it is used, answered as an unusable URL.
constexpr auto replace_invalid = nlohmann::json::error_handler_t::replace;

std::string link_json(const flow_tables::cdr_link& l) {
  return nlohmann::json{{"url", l.url},
                        {"legacy", l.legacy},
                        {"at_iop", l.at_iop},
                        {"country_code", l.owner.country_code},
                        {"party_id", l.owner.party_id},
                        {"owner_id", l.owner_id},
                        {"queued_seq", l.queued_seq},
                        {"copy", l.copy}}
      .dump(-1, ' ', false, replace_invalid);
}

flow_tables::cdr_link link_of(const nlohmann::json& j) {
  return {.url = j.at("url").get<std::string>(),
          .legacy = j.at("legacy").get<std::string>(),
          .at_iop = j.at("at_iop").get<bool>(),
          .owner = {j.at("country_code").get<std::string>(), j.at("party_id").get<std::string>()},
          .owner_id = j.at("owner_id").get<std::string>(),
          .queued_seq = j.value("queued_seq", std::int64_t{0}),  // absent in rows of older versions
          .copy = j.value("copy", std::string())};
}

std::string variants_json(const std::vector<tariff_variant>& list) {
  auto out = nlohmann::json::array();
  for (const auto& v : list) out.push_back({{"target", v.target}, {"json_221", v.json_221}});
  return out.dump(-1, ' ', false, replace_invalid);
}

std::vector<tariff_variant> variants_of(const nlohmann::json& j) {
  std::vector<tariff_variant> out;
  for (const auto& v : j) out.push_back({v.at("target").get<std::string>(), v.at("json_221").get<std::string>()});
  return out;
}

}  // namespace

std::string operator_key(const party& p) { return mappings::to_upper(p.emi3()); }

void flow_tables::attach(shared_state& state) {
  const auto rows = state.take_loaded_flow_rows();
  std::lock_guard lock(mutex_);
  for (const auto& row : rows) {
    try {
      restore(row);
    } catch (const std::exception& e) {
      // A row this version cannot read is skipped, not fatal: each one only serves a later GET or
      // a de-duplication, and the next update of that object rewrites it.
      spdlog::warn("state: flow row {}/{} ignored ({})", row.table, row.key, e.what());
    }
  }
  state_ = &state;
}

void flow_tables::restore(const flow_row& row) {
  if (row.table == cdr_links_table) {
    auto link = link_of(nlohmann::json::parse(row.value));
    if (link.queued_seq) queued_cdr_links_[link.queued_seq] = row.key;
    cdr_links_.insert_or_assign(row.key, std::move(link));
    cdr_link_order_.push_back(row.key);
    while (cdr_link_order_.size() > max_cdr_links_) forget_oldest_cdr_link(false);
  } else if (row.table == variants_table) {
    variants_.insert_or_assign(row.key, variants_of(nlohmann::json::parse(row.value)));
  } else if (row.table == sent_table) {
    sent_.insert_or_assign(row.key, row.value);
  } else if (row.table == deleted_table) {
    deleted_.insert(row.key);
  } else {
    throw std::runtime_error("unknown table");
  }
}

void flow_tables::persist(std::string_view table, const std::string& k, std::optional<std::string> value) {
  if (!state_) return;
  if (value)
    state_->put_flow_row({std::string(table), k, std::move(*value)});
  else
    state_->erase_flow_row(std::string(table), k);
}

std::string flow_tables::add_cdr_link(cdr_link link) {
  std::string opaque = random_b64url(16);
  std::lock_guard lock(mutex_);
  persist(cdr_links_table, opaque, link_json(link));
  if (link.queued_seq) queued_cdr_links_[link.queued_seq] = opaque;
  cdr_links_.insert_or_assign(opaque, std::move(link));
  cdr_link_order_.push_back(opaque);
  while (cdr_link_order_.size() > max_cdr_links_) forget_oldest_cdr_link(true);
  return opaque;
}

void flow_tables::forget_oldest_cdr_link(bool persisted) {
  const std::string opaque = std::move(cdr_link_order_.front());
  cdr_link_order_.pop_front();
  if (persisted) persist(cdr_links_table, opaque, std::nullopt);
  if (const auto it = cdr_links_.find(opaque); it != cdr_links_.end()) {
    queued_cdr_links_.erase(it->second.queued_seq);
    cdr_links_.erase(it);
  }
}

void flow_tables::cdr_delivered(std::int64_t seq, std::string_view iop_url) {
  std::lock_guard lock(mutex_);
  const auto pending = queued_cdr_links_.find(seq);
  if (pending == queued_cdr_links_.end()) return;
  const std::string opaque = pending->second;
  queued_cdr_links_.erase(pending);
  const auto it = cdr_links_.find(opaque);
  if (it == cdr_links_.end()) return;
  auto& link = it->second;
  link.queued_seq = 0;
  if (!iop_url.empty()) {
    link.url = std::string(iop_url);
    link.copy.clear();  // IOP's copy is the truth from now on
  }
  persist(cdr_links_table, opaque, link_json(link));
}

std::optional<flow_tables::cdr_link> flow_tables::cdr_link_of(std::string_view opaque) const {
  std::lock_guard lock(mutex_);
  if (auto it = cdr_links_.find(opaque); it != cdr_links_.end()) return it->second;
  return std::nullopt;
}

void flow_tables::put_tariff_variant(const party& owner, std::string_view id, tariff_variant v) {
  const std::string k = key(owner, id);
  std::lock_guard lock(mutex_);
  auto& list = variants_[k];
  bool replaced = false;
  for (auto& existing : list)
    if (existing.target == v.target) {
      existing = std::move(v);
      replaced = true;
      break;
    }
  if (!replaced) list.push_back(std::move(v));
  persist(variants_table, k, variants_json(list));
}

std::vector<tariff_variant> flow_tables::tariff_variants(const party& owner, std::string_view id) const {
  std::lock_guard lock(mutex_);
  if (auto it = variants_.find(key(owner, id)); it != variants_.end()) return it->second;
  return {};
}

void flow_tables::erase_tariff_variants(const party& owner, std::string_view id) {
  const std::string k = key(owner, id);
  std::lock_guard lock(mutex_);
  if (variants_.erase(k) > 0) persist(variants_table, k, std::nullopt);
}

std::optional<std::string> flow_tables::tariff_sent(const party& emsp, const party& owner, std::string_view id) const {
  std::lock_guard lock(mutex_);
  if (auto it = sent_.find(operator_key(emsp) + "|" + key(owner, id)); it != sent_.end()) return it->second;
  return std::nullopt;
}

void flow_tables::set_tariff_sent(const party& emsp, const party& owner, std::string_view id, std::string body_211) {
  std::string k = operator_key(emsp) + "|" + key(owner, id);
  std::lock_guard lock(mutex_);
  persist(sent_table, k, body_211);
  sent_.insert_or_assign(std::move(k), std::move(body_211));
}

void flow_tables::erase_tariff_sent(const party& emsp, const party& owner, std::string_view id) {
  const std::string k = operator_key(emsp) + "|" + key(owner, id);
  std::lock_guard lock(mutex_);
  if (sent_.erase(k) > 0) persist(sent_table, k, std::nullopt);
}

void flow_tables::set_tariff_deleted(const party& owner, std::string_view id, bool deleted) {
  const std::string k = key(owner, id);
  std::lock_guard lock(mutex_);
  if (deleted) {
    if (deleted_.insert(k).second) persist(deleted_table, k, std::string());
  } else if (deleted_.erase(k) > 0) {
    persist(deleted_table, k, std::nullopt);
  }
}

bool flow_tables::tariff_deleted(const party& owner, std::string_view id) const {
  std::lock_guard lock(mutex_);
  return deleted_.contains(key(owner, id));
}

}  // namespace ocpi::proxy
