#pragma once
// `co_await durable(state)`: resumes once every state change made so far is on disk. Handshakes
// and command callbacks answer only after it, so that what a peer was told survives a SIGKILL.
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>

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

}  // namespace ocpi::proxy
