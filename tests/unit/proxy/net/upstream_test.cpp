// upstream_pool against a tiny in-test Beast server on 127.0.0.1 port 0.
#include <doctest/doctest.h>

#include <mutex>

#include <atomic>
#include <thread>
#include <vector>

#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>

#include "net_test_support.hpp"
#include "proxy/net/upstream.hpp"

using namespace net_test;
using namespace ocpi::proxy;
using asio::ip::tcp;

namespace {

// drop_reused: the first connection answers its first request, then reads the second and closes
// without answering (a pooled connection the peer dropped while the bridge still held it).
enum class mode { answer, silent, slow, drop_reused };

// Accepts connections on 127.0.0.1:0 and answers every request with "<n>:<target>" where n counts
// accepted connections (so the response shows which connection carried it).
struct tiny_server {
  asio::io_context& ioc;
  tcp::acceptor acceptor{ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  mode how = mode::answer;
  int accepted = 0;
  int requests = 0;
  std::vector<std::string> request_ids, correlation_ids;  // X-Request-ID / X-Correlation-ID, in order
  std::mutex ids_mutex;  // some tests run the io_context on two threads: serve() runs concurrently

  tiny_server(asio::io_context& c, mode m) : ioc(c), how(m) {
    asio::co_spawn(ioc, accept_loop(), asio::detached);
  }
  std::uint16_t port() const { return acceptor.local_endpoint().port(); }
  int served_on_first = 0;

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(no_throw);
      if (ec) co_return;
      asio::co_spawn(ioc, serve(beast::tcp_stream(std::move(socket)), ++accepted), asio::detached);
    }
  }

  asio::awaitable<void> serve(beast::tcp_stream stream, int id) {
    beast::flat_buffer buffer;
    for (;;) {
      request req;
      stream.expires_after(std::chrono::seconds(10));
      auto [ec, n] = co_await http::async_read(stream, buffer, req, no_throw);
      if (ec) co_return;
      {
        std::lock_guard lock(ids_mutex);
        ++requests;
        request_ids.emplace_back(req["X-Request-ID"]);
        correlation_ids.emplace_back(req["X-Correlation-ID"]);
      }
      if (how == mode::drop_reused && id == 1 && ++served_on_first > 1) co_return;  // closes, no answer
      if (how == mode::silent) {
        asio::steady_timer never(stream.get_executor(), std::chrono::seconds(10));
        co_await never.async_wait(no_throw);
        co_return;
      }
      if (how == mode::slow) {
        asio::steady_timer pause(stream.get_executor(), std::chrono::milliseconds(50));
        co_await pause.async_wait(no_throw);
      }
      response res{http::status::ok, 11};
      res.set(http::field::content_type, "application/json");
      res.body() = std::to_string(id) + ":" + std::string(req.target()) + ":" + std::string(req[http::field::host]);
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      auto [wec, wn] = co_await http::async_write(stream, res, no_throw);
      if (wec || !res.keep_alive()) co_return;
    }
  }
};

url local(std::uint16_t port, std::string target) { return *parse_url("http://127.0.0.1:" + std::to_string(port) + target); }

upstream_options quick() {
  upstream_options o;
  o.connect_timeout = std::chrono::milliseconds(2000);
  return o;
}

}  // namespace

TEST_CASE("upstream: keep-alive reuses one connection for two requests") {
  asio::io_context ioc;
  tiny_server peer(ioc, mode::answer);
  upstream_pool pool(ioc.get_executor(), quick());
  run_test(ioc, [&]() -> asio::awaitable<void> {
    auto r1 = co_await pool.send(local(peer.port(), "/ocpi/versions"), request{http::verb::get, "/", 11}, std::chrono::seconds(5));
    auto r2 = co_await pool.send(local(peer.port(), "/ocpi/2.2.1?x=1"), request{http::verb::get, "/", 11}, std::chrono::seconds(5));
    REQUIRE(r1.ok());
    REQUIRE(r2.ok());
    CHECK(r1.res.result() == http::status::ok);
    CHECK(r1.res.body() == "1:/ocpi/versions:127.0.0.1:" + std::to_string(peer.port()));
    CHECK(r2.res.body() == "1:/ocpi/2.2.1?x=1:127.0.0.1:" + std::to_string(peer.port()));
  });
  CHECK(peer.accepted == 1);
  CHECK(pool.stats().connects == 1);
  CHECK(pool.stats().reuses == 1);
}

