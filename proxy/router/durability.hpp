#pragma once
// `co_await durable(state)`: resumes once every state change made so far is on disk. Handshakes
// and command callbacks answer only after it, so that what a peer was told survives a SIGKILL.
#include <atomic>
#include <chrono>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <mutex>

#include "proxy/state/shared_state.hpp"

namespace ocpi::proxy {

inline boost::asio::awaitable<void> durable(shared_state& state) {
  co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void()>(
      [&state](auto handler) {
        auto ex = boost::asio::get_associated_executor(handler);
        // when_durable takes a copyable std::function; the coroutine handler is move-only.
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        state.when_durable([h, ex] { boost::asio::post(ex, [h] { std::move (*h)(); }); });
      },
      boost::asio::use_awaitable);
}

// `co_await durable_within(state, bound)`: true once every state change made so far is on disk,
// false once `bound` passed first. With a full or failing disk the writer retries for as long as
// it takes, but a caller waiting for a promise must hear "unavailable" in time, not nothing: the
// flows answer HTTP 503 + 3000 "state store unavailable" and withdraw what they had written.
inline boost::asio::awaitable<bool> durable_within(shared_state& state, std::chrono::milliseconds bound) {
  if (!state.store_writable()) co_return false;  // failing already: do not make the caller wait
  // Shared with the writer's callback, which may run long after this coroutine gave up (when the
  // disk recovers) and on the writer thread: it holds no I/O object, only the way to reach the
  // timer while this frame still waits on it.
  struct race {
    std::atomic<int> outcome{0};  // 0 open, 1 on disk, 2 too late: whoever settles it first wins
    std::mutex mutex;
    boost::asio::steady_timer* timer = nullptr;  // set while the frame below waits
  };
  const auto ex = co_await boost::asio::this_coro::executor;
  const auto r = std::make_shared<race>();
  boost::asio::steady_timer timer(ex, bound);
  {
    std::lock_guard lock(r->mutex);
    r->timer = &timer;
  }
  state.when_durable([r, ex] {  // on the writer thread
    int open = 0;
    if (!r->outcome.compare_exchange_strong(open, 1)) return;  // too late: nobody waits any more
    boost::asio::post(ex, [r] {
      std::lock_guard lock(r->mutex);
      if (r->timer) r->timer->cancel();
    });
  });
  co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  {
    std::lock_guard lock(r->mutex);
    r->timer = nullptr;
  }
  int open = 0;
  r->outcome.compare_exchange_strong(open, 2);
  co_return r->outcome.load() == 1;
}

}  // namespace ocpi::proxy
