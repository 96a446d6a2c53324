#pragma once
// One acceptor per face: plain or TLS, each accepted connection served by a session on its own
// strand.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/system/error_code.hpp>

#include "proxy/config/config.hpp"
#include "proxy/net/http.hpp"

namespace boost::asio {
class io_context;
namespace ssl {
class context;
}
}  // namespace boost::asio

namespace ocpi::proxy {

// Shared by a listener and its sessions; read by graceful shutdown.
struct exchange_counter {
  std::atomic<std::size_t> in_flight{0};    // requests read whose response is not yet written
  std::atomic<std::size_t> connections{0};  // open downstream connections
  std::atomic<bool> draining{false};        // shutting down: answer with Connection: close
};

struct listener_options {
  face which = face::hub;
  listen_address listen{"127.0.0.1", 0};
  std::shared_ptr<boost::asio::ssl::context> tls;  // null = plain HTTP
  std::size_t body_limit = 4194304;
  std::chrono::milliseconds client_timeout{30000};
  // The io_context runs on one thread: sessions need no strand of their own.
  bool single_thread = false;
};

// Accept failures repeat every pause for as long as their cause lasts (descriptors exhausted: 20
// a second per face, each logged as its own warning before): the first is logged, then one line
// per interval with the count of the ones not logged, then one line when accepting works again.
struct accept_failures {
  static constexpr std::chrono::seconds log_interval{10};
  static constexpr std::chrono::milliseconds pause{50};
  std::chrono::steady_clock::time_point last_logged{};
  std::size_t suppressed = 0;  // since last_logged
  std::size_t total = 0;       // since the last successful accept
};
std::string describe_accept_error(const boost::system::error_code& ec);  // "Too many open files (EMFILE)"
void note_accept_failure(accept_failures& f, const char* face, const boost::system::error_code& ec,
                         std::chrono::steady_clock::time_point now);
void note_accept_success(accept_failures& f, const char* face);

class listener {
 public:
  listener(boost::asio::io_context& ioc, listener_options options, handler handle,
           std::shared_ptr<exchange_counter> exchanges = nullptr);
  ~listener();
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;

  boost::system::error_code open();  // bind + listen; port() is valid afterwards
  void start();                      // accept until stop()
  void stop();                       // close the acceptor; open sessions keep going (thread-safe)

  std::uint16_t port() const noexcept;  // the bound port (the real one when configured as 0)
  face which() const noexcept;
  bool tls() const noexcept;
  exchange_counter& exchanges() noexcept;

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace ocpi::proxy
