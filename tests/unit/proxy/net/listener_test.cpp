// Accept failures (issue 12 defect 7): descriptor exhaustion used to log one warning per 50 ms
// pause and face, worded as the error's bare message; now one line per interval that names the
// errno, then one line when accepting works again.
#include "proxy/net/listener.hpp"

#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/steady_timer.hpp>
#include <sstream>
#include <string>

#include "net_test_support.hpp"

using namespace net_test;
using namespace ocpi::proxy;

namespace {

// Routes the default logger into a string for the test's lifetime.
struct captured_log {
  std::ostringstream text;
  std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();
  captured_log() {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(text);
    sink->set_pattern("%l %v");
    auto logger = std::make_shared<spdlog::logger>("capture", sink);
    logger->set_level(spdlog::level::info);
    spdlog::set_default_logger(logger);
  }
  ~captured_log() { spdlog::set_default_logger(previous); }
  std::size_t count(std::string_view needle) const {
    const std::string s = text.str();
    std::size_t n = 0;
    for (auto at = s.find(needle); at != std::string::npos; at = s.find(needle, at + 1)) ++n;
    return n;
  }
};

// The lowest descriptor number not in use: with the soft limit set to it, the process can open
// no descriptor at all.
int lowest_free_fd() {
  for (int fd = 0;; ++fd) {
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    if (access(path.c_str(), F_OK) != 0) return fd;
  }
}

struct fd_limit_guard {
  rlimit saved{};
  fd_limit_guard() { REQUIRE(getrlimit(RLIMIT_NOFILE, &saved) == 0); }
  void lower_to(rlim_t n) {
    rlimit l = saved;
    l.rlim_cur = n;
    REQUIRE(setrlimit(RLIMIT_NOFILE, &l) == 0);
  }
  void restore() { setrlimit(RLIMIT_NOFILE, &saved); }
  ~fd_limit_guard() { restore(); }
};

}  // namespace

TEST_CASE("accept failures: one line per interval, naming the errno, with the count suppressed") {
  captured_log log;
  accept_failures f;
  const auto emfile = boost::system::error_code(EMFILE, boost::system::system_category());
  const auto t0 = std::chrono::steady_clock::now();
  // 10 s of failures, one per 50 ms pause: 200 attempts.
  for (int i = 0; i < 200; ++i) note_accept_failure(f, "hub", emfile, t0 + i * accept_failures::pause);
  CHECK(log.count("accept failed: Too many open files (EMFILE); pausing 50 ms") == 1);
  CHECK(log.count("\n") == 1);
  note_accept_failure(f, "hub", emfile, t0 + 200 * accept_failures::pause);
  CHECK(log.count("hub: accept still failing: Too many open files (EMFILE); pausing 50 ms; 199 more suppressed") == 1);
  note_accept_success(f, "hub");
  CHECK(log.count("hub: accepting again after 201 failed accept(s)") == 1);
  note_accept_success(f, "hub");  // nothing to report twice
  CHECK(log.count("\n") == 3);
  CHECK(describe_accept_error(boost::system::error_code(ENFILE, boost::system::system_category())) ==
        "Too many open files in system (ENFILE)");
}

TEST_CASE("accept failures: a listener out of descriptors logs EMFILE once and serves when they return") {
  captured_log log;
  asio::io_context ioc;
  listener server(ioc, listener_options{}, [](inbound&) -> asio::awaitable<response> {
    response res{http::status::ok, 11};
    res.body() = "{}";
    co_return res;
  });
  REQUIRE_FALSE(server.open());
  server.start();
  fd_limit_guard limit;
  std::vector<asio::ip::tcp::socket> clients;
  for (int i = 0; i < 3; ++i) {
    clients.emplace_back(ioc);
    clients.back().open(asio::ip::tcp::v4());  // descriptors taken before the limit drops
  }
  unsigned served = 0;
  run_test(ioc, [&]() -> asio::awaitable<void> {
    limit.lower_to(static_cast<rlim_t>(lowest_free_fd()));
    const asio::ip::tcp::endpoint at(asio::ip::make_address("127.0.0.1"), server.port());
    for (auto& c : clients) co_await c.async_connect(at, asio::use_awaitable);  // queued by the kernel
    asio::steady_timer wait(co_await asio::this_coro::executor, std::chrono::milliseconds(600));
    co_await wait.async_wait(asio::use_awaitable);  // ~12 failed accepts
    limit.restore();
    for (auto& c : clients) {
      beast::tcp_stream stream(std::move(c));
      beast::flat_buffer buffer;
      auto res = co_await exchange(stream, buffer, make_request(http::verb::get, "/x"));
      served += res.result() == http::status::ok;
    }
  });
  CHECK(served == 3);
  INFO(log.text.str());
  CHECK(log.count("hub: accept failed: Too many open files (EMFILE)") == 1);
  CHECK(log.count("accept still failing") == 0);
  CHECK(log.count("Operation canceled") == 0);
  CHECK(log.count("hub: accepting again after") == 1);
}
