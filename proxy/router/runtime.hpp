#pragma once
// What every route handler shares: configuration, state, the upstream pools, the discovered
// directories and the bridge's own public base URLs. Built once at start-up.
#include <memory>
#include <string>
#include <vector>

#include "proxy/config/config.hpp"
#include "proxy/router/directory.hpp"
#include "proxy/state/shared_state.hpp"

namespace ocpi::proxy {

class upstream_pool;
struct client_tls;

struct runtime {
  runtime(const bridge_config& c, shared_state& s, upstream_pool& u)
      : cfg(c), state(s), upstream(u), dirs(c.legacy.size()) {}

  const bridge_config& cfg;
  shared_state& state;
  upstream_pool& upstream;
  directories dirs;
  std::string hub_base;     // e.g. "https://bridge.example.com" (no trailing slash)
  std::string legacy_base;
  std::shared_ptr<const client_tls> iop_tls;                 // null: plain http or system defaults
  std::vector<std::shared_ptr<const client_tls>> legacy_tls;  // by legacy index

  std::size_t legacy_index(const legacy_config& l) const { return static_cast<std::size_t>(&l - cfg.legacy.data()); }
  const legacy_party& party_of(const legacy_config& l) const { return cfg.mapping.legacy[legacy_index(l)]; }
};

}  // namespace ocpi::proxy
