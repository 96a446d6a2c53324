#include "proxy/net/upstream.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <deque>
#include <optional>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>

#include "proxy/net/tls.hpp"

namespace ocpi::proxy {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;
using boost::system::error_code;
using clock = std::chrono::steady_clock;
using failure = upstream_result::failure;
constexpr auto no_throw = asio::as_tuple(asio::use_awaitable);

const char* to_string(failure f) noexcept {
  switch (f) {
    case failure::none: return "none";
    case failure::connect: return "connect";
    case failure::timeout: return "timeout";
    case failure::reset: return "reset";
    case failure::tls: return "tls";
    case failure::protocol: return "protocol";
  }
  return "?";
}

namespace {

// One upstream connection. Owned by exactly one party at a time: the pool (idle, on the pool's
// strand) or one send() (leased; all I/O on the connection's own strand).
struct connection {
  // Read buffer capacity: Beast reads at most the buffer's free capacity (at least 512 bytes) per
  // call, so a small buffer turns a 300 KB page into hundreds of recvmsg calls.
  static constexpr std::size_t read_capacity = 64 * 1024;
  explicit connection(asio::any_io_executor ex) : strand(std::move(ex)) { buffer.reserve(read_capacity); }
  asio::any_io_executor strand;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  bool open = false;
  clock::time_point idle_since;

