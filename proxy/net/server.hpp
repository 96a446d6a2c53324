#pragma once
// The process: one io_context on N threads, the hub and legacy listeners, the upstream pool and
// graceful shutdown on SIGTERM/SIGINT.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>  // context() is for co_spawn-ing background work on it

#include "proxy/config/config.hpp"
#include "proxy/net/http.hpp"

namespace ocpi::proxy {

class upstream_pool;
struct client_tls;

// One stderr logger, "time level message"; level as in bridge.log_level.
void setup_logging(const std::string& level);

class server {
 public:
  // Builds TLS contexts and the upstream pool; throws std::runtime_error naming the key path when
  // a certificate or key cannot be used. Sets up logging from config.bridge.log_level.
  explicit server(bridge_config config);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  void set_handler(handler handle);  // before open()/run(); serves both faces (see inbound::which)

  // Binds both faces; port()/public_url() are valid afterwards. Throws std::runtime_error
  // ("face.hub.listen: cannot bind 127.0.0.1:8221: Address already in use").
  void open();

  // open() if not done, prints "LISTENING hub <port>" and "LISTENING legacy <port>" on stdout,
  // serves until SIGTERM/SIGINT or stop(), drains in-flight exchanges for up to
  // bridge.shutdown_grace_ms, then returns 0. A second signal stops at once.
  int run();

  void stop();  // graceful shutdown, from any thread

  std::uint16_t port(face f) const;
  std::string public_url(face f) const;  // face_config::public_base(port(f))
  std::size_t in_flight() const;

  const bridge_config& config() const;
  upstream_pool& upstream();
  boost::asio::io_context& context();
  std::shared_ptr<const client_tls> iop_tls() const;                     // for https toward IOP
  std::shared_ptr<const client_tls> legacy_tls(std::size_t index) const;  // for config().legacy[index]

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace ocpi::proxy