TEST_CASE("upstream: a bounded pool queues waiters instead of opening more connections") {
  asio::io_context ioc;
  tiny_server peer(ioc, mode::slow);
  auto o = quick();
  o.pool_size = 1;
  upstream_pool pool(ioc.get_executor(), o);
  int done = 0;
  run_test(ioc, [&]() -> asio::awaitable<void> {
    auto one = [&](std::string target) -> asio::awaitable<void> {
      auto r = co_await pool.send(local(peer.port(), target), request{http::verb::put, "/", 11, "{}"}, std::chrono::seconds(5));
      CHECK(r.ok());
      ++done;
    };
    for (int i = 0; i < 3; ++i) asio::co_spawn(ioc, one("/r" + std::to_string(i)), asio::detached);
    asio::steady_timer wait(ioc);
    for (int i = 0; i < 200 && done < 3; ++i) {
      wait.expires_after(std::chrono::milliseconds(20));
      co_await wait.async_wait(no_throw);
    }
  });
  CHECK(done == 3);
  CHECK(peer.accepted == 1);
  CHECK(peer.requests == 3);
}

TEST_CASE("upstream: no response in time is failure::timeout") {
  asio::io_context ioc;
  tiny_server peer(ioc, mode::silent);
  upstream_pool pool(ioc.get_executor(), quick());
  run_test(ioc, [&]() -> asio::awaitable<void> {
    auto r = co_await pool.send(local(peer.port(), "/x"), request{http::verb::get, "/", 11}, std::chrono::milliseconds(200));
    CHECK(r.fail == upstream_result::failure::timeout);
    CHECK_FALSE(r.detail.empty());
  });
  CHECK(peer.requests == 1);  // sent once: a timeout is never retried
}

