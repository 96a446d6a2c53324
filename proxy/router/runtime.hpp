#pragma once
// What every route handler shares: configuration, state, the upstream pools, the discovered
// directories and the bridge's own public base URLs. Built once at start-up.
#include <map>
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
    in_flight_tokens_.erase(connection);
  }

  // The token B the bridge POSTs while it registers with a peer (ToIOP, `admin register`): the peer,
  // the credentials receiver, GETs the bridge's versions and version details with it *before* it
  // answers the POST (OCPI 2.1.1/2.2.1 credentials), so the bridge accepts it for those two GETs
  // while the POST is in flight. Memory only: it dies with the handshake (end_handshake()).
  void offer_in_flight_token(const std::string& connection, std::string token) {
    std::lock_guard lock(handshake_mutex_);
    in_flight_tokens_[connection] = std::move(token);
  }
  std::string in_flight_token(const std::string& connection) const {
    std::lock_guard lock(handshake_mutex_);
    const auto it = in_flight_tokens_.find(connection);
    return it == in_flight_tokens_.end() ? std::string() : it->second;
  }

 private:
  mutable std::mutex handshake_mutex_;
  std::set<std::string> handshakes_;
  std::map<std::string, std::string> in_flight_tokens_;
};

}  // namespace ocpi::proxy
