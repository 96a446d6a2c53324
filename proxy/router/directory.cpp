#include "proxy/router/directory.hpp"

#include <spdlog/spdlog.h>

#include "proxy/state/shared_state.hpp"

namespace ocpi::proxy {

namespace {

std::string as_details_answer(version v, const std::vector<published_endpoint>& endpoints) {
  return R"({"status_code":1000,"data":)" + details_data_json(v, endpoints) + "}";
}

}  // namespace

std::string stored_form(const iop_directory& dir) {
  std::vector<published_endpoint> endpoints;
  for (const auto& [k, url] : dir.urls) endpoints.push_back({k.first, k.second, url});
  return as_details_answer(version::v2_2_1, endpoints);
}

std::string stored_form(const legacy_directory& dir) {
  std::vector<published_endpoint> endpoints;
  for (const auto& [id, url] : dir.urls) endpoints.push_back({id, interface_role::sender, url});
  return as_details_answer(version::v2_1_1, endpoints);
}

void directories::attach(shared_state& state, std::vector<std::string> legacy_connections) {
  std::lock_guard lock(mutex_);
  if (const auto json = state.endpoint_directory(iop_connection)) {
    auto parsed = parse_details_221(*json);
    if (parsed.err == discovery_error::none)
      iop_ = std::move(parsed.directory);
    else
      spdlog::warn("state: stored IOP endpoint directory unreadable, waiting for discovery");
  }
  for (std::size_t i = 0; i < legacy_connections.size() && i < legacy_.size(); ++i) {
    const auto json = state.endpoint_directory(legacy_connections[i]);
    if (!json) continue;
    auto parsed = parse_details_211(*json);
    if (parsed.err == discovery_error::none)
      legacy_[i] = std::move(parsed.directory);
    else
      spdlog::warn("state: stored endpoint directory of {} unreadable, waiting for discovery", legacy_connections[i]);
  }
  legacy_connections_ = std::move(legacy_connections);
  state_ = &state;
}

// Called with mutex_ held, so that the store sees the changes of one connection in memory order.
void directories::persist(std::string_view connection, std::optional<std::string> json) {
  if (!state_) return;
  if (json)
    state_->set_endpoint_directory(connection, std::move(*json));
  else
    state_->erase_endpoint_directory(connection);
}

std::optional<std::string> directories::iop(std::string_view identifier, std::string_view role) const {
  const auto r = parse_interface_role(role);
  std::lock_guard lock(mutex_);
  if (!iop_ || !r) return std::nullopt;
  if (const auto* u = iop_->find(identifier, *r)) return *u;
  return std::nullopt;
}

std::optional<iop_directory> directories::iop_all() const {
  std::lock_guard lock(mutex_);
  return iop_;
}

void directories::set_iop(iop_directory dir) {
  std::string json = stored_form(dir);
  std::lock_guard lock(mutex_);
  persist(iop_connection, std::move(json));
  iop_ = std::move(dir);
}

void directories::forget_iop() {
  std::lock_guard lock(mutex_);
  persist(iop_connection, std::nullopt);
  iop_.reset();
}

bool directories::iop_known() const {
  std::lock_guard lock(mutex_);
  return iop_.has_value();
}

std::optional<std::string> directories::legacy(std::size_t index, std::string_view identifier) const {
  std::lock_guard lock(mutex_);
  if (index >= legacy_.size() || !legacy_[index]) return std::nullopt;
  if (const auto* u = legacy_[index]->find(identifier)) return *u;
  return std::nullopt;
}

std::optional<legacy_directory> directories::legacy_all(std::size_t index) const {
  std::lock_guard lock(mutex_);
  return index < legacy_.size() ? legacy_[index] : std::nullopt;
}

void directories::set_legacy(std::size_t index, legacy_directory dir) {
  std::string json = stored_form(dir);
  std::lock_guard lock(mutex_);
  if (index >= legacy_.size()) return;
  if (index < legacy_connections_.size()) persist(legacy_connections_[index], std::move(json));
  legacy_[index] = std::move(dir);
}

void directories::forget_legacy(std::size_t index) {
  std::lock_guard lock(mutex_);
  if (index >= legacy_.size()) return;
  if (index < legacy_connections_.size()) persist(legacy_connections_[index], std::nullopt);
  legacy_[index].reset();
}

bool directories::legacy_known(std::size_t index) const {
  std::lock_guard lock(mutex_);
  return index < legacy_.size() && legacy_[index].has_value();
}

}  // namespace ocpi::proxy
