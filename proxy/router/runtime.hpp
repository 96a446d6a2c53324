#pragma once
// What every route handler shares: configuration, state, the upstream pools, the discovered
// directories and the bridge's own public base URLs. Built once at start-up.
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "proxy/config/config.hpp"
#include "proxy/router/directory.hpp"
#include "proxy/state/flow_tables.hpp"
#include "proxy/state/shared_state.hpp"

namespace ocpi::proxy {

class upstream_pool;
struct client_tls;
class store_forward;
struct state_key_ring;

struct runtime {
  runtime(const bridge_config& c, shared_state& s, upstream_pool& u)
      : cfg(c), state(s), upstream(u), dirs(c.legacy.size()) {}

  const bridge_config& cfg;
  shared_state& state;
  upstream_pool& upstream;
  directories dirs;
  std::string hub_base;     // e.g. "https://bridge.example.com" (no trailing slash)
  std::string legacy_base;
  flow_tables tables;  // CDR links, Tariff variants and deliveries (see flow_tables.hpp)
  std::shared_ptr<const client_tls> iop_tls;                 // null: plain http or system defaults
  std::vector<std::shared_ptr<const client_tls>> legacy_tls;  // by legacy index
  std::string admin_token;  // the secret `ocpi-bridge admin` presents (<data_dir>/admin.token)
  std::shared_ptr<store_forward> sf;  // replay loops toward IOP (store_forward.hpp), set by the bridge
  std::shared_ptr<state_key_ring> state_keys;  // key_rotation.hpp; null when state.store = memory

  std::size_t legacy_index(const legacy_config& l) const { return static_cast<std::size_t>(&l - cfg.legacy.data()); }
  const legacy_party& party_of(const legacy_config& l) const { return cfg.mapping.legacy[legacy_index(l)]; }

  // One credentials handshake per connection at a time (a second one is refused, not queued).
  bool begin_handshake(const std::string& connection) {
    std::lock_guard lock(handshake_mutex_);
    return handshakes_.insert(connection).second;
  }
  void end_handshake(const std::string& connection) {
    std::lock_guard lock(handshake_mutex_);
    handshakes_.erase(connection);
  }

 private:
  std::mutex handshake_mutex_;
  std::set<std::string> handshakes_;
};

}  // namespace ocpi::proxy
