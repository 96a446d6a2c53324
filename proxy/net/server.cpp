#include "proxy/net/server.hpp"

#include <csignal>
#include <iostream>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "proxy/net/listener.hpp"
#include "proxy/net/tls.hpp"
#include "proxy/net/upstream.hpp"

namespace ocpi::proxy {

namespace asio = boost::asio;

void setup_logging(const std::string& level) {
  auto logger = spdlog::get("ocpi-bridge");
  if (!logger) logger = spdlog::stderr_color_mt("ocpi-bridge");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

struct server::impl {
  bridge_config config;
  asio::io_context ioc;
  asio::strand<asio::io_context::executor_type> control{asio::make_strand(ioc)};  // shutdown state
  std::shared_ptr<exchange_counter> exchanges = std::make_shared<exchange_counter>();
  std::shared_ptr<asio::ssl::context> hub_tls, legacy_face_tls;
  std::shared_ptr<const client_tls> iop_tls;
  std::vector<std::shared_ptr<const client_tls>> legacy_tls;
  std::unique_ptr<upstream_pool> pool;
  handler handle;
  std::unique_ptr<listener> hub, legacy, admin;
  asio::signal_set signals{ioc, SIGINT, SIGTERM};
  bool opened = false;
  bool stopping = false;

  explicit impl(bridge_config c) : config(std::move(c)), ioc(static_cast<int>(config.bridge.threads)) {}

  listener& face_listener(face f) const {
    const auto& l = f == face::hub ? hub : f == face::legacy ? legacy : admin;
    if (!l) throw std::logic_error("server: open() first");
    return *l;
  }

  void begin_shutdown() {  // on `control`
    if (stopping) {
      spdlog::warn("second stop request: exiting now with {} exchange(s) in flight", exchanges->in_flight.load());
      ioc.stop();
      return;
    }
    stopping = true;
    spdlog::info("shutting down: no new connections, finishing {} in-flight exchange(s)", exchanges->in_flight.load());
    exchanges->draining = true;
    if (hub) hub->stop();
    if (legacy) legacy->stop();
    asio::co_spawn(control, drain(), asio::detached);
  }

  asio::awaitable<void> drain() {
    const auto deadline = std::chrono::steady_clock::now() + config.bridge.shutdown_grace;
    asio::steady_timer tick(control);
    while (exchanges->in_flight > 0 && std::chrono::steady_clock::now() < deadline) {
      tick.expires_after(std::chrono::milliseconds(20));
      co_await tick.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (exchanges->in_flight > 0)
      spdlog::warn("shutdown grace expired with {} exchange(s) in flight", exchanges->in_flight.load());
    pool->close_idle();
    ioc.stop();
  }

  void wait_signal() {
    signals.async_wait([this](boost::system::error_code ec, int sig) {
      if (ec) return;
      spdlog::info("signal {} received", sig);
      asio::post(control, [this] { begin_shutdown(); });
      wait_signal();
    });
  }
};

namespace {

std::map<std::string, std::shared_ptr<const client_tls>> tls_by_origin(const bridge_config& c,
                                                                       const std::shared_ptr<const client_tls>& iop,
                                                                       const std::vector<std::shared_ptr<const client_tls>>& legacy) {
  std::map<std::string, std::shared_ptr<const client_tls>> out;
  if (auto u = parse_url(c.iop.versions_url); u && u->tls()) out.emplace(u->origin(), iop);
  for (std::size_t i = 0; i < c.legacy.size(); ++i)
    if (auto u = parse_url(c.legacy[i].versions_url); u && u->tls()) out.emplace(u->origin(), legacy[i]);
  return out;
}

}  // namespace

server::server(bridge_config config) : impl_(std::make_unique<impl>(std::move(config))) {
  auto& c = impl_->config;
  setup_logging(c.bridge.log_level);
  if (c.hub.tls) impl_->hub_tls = make_server_tls(c.hub, "face.hub");
  if (c.legacy_face.tls) impl_->legacy_face_tls = make_server_tls(c.legacy_face, "face.legacy");
  impl_->iop_tls = make_client_tls(c.iop.tls, "iop");
  for (std::size_t i = 0; i < c.legacy.size(); ++i)
    impl_->legacy_tls.push_back(make_client_tls(c.legacy[i].tls, "legacy[" + std::to_string(i) + "]"));
  upstream_options o;
  o.pool_size = c.bridge.upstream_pool_size;
  o.connect_timeout = c.bridge.connect_timeout;
  o.idle_timeout = c.bridge.upstream_idle_timeout;
  o.single_thread = c.bridge.threads <= 1;
  impl_->pool = std::make_unique<upstream_pool>(impl_->ioc.get_executor(), o,
                                                tls_by_origin(c, impl_->iop_tls, impl_->legacy_tls));
}

server::~server() {
  impl_->hub.reset();
  impl_->legacy.reset();
  impl_->admin.reset();
  impl_->pool.reset();
}

void server::set_handler(handler handle) { impl_->handle = std::move(handle); }

void server::open() {
  if (impl_->opened) return;
  auto& c = impl_->config;
  auto make = [&](face f, const face_config& fc, std::shared_ptr<asio::ssl::context> tls, const char* path) {
    listener_options o;
    o.which = f;
    o.listen = fc.listen;
    o.tls = std::move(tls);
    o.body_limit = c.bridge.body_limit;
    o.client_timeout = c.bridge.client_timeout;
    o.single_thread = c.bridge.threads <= 1;
    auto l = std::make_unique<listener>(impl_->ioc, o, impl_->handle, impl_->exchanges);
    if (auto ec = l->open())
      throw std::runtime_error(std::string(path) + ": cannot bind " + fc.listen.str() + ": " + ec.message());
    return l;
  };
  impl_->hub = make(face::hub, c.hub, impl_->hub_tls, "face.hub.listen");
  impl_->legacy = make(face::legacy, c.legacy_face, impl_->legacy_face_tls, "face.legacy.listen");
  impl_->admin = make(face::admin, c.admin_face, nullptr, "face.admin.listen");
  impl_->opened = true;
}

int server::run() {
  open();
  impl_->hub->start();
  impl_->legacy->start();
  impl_->admin->start();
  impl_->wait_signal();
  std::cout << "LISTENING hub " << port(face::hub) << "\n"
            << "LISTENING legacy " << port(face::legacy) << "\n"
            << "LISTENING admin " << port(face::admin) << std::endl;
  spdlog::info("hub face on {}, legacy face on {}, {} thread(s)", public_url(face::hub), public_url(face::legacy),
               impl_->config.bridge.threads);
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < impl_->config.bridge.threads; ++i) threads.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : threads) t.join();
  boost::system::error_code ec;
  impl_->signals.cancel(ec);
  spdlog::info("stopped");
  return 0;
}

void server::stop() {
  asio::post(impl_->control, [i = impl_.get()] { i->begin_shutdown(); });
}

std::uint16_t server::port(face f) const { return impl_->face_listener(f).port(); }
std::string server::public_url(face f) const {
  const auto& c = impl_->config;
  return (f == face::hub ? c.hub : f == face::legacy ? c.legacy_face : c.admin_face).public_base(port(f));
}
std::size_t server::in_flight() const { return impl_->exchanges->in_flight; }
const bridge_config& server::config() const { return impl_->config; }
upstream_pool& server::upstream() { return *impl_->pool; }
asio::io_context& server::context() { return impl_->ioc; }
std::shared_ptr<const client_tls> server::iop_tls() const { return impl_->iop_tls; }
std::shared_ptr<const client_tls> server::legacy_tls(std::size_t index) const { return impl_->legacy_tls.at(index); }

}  // namespace ocpi::proxy
