#pragma once
// Outbound HTTP/1.1 toward peers (IOP, legacy backends): keep-alive pools per origin, bounded,
// with connect/exchange timeouts, TLS with host name verification, and a conservative retry.
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "proxy/net/http.hpp"
#include "proxy/net/url.hpp"

namespace ocpi::proxy {

struct client_tls;  // proxy/net/tls.hpp

struct upstream_result {
  enum class failure { none, connect, timeout, reset, tls, protocol };
  failure fail = failure::none;
  response res;        // valid when fail == none (any HTTP status)
  std::string detail;  // why it failed, for logs (never contains a token)
  // failure::protocol only: the status of an answer whose status line was read before the rest
  // of its head or body turned out malformed (0: none read). A POST that IOP answered 201 with an
  // odd header was still taken; the caller must not resend it as if nothing had arrived.
  unsigned answered_status = 0;
  bool ok() const noexcept { return fail == failure::none; }
};
const char* to_string(upstream_result::failure f) noexcept;

struct upstream_options {
  std::size_t pool_size = 16;  // connections per (origin, tls) — leased + idle
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds idle_timeout{30000};
  std::size_t body_limit = std::size_t{64} << 20;  // response bodies
  // The io_context runs on one thread: pool and connections need no strands, and send() runs
  // the exchange inline instead of hopping through two co_spawns per request.
  bool single_thread = false;
};

// Called on the request just before send() sends it again on a fresh connection: a resend is a new
// attempt, and what must differ per attempt (OCPI's X-Request-ID) is the caller's business, not
// this layer's. Only headers may change (the prepared body and Content-Length stay).
using resend_hook = std::function<void(request&)>;

class upstream_pool {
 public:
  // `origin_tls`: TLS per https origin ("https://host:port", as url::origin()) used when send()
  // gets no explicit `tls`; otherwise the system trust store with full verification.
  upstream_pool(boost::asio::any_io_executor executor, upstream_options options,
                std::map<std::string, std::shared_ptr<const client_tls>> origin_tls = {});
  ~upstream_pool();
  upstream_pool(const upstream_pool&) = delete;
  upstream_pool& operator=(const upstream_pool&) = delete;

  // Sends `req` to `target` (sets the request target from the URL, Host, HTTP/1.1 and
  // Content-Length). `timeout` bounds everything: waiting for a pooled connection, connect, TLS,
  // write and read. Callable from any executor/strand; never throws for network errors. A pooled
  // connection found dead before any response byte is retried once on a fresh connection, for
  // GET/HEAD/PUT/DELETE/OPTIONS only, after `on_resend` (if any) renewed the request. Connections are
  // pooled per (origin, tls).
  boost::asio::awaitable<upstream_result> send(const url& target, request req, std::chrono::milliseconds timeout,
                                               std::shared_ptr<const client_tls> tls = nullptr,
                                               resend_hook on_resend = {});

  void close_idle();  // closes pooled idle connections and stops the idle sweeper (thread-safe)

  struct statistics {
    std::size_t connects = 0;  // new connections established
    std::size_t reuses = 0;    // exchanges on a pooled connection
    std::size_t retries = 0;   // automatic retries after a dead pooled connection
  };
  statistics stats() const;

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace ocpi::proxy
