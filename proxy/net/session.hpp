#pragma once
// One downstream connection: HTTP/1.1 keep-alive, requests answered in order, local error replies
// (400, 413, 431, 500) with OCPI envelopes.
#include <memory>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "proxy/net/listener.hpp"

namespace ocpi::proxy {

// What all sessions of one listener share; immutable except the counters.
struct session_shared {
  face which = face::hub;
  handler handle;
  std::shared_ptr<boost::asio::ssl::context> tls;  // null = plain
  std::size_t body_limit = 4194304;
  std::chrono::milliseconds client_timeout{30000};
  std::shared_ptr<exchange_counter> exchanges;
};

// Serves `socket` until it closes. Must run on the socket's executor, a strand.
boost::asio::awaitable<void> run_session(boost::asio::ip::tcp::socket socket,
                                         std::shared_ptr<const session_shared> shared);

}  // namespace ocpi::proxy
