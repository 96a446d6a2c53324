#include "proxy/router/directory.hpp"

namespace ocpi::proxy {

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
  std::lock_guard lock(mutex_);
  iop_ = std::move(dir);
}

void directories::forget_iop() {
  std::lock_guard lock(mutex_);
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
  std::lock_guard lock(mutex_);
  if (index < legacy_.size()) legacy_[index] = std::move(dir);
}

void directories::forget_legacy(std::size_t index) {
  std::lock_guard lock(mutex_);
  if (index < legacy_.size()) legacy_[index].reset();
}

bool directories::legacy_known(std::size_t index) const {
  std::lock_guard lock(mutex_);
  return index < legacy_.size() && legacy_[index].has_value();
}

}  // namespace ocpi::proxy
