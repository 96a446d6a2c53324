#pragma once
// The peers' endpoint directories, discovered from their versions endpoints (MAPPING §1.2.2:
// never hard-coded). Written by discovery, read by every exchange; a refresh that fails keeps the
// previous directory.
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace ocpi::proxy {

class directories {
 public:
  explicit directories(std::size_t legacy_count) : legacy_(legacy_count) {}

  // IOP (2.2.1): (identifier, role) -> URL, role = "SENDER" | "RECEIVER".
  std::optional<std::string> iop(std::string_view identifier, std::string_view role) const;
  void set_iop(std::map<std::pair<std::string, std::string>, std::string> endpoints);
  bool iop_known() const;

  // Legacy connection i (2.1.1): identifier -> URL.
  std::optional<std::string> legacy(std::size_t index, std::string_view identifier) const;
  void set_legacy(std::size_t index, std::map<std::string, std::string> endpoints);
  bool legacy_known(std::size_t index) const;

 private:
  mutable std::mutex mutex_;
  std::optional<std::map<std::pair<std::string, std::string>, std::string>> iop_;
  std::vector<std::optional<std::map<std::string, std::string>>> legacy_;
};

}  // namespace ocpi::proxy
