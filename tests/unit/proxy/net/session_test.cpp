// Sessions on real loopback sockets (127.0.0.1, port 0).
#include <doctest/doctest.h>

#include <stdexcept>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "net_test_support.hpp"
#include "proxy/net/listener.hpp"

using namespace net_test;
using namespace ocpi::proxy;

namespace {

struct echo_server {
  asio::io_context ioc;
  std::vector<std::string> remotes;  // inbound.remote of every request, in order
  std::size_t in_flight_seen = 0;
  std::unique_ptr<listener> server;

  explicit echo_server(listener_options options = {}) {
    server = std::make_unique<listener>(ioc, options, [this](inbound& in) -> asio::awaitable<response> {
      remotes.push_back(in.remote);
      in_flight_seen = server->exchanges().in_flight;
      if (in.req.target() == "/boom") throw std::runtime_error("handler exploded");
      response res{http::status::ok, 11};
      res.body() = std::string(in.req.method_string()) + " " + std::string(in.req.target()) + " " + in.req.body();
      co_return res;
    });
    REQUIRE_FALSE(server->open());
    REQUIRE(server->port() != 0);
    server->start();
  }
};

nlohmann::json envelope(const response& res) { return nlohmann::json::parse(res.body()); }

// The server finishes its side of an exchange (write completion) after the client has read the
// reply: poll, bounded, instead of racing it.
asio::awaitable<bool> eventually_idle(listener& l) {
  asio::steady_timer tick(co_await asio::this_coro::executor);
  for (int i = 0; i < 500 && l.exchanges().in_flight != 0; ++i) {
    tick.expires_after(std::chrono::milliseconds(10));
    co_await tick.async_wait(no_throw);
  }
  co_return l.exchanges().in_flight == 0;
}

}  // namespace

TEST_CASE("session: keep-alive serves two requests on one connection") {
  echo_server s;
  run_test(s.ioc, [&]() -> asio::awaitable<void> {
    auto stream = co_await connect_to(s.server->port());
    beast::flat_buffer buffer;
    auto r1 = co_await exchange(stream, buffer, make_request(http::verb::get, "/ocpi/versions"));
    auto r2 = co_await exchange(stream, buffer, make_request(http::verb::put, "/x", "{\"a\":1}"));
    CHECK(r1.result() == http::status::ok);
    CHECK(r1.body() == "GET /ocpi/versions ");
    CHECK(r1[http::field::content_type] == "application/json");
    CHECK(r1.keep_alive());
    CHECK(r2.body() == "PUT /x {\"a\":1}");
    CHECK(co_await eventually_idle(*s.server));
  });
  REQUIRE(s.remotes.size() == 2);
  CHECK(s.remotes[0] == s.remotes[1]);  // same client port: one connection
  CHECK(s.in_flight_seen == 1);
}

TEST_CASE("session: pipelined requests are answered in order") {
  echo_server s;
  run_test(s.ioc, [&]() -> asio::awaitable<void> {
    auto stream = co_await connect_to(s.server->port());
    beast::flat_buffer buffer;
    CHECK_FALSE(co_await write_raw(stream, "GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
                                           "GET /two HTTP/1.1\r\nHost: x\r\n\r\n"
                                           "GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    CHECK((co_await read_response(stream, buffer)).body() == "GET /one ");
    CHECK((co_await read_response(stream, buffer)).body() == "GET /two ");
    auto last = co_await read_response(stream, buffer);
    CHECK(last.body() == "GET /three ");
    CHECK_FALSE(last.keep_alive());
    auto [ec, n] = co_await read_until_closed(stream);
    CHECK(ec == asio::error::eof);
  });
}

TEST_CASE("session: a body over the limit gets 413 with an OCPI envelope") {
  listener_options o;
  o.body_limit = 16;
  echo_server s(o);
  run_test(s.ioc, [&]() -> asio::awaitable<void> {
    auto stream = co_await connect_to(s.server->port());
    beast::flat_buffer buffer;
    auto res = co_await exchange(stream, buffer, make_request(http::verb::post, "/cdrs", std::string(100, 'x')));
    CHECK(res.result() == http::status::payload_too_large);
    CHECK(res[http::field::content_type] == "application/json");
    CHECK(envelope(res)["status_code"] == 2000);
    CHECK(envelope(res)["status_message"] == "request body too large");
    CHECK(envelope(res).contains("timestamp"));
    CHECK_FALSE(res.keep_alive());
  });
  CHECK(s.remotes.empty());
}

TEST_CASE("session: malformed HTTP gets 400 with an OCPI envelope") {
  echo_server s;
  run_test(s.ioc, [&]() -> asio::awaitable<void> {
    auto stream = co_await connect_to(s.server->port());
    beast::flat_buffer buffer;
    CHECK_FALSE(co_await write_raw(stream, "GET /x HTTP/1.1\r\nHost x\r\n\r\n"));
    auto res = co_await read_response(stream, buffer);
    CHECK(res.result() == http::status::bad_request);
    CHECK(envelope(res)["status_code"] == 2000);
  });
}

TEST_CASE("session: a slow client is disconnected after client_timeout") {
  listener_options o;
  o.client_timeout = std::chrono::milliseconds(150);
  echo_server s(o);
  run_test(s.ioc, [&]() -> asio::awaitable<void> {
    auto stream = co_await connect_to(s.server->port());
    CHECK_FALSE(co_await write_raw(stream, "GET /slow HTTP/1.1\r\nHo"));  // never finished
    auto [ec, n] = co_await read_until_closed(stream);
    CHECK(ec == asio::error::eof);  // closed by the server, not by our own 5 s limit
    CHECK(n == 0);
  });
  CHECK(s.remotes.empty());
}

TEST_CASE("session: a throwing handler gives 500 / 3000 and the connection keeps serving") {
  echo_server s;
  run_test(s.ioc, [&]() -> asio::awaitable<void> {
    auto stream = co_await connect_to(s.server->port());
    beast::flat_buffer buffer;
    auto r1 = co_await exchange(stream, buffer, make_request(http::verb::get, "/boom"));
    CHECK(r1.result() == http::status::internal_server_error);
    CHECK(envelope(r1)["status_code"] == 3000);
    CHECK(r1[http::field::content_type] == "application/json");
    auto r2 = co_await exchange(stream, buffer, make_request(http::verb::get, "/fine"));
    CHECK(r2.result() == http::status::ok);
    CHECK(co_await eventually_idle(*s.server));
  });
}

TEST_CASE("session: Connection: close is honoured") {
  echo_server s;
  run_test(s.ioc, [&]() -> asio::awaitable<void> {
    auto stream = co_await connect_to(s.server->port());
    beast::flat_buffer buffer;
    auto req = make_request(http::verb::get, "/bye");
    req.keep_alive(false);
    auto res = co_await exchange(stream, buffer, req);
    CHECK(res.result() == http::status::ok);
    CHECK_FALSE(res.keep_alive());
    auto [ec, n] = co_await read_until_closed(stream);
    CHECK(ec == asio::error::eof);
  });
}
