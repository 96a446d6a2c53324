// The server process object: both faces on port 0, graceful shutdown finishing an in-flight
// exchange.
#include <doctest/doctest.h>

#include <thread>

#include <boost/asio/steady_timer.hpp>

#include "net_test_support.hpp"
#include "proxy/net/server.hpp"

using namespace net_test;
using namespace ocpi::proxy;

TEST_CASE("server: graceful shutdown lets the in-flight exchange finish") {
  auto config = load_config_text(R"(
[bridge]
log_level = "warn"
shutdown_grace_ms = 5000
[face.hub]
listen = "127.0.0.1:0"
[face.legacy]
listen = "127.0.0.1:0"
[face.admin]
listen = "127.0.0.1:0"
)",
                                 "test");
  server bridge(config);
  bridge.set_handler([&](inbound& in) -> asio::awaitable<response> {
    if (in.req.target() == "/slow") {
      bridge.stop();  // shutdown starts while this exchange is in flight
      asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(200));
      co_await pause.async_wait(no_throw);
    }
    response res{http::status::ok, 11};
    res.body() = std::string("{\"face\":\"") + to_string(in.which) + "\"}";
    co_return res;
  });
  bridge.open();
  REQUIRE(bridge.port(face::hub) != 0);
  REQUIRE(bridge.port(face::legacy) != 0);
  CHECK(bridge.public_url(face::hub) == "http://127.0.0.1:" + std::to_string(bridge.port(face::hub)));
  int rc = -1;
  std::thread runner([&] { rc = bridge.run(); });

  asio::io_context client;
  run_test(client, [&]() -> asio::awaitable<void> {
    auto legacy = co_await connect_to(bridge.port(face::legacy));
    beast::flat_buffer b1;
    auto r1 = co_await exchange(legacy, b1, make_request(http::verb::get, "/fast"));
    CHECK(r1.body() == "{\"face\":\"legacy\"}");
    auto hub = co_await connect_to(bridge.port(face::hub));
    beast::flat_buffer b2;
    auto r2 = co_await exchange(hub, b2, make_request(http::verb::get, "/slow"));
    CHECK(r2.result() == http::status::ok);
    CHECK(r2.body() == "{\"face\":\"hub\"}");
    CHECK_FALSE(r2.keep_alive());  // draining: the connection is closed after the reply
  });
  runner.join();
  CHECK(rc == 0);
  CHECK(bridge.in_flight() == 0);
}
