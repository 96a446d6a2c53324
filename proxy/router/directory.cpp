#include "proxy/router/directory.hpp"

namespace ocpi::proxy {

std::optional<std::string> directories::iop(std::string_view identifier, std::string_view role) const {
  std::lock_guard lock(mutex_);
  if (!iop_) return std::nullopt;
  if (auto it = iop_->find({std::string(identifier), std::string(role)}); it != iop_->end()) return it->second;
  return std::nullopt;
}

void directories::set_iop(std::map<std::pair<std::string, std::string>, std::string> endpoints) {
  std::lock_guard lock(mutex_);
  iop_ = std::move(endpoints);
}

bool directories::iop_known() const {
  std::lock_guard lock(mutex_);
  return iop_.has_value();
}

std::optional<std::string> directories::legacy(std::size_t index, std::string_view identifier) const {
  std::lock_guard lock(mutex_);
  if (index >= legacy_.size() || !legacy_[index]) return std::nullopt;
  if (auto it = legacy_[index]->find(std::string(identifier)); it != legacy_[index]->end()) return it->second;
  return std::nullopt;
}

void directories::set_legacy(std::size_t index, std::map<std::string, std::string> endpoints) {
  std::lock_guard lock(mutex_);
  if (index < legacy_.size()) legacy_[index] = std::move(endpoints);
}

bool directories::legacy_known(std::size_t index) const {
  std::lock_guard lock(mutex_);
  return index < legacy_.size() && legacy_[index].has_value();
}

}  // namespace ocpi::proxy
