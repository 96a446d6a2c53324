#pragma once
// The single thread that owns a state_store after start-up. I/O threads push writes and return
// at once; the thread takes everything queued, applies it in one transaction and commits (group
// commit: one fsync for many writes), then runs the when_durable callbacks queued among those
// writes. Queue order is commit order, so a callback runs only after every write pushed before it.
//
// Writes nobody waits for (cache updates, last EVSE status, ...) are gathered for up to
// `coalesce_window` before the commit: under load that is one fsync for hundreds of writes instead
// of one per request, and a crash loses at most that window of writes no peer was promised. A
// when_durable callback ends the window at once: what was promised durable never waits for it.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "proxy/state/state_store.hpp"

namespace ocpi::proxy {

class store_writer {
 public:
  using write = std::function<void(state_store&)>;

  static constexpr std::chrono::milliseconds default_coalesce_window{10};

  explicit store_writer(std::unique_ptr<state_store> store,
                        std::chrono::milliseconds coalesce_window = default_coalesce_window);  // starts the thread
  ~store_writer();                                             // close()
  store_writer(const store_writer&) = delete;
  store_writer& operator=(const store_writer&) = delete;

  void push(write w);                       // never waits for the disk
  void when_durable(std::function<void()> fn);
  // False while the last commit failed (disk full, I/O error) and no later one succeeded: the
  // writer keeps retrying, but nobody should be promised durability meanwhile.
  bool writable() const noexcept { return !failing_.load(std::memory_order_relaxed); }
  // Commits everything queued, stops the thread and closes the store. Idempotent; not from a
  // when_durable callback (that runs on the thread being joined).
  void close();

 private:
  struct item {
    write apply;                 // a write, or
    std::function<void()> done;  // a when_durable callback
  };
  void run();
  bool commit(const std::vector<item>& batch);
  void enqueue(item it);

  std::unique_ptr<state_store> store_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<item> queue_;
  std::size_t callbacks_queued_ = 0;  // when_durable callbacks in queue_
  std::chrono::milliseconds coalesce_window_;
  bool stopping_ = false;
  std::atomic<bool> failing_{false};
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace ocpi::proxy
