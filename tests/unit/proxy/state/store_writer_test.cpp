// store_writer's coalescing window: writes nobody waits for gather into one commit, a
// when_durable callback never waits for the window, and closing commits what is still gathering.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <memory>

#include "proxy/state/store_writer.hpp"
#include "state_test_support.hpp"

using namespace state_test;

namespace {

// Long enough that a test relying on the window ending by itself would hang instead of passing.
constexpr auto hour = std::chrono::milliseconds(std::chrono::hours(1));

int committed_batches(recording_store::log& log) {
  std::lock_guard lock(log.mutex);
  return log.committed_batches;
}

}  // namespace

TEST_CASE("store_writer: a when_durable callback ends the coalescing window at once") {
  recording_store::log log;
  store_writer w(std::make_unique<recording_store>(log), hour);
  for (int i = 0; i < 50; ++i) w.push([i](state_store& s) { s.put_last_status("k" + std::to_string(i), "AVAILABLE"); });
  std::promise<void> done;
  w.when_durable([&] { done.set_value(); });
  // With the window of an hour, only the callback can have triggered this commit.
  REQUIRE(done.get_future().wait_for(std::chrono::seconds(60)) == std::future_status::ready);
  std::lock_guard lock(log.mutex);
  CHECK(log.committed_batches >= 1);
  CHECK(std::count(log.calls.begin(), log.calls.end(), "put_last_status:k49:AVAILABLE") == 1);
}

TEST_CASE("store_writer: writes pushed within the window are committed together") {
  recording_store::log log;
  auto w = std::make_unique<store_writer>(std::make_unique<recording_store>(log), hour);
  for (int i = 0; i < 200; ++i) w->push([i](state_store& s) { s.put_last_status("k" + std::to_string(i), "CHARGING"); });
  CHECK(committed_batches(log) == 0);  // still gathering: the window is an hour
  w->close();                          // closing commits what was gathering
  std::lock_guard lock(log.mutex);
  CHECK(log.committed_batches == 1);
  CHECK(std::count(log.calls.begin(), log.calls.end(), "put_last_status:k199:CHARGING") == 1);
}

TEST_CASE("store_writer: without a window every wake-up commits (no write waits)") {
  recording_store::log log;
  store_writer w(std::make_unique<recording_store>(log), std::chrono::milliseconds(0));
  w.push([](state_store& s) { s.put_last_status("k", "AVAILABLE"); });
  std::promise<void> done;
  w.when_durable([&] { done.set_value(); });
  REQUIRE(done.get_future().wait_for(std::chrono::seconds(60)) == std::future_status::ready);
  CHECK(committed_batches(log) >= 1);
}
