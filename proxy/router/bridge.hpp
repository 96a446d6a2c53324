#pragma once
// The router: authenticates the caller on its face, picks the flow for the route and logs one
// line per exchange. The flows themselves live in one file per module and direction.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <memory>

#include "proxy/net/http.hpp"
#include "proxy/router/runtime.hpp"

namespace ocpi::proxy {

class bridge {
 public:
  bridge(const bridge_config& cfg, shared_state& state, upstream_pool& upstream);

  // Base URLs the bridge advertises, known once the listeners are bound.
  void set_public_bases(std::string hub_base, std::string legacy_base);

  // The listeners' handler.
  boost::asio::awaitable<response> handle(inbound& in);

  // Discovers IOP's and every legacy backend's endpoints (MAPPING §1.2.2); retries failed peers
  // every `retry` until all are known, then refreshes every 24 h. Runs until the executor stops.
  boost::asio::awaitable<void> discovery_loop(std::chrono::milliseconds retry);

  // Sends TIMEOUT for commands whose result never came (MAPPING §3.3.2 step 6). Runs until the
  // executor stops.
  boost::asio::awaitable<void> command_deadlines();

  // Resumes the store-and-forward queues the store holds and replays later ones on `executor`
  // (MAPPING §4.14, §5.8 step 3).
  void start_store_forward(boost::asio::any_io_executor executor);

  runtime& rt() noexcept { return rt_; }

 private:
  runtime rt_;
};

}  // namespace ocpi::proxy
