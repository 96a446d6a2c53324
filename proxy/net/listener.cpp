#include "proxy/net/listener.hpp"

#include <cerrno>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "proxy/net/session.hpp"

namespace ocpi::proxy {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

// errno names for the failures an operator can act on (raise `ulimit -n`, free memory).
const char* errno_name(const error_code& ec) {
  if (ec.category() != boost::system::system_category()) return nullptr;
  switch (ec.value()) {
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case ENOBUFS: return "ENOBUFS";
    case ENOMEM: return "ENOMEM";
    case ECONNABORTED: return "ECONNABORTED";
    case EPERM: return "EPERM";
    default: return nullptr;
  }
}

}  // namespace

std::string describe_accept_error(const error_code& ec) {
  std::string out = ec.message();
  if (const char* name = errno_name(ec)) out += std::string(" (") + name + ")";
  return out;
}

void note_accept_failure(accept_failures& f, const char* face, const error_code& ec,
                         std::chrono::steady_clock::time_point now) {
  ++f.total;
  if (f.total > 1 && now - f.last_logged < accept_failures::log_interval) {
    ++f.suppressed;
    return;
  }
  if (f.total == 1)
    spdlog::warn("{}: accept failed: {}; pausing {} ms between attempts, repeats logged every {} s", face,
                 describe_accept_error(ec), accept_failures::pause.count(), accept_failures::log_interval.count());
  else
    spdlog::warn("{}: accept still failing: {}; pausing {} ms; {} more suppressed", face, describe_accept_error(ec),
                 accept_failures::pause.count(), f.suppressed);
  f.last_logged = now;
  f.suppressed = 0;
}

void note_accept_success(accept_failures& f, const char* face) {
  if (f.total == 0) return;
  spdlog::warn("{}: accepting again after {} failed accept(s)", face, f.total);
  f = accept_failures{};
}

struct listener::impl {
  asio::io_context& ioc;
  asio::strand<asio::io_context::executor_type> strand;
  tcp::acceptor acceptor;
  listen_address listen;
  std::shared_ptr<session_shared> shared;
  std::atomic<std::uint16_t> port{0};
  bool single_thread = false;
  accept_failures failures;  // touched on `strand` only (the accept loop)

  impl(asio::io_context& c, listen_address l) : ioc(c), strand(asio::make_strand(c)), acceptor(strand), listen(std::move(l)) {}
};

namespace {

void log_failure(std::exception_ptr e, const char* what) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    spdlog::error("{}: {}", what, x.what());
  } catch (...) {
    spdlog::error("{}: unknown exception", what);
  }
}

asio::awaitable<void> accept_loop(std::shared_ptr<listener::impl> self) {
  constexpr auto no_throw = asio::as_tuple(asio::use_awaitable);
  for (;;) {
    const asio::any_io_executor session_executor =
        self->single_thread ? asio::any_io_executor(self->ioc.get_executor()) : asio::any_io_executor(asio::make_strand(self->ioc));
    auto [ec, socket] = co_await self->acceptor.async_accept(session_executor, no_throw);
    if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) co_return;
    if (ec) {  // e.g. EMFILE: back off instead of spinning
      note_accept_failure(self->failures, to_string(self->shared->which), ec, std::chrono::steady_clock::now());
      asio::steady_timer pause(self->strand, accept_failures::pause);
      co_await pause.async_wait(no_throw);
      continue;
    }
    note_accept_success(self->failures, to_string(self->shared->which));
    auto executor = socket.get_executor();
    asio::co_spawn(executor, run_session(tcp::socket(std::move(socket)), self->shared),
                   [](std::exception_ptr e) { log_failure(e, "session"); });
  }
}

}  // namespace

listener::listener(asio::io_context& ioc, listener_options options, handler handle,
                   std::shared_ptr<exchange_counter> exchanges)
    : impl_(std::make_shared<impl>(ioc, std::move(options.listen))) {
  auto shared = std::make_shared<session_shared>();
  shared->which = options.which;
  shared->handle = std::move(handle);
  shared->tls = std::move(options.tls);
  shared->body_limit = options.body_limit;
  shared->client_timeout = options.client_timeout;
  impl_->single_thread = options.single_thread;
  shared->exchanges = exchanges ? std::move(exchanges) : std::make_shared<exchange_counter>();
  impl_->shared = std::move(shared);
}

listener::~listener() { stop(); }

error_code listener::open() {
  error_code ec;
  const auto address = asio::ip::make_address(impl_->listen.host, ec);
  if (ec) return ec;  // listen hosts are IP literals: no DNS at bind time
  const tcp::endpoint endpoint{address, impl_->listen.port};
  auto& a = impl_->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error_code ignored;
    a.close(ignored);
    return ec;
  }
  impl_->port = a.local_endpoint(ec).port();
  return ec;
}

void listener::start() {
  asio::co_spawn(impl_->strand, accept_loop(impl_), [](std::exception_ptr e) { log_failure(e, "accept loop"); });
}

void listener::stop() {
  asio::post(impl_->strand, [self = impl_] {
    error_code ec;
    self->acceptor.close(ec);
  });
}

std::uint16_t listener::port() const noexcept { return impl_->port; }
face listener::which() const noexcept { return impl_->shared->which; }
bool listener::tls() const noexcept { return impl_->shared->tls != nullptr; }
exchange_counter& listener::exchanges() noexcept { return *impl_->shared->exchanges; }

}  // namespace ocpi::proxy
