#include "proxy/state/store_writer.hpp"

#include <chrono>
#include <spdlog/spdlog.h>
#include <stdexcept>

namespace ocpi::proxy {

namespace {
// A failed commit (disk full, I/O error) is retried: the writes are still in memory and every
// one is idempotent. On close, a store that keeps failing gets this many last tries.
constexpr int attempts_when_closing = 3;
constexpr auto retry_delay = std::chrono::seconds(1);

// A callback belongs to its caller; one that throws must not stop the writer.
void run_callback(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    spdlog::error("state store: when_durable callback failed: {}", e.what());
  } catch (...) {
    spdlog::error("state store: when_durable callback failed with a non-standard exception");
  }
}
}  // namespace

store_writer::store_writer(std::unique_ptr<state_store> store, std::chrono::milliseconds coalesce_window)
    : store_(std::move(store)), coalesce_window_(coalesce_window), thread_([this] { run(); }) {}

store_writer::~store_writer() { close(); }

void store_writer::push(write w) { enqueue({std::move(w), {}}); }

void store_writer::when_durable(std::function<void()> fn) { enqueue({{}, std::move(fn)}); }

void store_writer::enqueue(item it) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    // The writer sleeps without a deadline only on an empty queue, and in its coalescing window it
    // waits for callbacks only: any other notification would be a wasted context switch.
    wake = queue_.empty() || it.done;
    if (it.done) ++callbacks_queued_;
    queue_.push_back(std::move(it));
  }
  if (wake) wake_.notify_one();
}

void store_writer::close() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  store_.reset();
}

void store_writer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything is committed
    if (callbacks_queued_ == 0 && coalesce_window_.count() > 0)
      wake_.wait_for(lock, coalesce_window_, [this] { return stopping_ || callbacks_queued_ > 0; });
    std::vector<item> batch;
    batch.swap(queue_);
    callbacks_queued_ = 0;
    lock.unlock();
    int failures = 0;
    bool lost = false;
    while (!commit(batch)) {
      if (failures == 0) spdlog::error("alert: state store {}: commits fail, retrying every second", store_->name());
      failing_ = true;
      ++failures;
      lock.lock();
      const bool give_up = stopping_ && failures >= attempts_when_closing;
      if (!give_up) wake_.wait_for(lock, retry_delay, [this] { return stopping_; });
      lock.unlock();
      if (give_up) {
        spdlog::critical("state store {}: {} write(s) could not be committed and are lost", store_->name(), batch.size());
        batch.clear();  // their callbacks must not claim durability
        lost = true;
        break;
      }
    }
    if (!lost && failures > 0 && failing_.exchange(false))
      spdlog::warn("state store {}: commits succeed again after {} failed attempt(s)", store_->name(), failures);
    for (auto& it : batch)
      if (it.done) run_callback(it.done);
    lock.lock();
  }
}

bool store_writer::commit(const std::vector<item>& batch) {
  bool any = false;
  for (const auto& it : batch) any = any || static_cast<bool>(it.apply);
  if (!any) return true;  // only callbacks: everything before them is already committed
  try {
    store_->begin();
    for (const auto& it : batch)
      if (it.apply) it.apply(*store_);
    store_->commit();
    return true;
  } catch (const std::exception& e) {
    store_->rollback();
    spdlog::error("state store {}: commit of {} queued item(s) failed, retrying: {}", store_->name(), batch.size(), e.what());
    return false;
  }
}

}  // namespace ocpi::proxy
