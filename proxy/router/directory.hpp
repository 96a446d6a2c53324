#pragma once
// The peers' endpoint directories, discovered from their versions endpoints (MAPPING §1.2.2:
// never hard-coded). Written by discovery and registration, read by every exchange; a refresh
// that fails keeps the previous directory; unregistering forgets it. Once attach()ed, every
// change is written through to the state store (MAPPING §5.1), so that after a restart the bridge
// serves with the last good directories at once while discovery refreshes them in the background.
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "proxy/pipeline/endpoints.hpp"

namespace ocpi::proxy {

class shared_state;

// A directory as the store keeps it: a version details answer, read back by parse_details_*.
std::string stored_form(const iop_directory& dir);
std::string stored_form(const legacy_directory& dir);

class directories {
 public:
  explicit directories(std::size_t legacy_count) : legacy_(legacy_count) {}

  // Loads the directories `state` holds for "iop" and for `legacy_connections` (by legacy index,
  // connection_key form), then writes every change through. Call once, before serving.
  void attach(shared_state& state, std::vector<std::string> legacy_connections);

  // IOP (2.2.1): URL of (identifier, role), role = "SENDER" | "RECEIVER".
  std::optional<std::string> iop(std::string_view identifier, std::string_view role) const;
  std::optional<iop_directory> iop_all() const;
  void set_iop(iop_directory dir);
  void forget_iop();
  bool iop_known() const;

  // Legacy connection i (2.1.1): identifier -> URL.
  std::optional<std::string> legacy(std::size_t index, std::string_view identifier) const;
  std::optional<legacy_directory> legacy_all(std::size_t index) const;
  void set_legacy(std::size_t index, legacy_directory dir);
  void forget_legacy(std::size_t index);
  bool legacy_known(std::size_t index) const;

 private:
  void persist(std::string_view connection, std::optional<std::string> json);

  mutable std::mutex mutex_;
  shared_state* state_ = nullptr;  // null: memory only
  std::vector<std::string> legacy_connections_;
  std::optional<iop_directory> iop_;
  std::vector<std::optional<legacy_directory>> legacy_;
};

}  // namespace ocpi::proxy