TEST_CASE("upstream: connection refused is failure::connect") {
  asio::io_context ioc;
  std::uint16_t closed_port = 0;
  {
    tcp::acceptor probe(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    closed_port = probe.local_endpoint().port();
  }
  upstream_pool pool(ioc.get_executor(), quick());
  run_test(ioc, [&]() -> asio::awaitable<void> {
    auto r = co_await pool.send(local(closed_port, "/x"), request{http::verb::post, "/", 11, "{}"}, std::chrono::seconds(5));
    CHECK(r.fail == upstream_result::failure::connect);
    CHECK(std::string(to_string(r.fail)) == "connect");
  });
}

TEST_CASE("upstream: a connection the peer closed is not reused, even for POST") {
  asio::io_context ioc;
  tiny_server peer(ioc, mode::answer);
  upstream_pool pool(ioc.get_executor(), quick());
  run_test(ioc, [&]() -> asio::awaitable<void> {
    auto first = request{http::verb::get, "/", 11};
    first.keep_alive(false);  // the peer closes after answering
    auto r1 = co_await pool.send(local(peer.port(), "/a"), first, std::chrono::seconds(5));
    auto r2 = co_await pool.send(local(peer.port(), "/b"), request{http::verb::post, "/", 11, "{}"}, std::chrono::seconds(5));
    CHECK(r1.ok());
    REQUIRE(r2.ok());
    CHECK(r2.res.body().rfind("2:/b", 0) == 0);
  });
  CHECK(peer.accepted == 2);
}

TEST_CASE(
    "upstream: the resend after a dead pooled connection is renewed by on_resend (issue 13: one X-Request-ID per "
    "attempt)") {
  asio::io_context ioc;
  tiny_server peer(ioc, mode::drop_reused);
  upstream_pool pool(ioc.get_executor(), quick());
  int renewals = 0;
  run_test(ioc, [&]() -> asio::awaitable<void> {
    auto warm =
        co_await pool.send(local(peer.port(), "/warm"), request{http::verb::get, "/", 11}, std::chrono::seconds(5));
    REQUIRE(warm.ok());
    request put{http::verb::put, "/", 11, "{}"};
    put.set("X-Request-ID", "attempt-1");
    put.set("X-Correlation-ID", "corr-1");
    auto r = co_await pool.send(local(peer.port(), "/put"), put, std::chrono::seconds(5), nullptr, [&](request& again) {
      again.set("X-Request-ID", "attempt-" + std::to_string(2 + renewals++));
    });
    REQUIRE(r.ok());
    CHECK(r.res.body().rfind("2:/put", 0) == 0);  // answered on a fresh connection
  });
  CHECK(renewals == 1);
  CHECK(pool.stats().retries == 1);
  CHECK(peer.request_ids == std::vector<std::string>{"", "attempt-1", "attempt-2"});
  CHECK(peer.correlation_ids == std::vector<std::string>{"", "corr-1", "corr-1"});
}

TEST_CASE("upstream: without on_resend the resend is the same request") {
  asio::io_context ioc;
  tiny_server peer(ioc, mode::drop_reused);
  upstream_pool pool(ioc.get_executor(), quick());
  run_test(ioc, [&]() -> asio::awaitable<void> {
    REQUIRE(
        (co_await pool.send(local(peer.port(), "/warm"), request{http::verb::get, "/", 11}, std::chrono::seconds(5)))
            .ok());
    request get{http::verb::get, "/", 11};
    get.set("X-Request-ID", "only");
    CHECK((co_await pool.send(local(peer.port(), "/again"), get, std::chrono::seconds(5))).ok());
  });
  CHECK(peer.request_ids == std::vector<std::string>{"", "only", "only"});
}

TEST_CASE("upstream: a connect deadline expiring as the connection completes leaves no handler on a freed frame") {
  // Regression (heap-use-after-free under ASan): connect() armed a timer bounding the name
  // resolution whose handler referenced the resolver, a local of the coroutine. With two threads,
  // the timer can expire just as the resolve completes: one thread has taken its handler out of
  // the timer queue (so cancel() finds nothing to cancel) while the other resumes the coroutine,
  // connects and returns; the handler then ran on the freed frame. Deadlines of 1-3 ms put the
  // expiry inside that window again and again, as a loaded bridge waiting for a pooled
  // connection does (pool size 1 behind a slow hub).
  asio::io_context ioc(2);
  tiny_server peer(ioc, mode::answer);
  constexpr int rounds = 4000;
  std::atomic<int> finished{0};
  auto o = quick();
  o.connect_timeout = std::chrono::milliseconds(1);
  upstream_pool pool(ioc.get_executor(), o);
  auto one = [&](int i) -> asio::awaitable<void> {
    request req{http::verb::get, "/", 11};
    req.keep_alive(false);  // not pooled: every send connects
    co_await pool.send(local(peer.port(), "/x"), req, std::chrono::milliseconds(1 + i % 3));
    ++finished;
  };
  // Eight at a time on two threads, so that completions of different exchanges interleave.
  std::atomic<int> lanes{8};
  auto lane = [&](int first) -> asio::awaitable<void> {
    for (int i = first; i < rounds; i += 8) co_await one(i);
    if (--lanes == 0) ioc.stop();
  };
  for (int l = 0; l < 8; ++l) asio::co_spawn(ioc, lane(l), asio::detached);
  std::thread second([&] { ioc.run_for(std::chrono::seconds(60)); });
  ioc.run_for(std::chrono::seconds(60));
  second.join();
  CHECK(finished == rounds);
}