  beast::tcp_stream& tcp() { return secure ? secure->next_layer() : *plain; }
  void close() {
    error_code ec;
    if (secure || plain) tcp().socket().close(ec);
  }
  // An idle HTTP/1.1 connection has nothing to read; EOF, an error or stray bytes mean it is dead.
  bool looks_alive() {
    if (!open) return false;
    char c;
    const auto n = ::recv(tcp().socket().native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
};
using connection_ptr = std::shared_ptr<connection>;

struct waiter {
  asio::steady_timer timer;
  bool granted = false;
  connection_ptr conn;  // handed over directly by release(): FIFO, no barging by newer requests
};

struct origin_pool {
  std::vector<connection_ptr> idle;  // most recently used at the back
  std::size_t total = 0;             // idle + leased + connecting
  std::deque<waiter*> waiters;
};

struct lease {
  connection_ptr conn;  // null: no slot before the deadline
  bool reused = false;
};

struct exchange_outcome {
  upstream_result result;
  bool reusable = false;   // the connection may go back to the pool
  bool retryable = false;  // died before any response byte on a reused connection
};

bool idempotent(http::verb v) {
  return v == http::verb::get || v == http::verb::head || v == http::verb::put || v == http::verb::delete_ ||
         v == http::verb::options;
}

bool is_ip_literal(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

std::string host_header(const url& u) {
  const std::string host = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
  const bool default_port = (u.tls() && u.port == 443) || (!u.tls() && u.port == 80);
  return default_port ? host : host + ":" + std::to_string(u.port);
}

upstream_result failed(failure f, std::string detail) {
  upstream_result r;
  r.fail = f;
  r.detail = std::move(detail);
  return r;
}

}  // namespace

struct upstream_pool::impl : std::enable_shared_from_this<impl> {
  impl(asio::any_io_executor ex, upstream_options o, std::map<std::string, std::shared_ptr<const client_tls>> tls)
      : executor(std::move(ex)), strand(asio::make_strand(executor)), options(o), origin_tls(std::move(tls)),
        sweeper(strand) {}

  asio::any_io_executor executor;
  asio::strand<asio::any_io_executor> strand;  // guards pools, sweeper_armed
  upstream_options options;
  const std::map<std::string, std::shared_ptr<const client_tls>> origin_tls;
  std::shared_ptr<const client_tls> default_tls;  // system trust store, full verification
  std::map<std::string, origin_pool> pools;        // key: origin + '#' + tls identity
  asio::steady_timer sweeper;
  bool sweeper_armed = false;
  std::atomic<std::size_t> connects{0}, reuses{0}, retries{0};

  // --- on the pool strand -----------------------------------------------------------------
  void discard(origin_pool& p, connection_ptr c) {
    --p.total;
    asio::post(c->strand, [c] { c->close(); });
  }

  void wake_one(origin_pool& p) {
    if (p.waiters.empty()) return;
    waiter* w = p.waiters.front();
    p.waiters.pop_front();
    w->granted = true;
    w->timer.cancel();
  }

  // A reusable connection goes straight to the oldest waiter. Parking it in `idle` and waking the
  // waiter would let a request arriving in between take it, and the waiter would queue again at
  // the back: under load some exchanges starved for seconds (the p99 of the proxy benchmark).
  void release(const std::string& key, connection_ptr c, bool reusable) {
    auto& p = pools[key];
    if (!reusable) {
      discard(p, std::move(c));
      wake_one(p);  // a slot is free: the waiter opens a new connection
      return;
    }
    if (!p.waiters.empty()) {
      waiter* w = p.waiters.front();
      p.waiters.pop_front();
      w->granted = true;
      w->conn = std::move(c);
      w->timer.cancel();
      return;
    }
    c->idle_since = clock::now();
    p.idle.push_back(std::move(c));
    arm_sweeper();
  }

  void arm_sweeper() {
    if (sweeper_armed) return;
    sweeper_armed = true;
    sweeper.expires_after(options.idle_timeout);
    sweeper.async_wait([weak = weak_from_this()](error_code ec) {
      if (auto self = weak.lock()) self->sweep(ec);
    });
  }

  void sweep(error_code ec) {
    sweeper_armed = false;
    if (ec) return;
    bool any_idle = false;
    const auto cutoff = clock::now() - options.idle_timeout;
    for (auto& [key, p] : pools) {
      auto expired = [&](const connection_ptr& c) { return c->idle_since <= cutoff; };
      for (auto& c : p.idle)
        if (expired(c)) discard(p, c);
      p.idle.erase(std::remove_if(p.idle.begin(), p.idle.end(), expired), p.idle.end());
      any_idle = any_idle || !p.idle.empty();
      if (p.total < options.pool_size) wake_one(p);
    }
    if (any_idle) arm_sweeper();
  }

  asio::awaitable<lease> acquire(std::string key, clock::time_point deadline, bool fresh) {
    auto& p = pools[key];
    if (fresh) {  // after a dead pooled connection, its idle siblings are suspect too
      for (auto& c : p.idle) discard(p, c);
      p.idle.clear();
    }
    for (;;) {
      while (!p.idle.empty()) {
        auto c = std::move(p.idle.back());
        p.idle.pop_back();
        if (c->idle_since + options.idle_timeout > clock::now() && c->looks_alive()) co_return lease{std::move(c), true};
        discard(p, std::move(c));
      }
      if (p.total < options.pool_size) {
        ++p.total;
        if (options.single_thread) co_return lease{std::make_shared<connection>(executor), false};
        co_return lease{std::make_shared<connection>(asio::make_strand(executor)), false};
      }
      if (clock::now() >= deadline) co_return lease{};
      waiter w{asio::steady_timer(strand, deadline)};
      p.waiters.push_back(&w);
      co_await w.timer.async_wait(no_throw);
      std::erase(p.waiters, &w);
      if (w.conn) co_return lease{std::move(w.conn), true};  // just used: alive
      if (!w.granted && clock::now() >= deadline) co_return lease{};
    }
  }

  // --- on the connection strand -----------------------------------------------------------
  asio::awaitable<upstream_result> connect(connection& c, const url& target, const client_tls* tls,
                                           clock::time_point deadline) {
    const auto connect_deadline = std::min(deadline, clock::now() + options.connect_timeout);
    // The limit's handler must not reference this frame: when the timer expires just as the
    // resolve completes, cancel() below finds the handler already queued, and it runs after
    // connect() has returned and the frame is gone. It holds the resolver weakly instead: a
    // resolver already destroyed has nothing left to cancel.
    const auto resolver = std::make_shared<tcp::resolver>(c.strand);
    asio::steady_timer resolve_limit(c.strand, connect_deadline);
    resolve_limit.async_wait([weak = std::weak_ptr<tcp::resolver>(resolver)](error_code ec) {
      if (ec) return;
      if (const auto r = weak.lock()) r->cancel();
    });
    auto [rec, endpoints] = co_await resolver->async_resolve(target.host, std::to_string(target.port), no_throw);
    resolve_limit.cancel();
    if (rec) co_return failed(failure::connect, "resolve " + target.host + ": " + rec.message());

    if (tls) c.secure.emplace(beast::tcp_stream(c.strand), *tls->context);
    else c.plain.emplace(c.strand);
    c.tcp().expires_at(connect_deadline);
    auto [cec, ep] = co_await c.tcp().async_connect(endpoints, no_throw);
    if (cec) co_return failed(failure::connect, "connect " + target.origin() + ": " +
                                                    (cec == beast::error::timeout ? "timed out" : cec.message()));
    if (tls) {
      if (!is_ip_literal(target.host)) SSL_set_tlsext_host_name(c.secure->native_handle(), target.host.c_str());
      if (tls->verify_peer) c.secure->set_verify_callback(asio::ssl::host_name_verification(target.host));
      c.tcp().expires_at(connect_deadline);
      auto [hec] = co_await c.secure->async_handshake(asio::ssl::stream_base::client, no_throw);
      if (hec == beast::error::timeout) co_return failed(failure::timeout, "TLS handshake timed out");
      if (hec) co_return failed(failure::tls, "TLS handshake with " + target.origin() + ": " + hec.message());
    }
    c.open = true;
    ++connects;
    co_return upstream_result{};
  }

  asio::awaitable<exchange_outcome> exchange(connection_ptr c, const url& target, const request& req,
                                             const client_tls* tls, clock::time_point deadline, bool reused) {
    exchange_outcome out;
    if (!c->open) {
      out.result = co_await connect(*c, target, tls, deadline);
      if (!out.result.ok()) co_return out;
    }
    c->tcp().expires_at(deadline);
    error_code ec;
    std::size_t n = 0;
    const std::string head = wire_head(req);
    const std::array<asio::const_buffer, 2> wire{asio::buffer(head), asio::buffer(req.body())};
    if (c->secure) std::tie(ec, n) = co_await asio::async_write(*c->secure, wire, no_throw);
    else std::tie(ec, n) = co_await asio::async_write(*c->plain, wire, no_throw);
    if (ec) {
      out.result = failed(ec == beast::error::timeout ? failure::timeout : failure::reset, "write: " + ec.message());
      out.retryable = reused && ec != beast::error::timeout;
      co_return out;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(options.body_limit);
    parser.get().result(0u);  // stays 0 until a status line is parsed: see answered_status
    if (req.method() == http::verb::head) parser.skip(true);
    c->tcp().expires_at(deadline);
    // Header first, then room for simdjson's padding behind the body (Beast reserves exactly
    // Content-Length): the envelope and the translation parse it in place instead of copying.
    if (c->secure) std::tie(ec, n) = co_await http::async_read_header(*c->secure, c->buffer, parser, no_throw);
    else std::tie(ec, n) = co_await http::async_read_header(*c->plain, c->buffer, parser, no_throw);
    if (!ec && !parser.is_done()) {
      if (const auto length = parser.content_length()) parser.get().body().reserve(*length + body_padding);
      if (c->secure) std::tie(ec, n) = co_await http::async_read(*c->secure, c->buffer, parser, no_throw);
      else std::tie(ec, n) = co_await http::async_read(*c->plain, c->buffer, parser, no_throw);
    }
    if (ec) {
      const bool nothing_read = !parser.got_some() && c->buffer.size() == 0;
      if (ec == beast::error::timeout) out.result = failed(failure::timeout, "no complete response in time");
      else if (ec == http::error::body_limit) out.result = failed(failure::protocol, "response body too large");
      else if (ec.category() == make_error_code(http::error::bad_method).category() && ec != http::error::end_of_stream &&
               ec != http::error::partial_message) {
        out.result = failed(failure::protocol, "malformed response: " + ec.message());
        out.result.answered_status = parser.get().result_int();
      } else
        out.result = failed(failure::reset, "read: " + ec.message());
      out.retryable = reused && nothing_read && out.result.fail == failure::reset;
      co_return out;
    }
    out.result.res = parser.release();
    out.reusable = out.result.res.keep_alive() && req.keep_alive();
    co_return out;
  }

  std::shared_ptr<const client_tls> tls_for(const url& target, std::shared_ptr<const client_tls> explicit_tls) {
    if (!target.tls()) return nullptr;
    if (explicit_tls) return explicit_tls;
    if (auto it = origin_tls.find(target.origin()); it != origin_tls.end()) return it->second;
    return default_tls;
  }
};

upstream_pool::upstream_pool(asio::any_io_executor executor, upstream_options options,
                             std::map<std::string, std::shared_ptr<const client_tls>> origin_tls)
    : impl_(std::make_shared<impl>(std::move(executor), options, std::move(origin_tls))) {
  impl_->default_tls = make_client_tls(tls_client_files{}, "upstream default TLS");
}

upstream_pool::~upstream_pool() { close_idle(); }

asio::awaitable<upstream_result> upstream_pool::send(const url& target, request req, std::chrono::milliseconds timeout,
                                                     std::shared_ptr<const client_tls> tls, resend_hook on_resend) {
  auto self = impl_;
  const auto deadline = clock::now() + timeout;
  tls = self->tls_for(target, std::move(tls));
  const std::string key = target.origin() + "#" + std::to_string(reinterpret_cast<std::uintptr_t>(tls.get()));
  req.version(11);
  req.target(target.target);
  req.set(http::field::host, host_header(target));
  req.prepare_payload();

  const bool inline_io = self->options.single_thread;
  for (int attempt = 0;; ++attempt) {
    lease l;
    if (inline_io) l = co_await self->acquire(key, deadline, attempt > 0);
    else l = co_await asio::co_spawn(self->strand, self->acquire(key, deadline, attempt > 0), asio::use_awaitable);
    if (!l.conn) co_return failed(failure::timeout, "no pooled connection to " + target.origin() + " in time");
    if (l.reused) ++self->reuses;
    exchange_outcome out;
    try {
      if (inline_io)
        out = co_await self->exchange(l.conn, target, req, tls.get(), deadline, l.reused);
      else
        out = co_await asio::co_spawn(l.conn->strand, self->exchange(l.conn, target, req, tls.get(), deadline, l.reused),
                                      asio::use_awaitable);
    } catch (const std::exception& e) {
      out = exchange_outcome{failed(failure::protocol, e.what())};
    }
    if (inline_io) self->release(key, l.conn, out.reusable);
    else asio::post(self->strand, [self, key, c = l.conn, reusable = out.reusable] { self->release(key, c, reusable); });
    if (out.retryable && attempt == 0 && idempotent(req.method())) {
      ++self->retries;
      if (on_resend) on_resend(req);
      continue;
    }
    co_return std::move(out.result);
  }
}

void upstream_pool::close_idle() {
  asio::post(impl_->strand, [self = impl_] {
    self->sweeper.cancel();
    for (auto& [key, p] : self->pools) {
      for (auto& c : p.idle) self->discard(p, c);
      p.idle.clear();
    }
  });
}

upstream_pool::statistics upstream_pool::stats() const {
  return statistics{impl_->connects.load(), impl_->reuses.load(), impl_->retries.load()};
}

}  // namespace ocpi::proxy
