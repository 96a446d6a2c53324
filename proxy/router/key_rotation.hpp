#pragma once
// `ocpi-bridge admin rotate-key` (issue 12): a new state key, every sealed value re-sealed with it
// in one transaction of the store writer, the old key gone from the key file afterwards.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <string>

#include "proxy/state/state_key_file.hpp"

namespace ocpi::proxy {

struct runtime;

// The running bridge's state keys; set by run_bridge when the store keeps tokens on disk.
struct state_key_ring {
  explicit state_key_ring(state_keys k) : keys(std::move(k)) {}
  state_keys keys;                    // as the key file holds them; written only by the rotation holding `rotating`
  std::atomic<bool> rotating{false};  // one rotation at a time: two would each drop the other's key
};

struct rotation_result {
  unsigned http = 200;
  std::string message;
};

// Crash-safe order: (1) the key file gets the new key first, the old ones after it; (2) the store
// re-seals every value with the new key, committed; (3) only then the key file keeps the new key
// alone. A crash before (3) leaves a file that opens every row; the next start-up re-seals what
// (2) did not commit and drops the old keys itself.
boost::asio::awaitable<rotation_result> rotate_state_key(runtime& rt);

}  // namespace ocpi::proxy
