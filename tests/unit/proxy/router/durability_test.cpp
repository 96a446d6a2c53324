// durable_within: a promise that cannot reach the disk in time is reported as such, at once while
// the store is failing, and the writer recovers by itself once commits succeed again.
#include "proxy/router/durability.hpp"

#include <doctest/doctest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>
#include <thread>

#include "proxy/state/state_test_support.hpp"

using namespace ocpi::proxy;
using state_test::recording_store;

namespace {

// Runs durable_within on its own io_context; the outcome and how long it took.
std::pair<bool, std::chrono::milliseconds> run_durable_within(shared_state& state, std::chrono::milliseconds bound) {
  boost::asio::io_context ioc;
  std::optional<bool> outcome;
  const auto start = std::chrono::steady_clock::now();
  boost::asio::co_spawn(ioc, durable_within(state, bound), [&](std::exception_ptr e, bool on_disk) {
    REQUIRE_FALSE(e);
    outcome = on_disk;
  });
  ioc.run();
  REQUIRE(outcome.has_value());
  return {*outcome, std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)};
}

void set_failing_commits(recording_store::log& log, int n) {
  std::lock_guard lock(log.mutex);
  log.fail_commits = n;
}

}  // namespace

TEST_CASE("durable_within: on disk in time, refused while the disk is full, recovered afterwards") {
  recording_store::log log;
  shared_state state(ocpi::mapping_options{});
  state.attach(std::make_unique<recording_store>(log));

  state.set_last_status({"FR", "CPO"}, "LOC1", "EVSE-1", "AVAILABLE");
  CHECK(run_durable_within(state, std::chrono::seconds(30)).first);

  set_failing_commits(log, 1000000);  // the disk is full from now on
  state.set_last_status({"FR", "CPO"}, "LOC1", "EVSE-1", "CHARGING");
  const auto [in_time, waited] = run_durable_within(state, std::chrono::milliseconds(300));
  CHECK_FALSE(in_time);
  CHECK(waited < std::chrono::seconds(20));  // bounded by the 300 ms, not by the retrying writer
  // The writer has seen its commit fail: the next caller is told at once, without waiting.
  for (int i = 0; i < 100 && state.store_writable(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK_FALSE(state.store_writable());
  CHECK_FALSE(run_durable_within(state, std::chrono::seconds(30)).first);

  set_failing_commits(log, 0);  // space is back: the retry loop commits within about a second
  for (int i = 0; i < 500 && !state.store_writable(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(state.store_writable());
  CHECK(run_durable_within(state, std::chrono::seconds(30)).first);
  state.detach();
}
