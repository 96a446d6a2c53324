#pragma once
// Loopback helpers for the net tests: everything runs on one io_context bounded by run_for, so a
// misbehaving server fails the test instead of hanging it.
#include <doctest/doctest.h>

#include <chrono>
#include <exception>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "proxy/net/http.hpp"

namespace net_test {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;
using ocpi::proxy::request;
using ocpi::proxy::response;
namespace http = ocpi::proxy::http;
constexpr auto no_throw = asio::as_tuple(asio::use_awaitable);
constexpr std::chrono::seconds io_limit{5};

// Runs `make()` (an awaitable<void>) on `ioc` until it finishes or `limit` passes.
template <class Make>
void run_test(asio::io_context& ioc, Make make, std::chrono::seconds limit = std::chrono::seconds(20)) {
  bool done = false;
  std::exception_ptr error;
  asio::co_spawn(ioc, make(), [&](std::exception_ptr e) {
    done = true;
    error = e;
    ioc.stop();
  });
  ioc.run_for(limit);
  REQUIRE_MESSAGE(done, "test coroutine did not finish in time");
  if (error) std::rethrow_exception(error);
}

inline asio::awaitable<beast::tcp_stream> connect_to(std::uint16_t port) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  stream.expires_after(io_limit);
  co_await stream.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), asio::use_awaitable);
  co_return stream;
}

inline request make_request(http::verb verb, std::string target, std::string body = {}) {
  request req{verb, target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = std::move(body);
  }
  req.prepare_payload();
  return req;
}

inline asio::awaitable<error_code> write_raw(beast::tcp_stream& stream, std::string bytes) {
  stream.expires_after(io_limit);
  auto [ec, n] = co_await asio::async_write(stream, asio::buffer(bytes), no_throw);
  co_return ec;
}

inline asio::awaitable<response> read_response(beast::tcp_stream& stream, beast::flat_buffer& buffer) {
  response res;
  stream.expires_after(io_limit);
  co_await http::async_read(stream, buffer, res, asio::use_awaitable);
  co_return res;
}

inline asio::awaitable<response> exchange(beast::tcp_stream& stream, beast::flat_buffer& buffer, request req) {
  stream.expires_after(io_limit);
  co_await http::async_write(stream, req, asio::use_awaitable);
  co_return co_await read_response(stream, buffer);
}

// Reads until the peer closes; returns the error that ended the read (eof when closed cleanly)
// and how many bytes arrived.
inline asio::awaitable<std::pair<error_code, std::size_t>> read_until_closed(beast::tcp_stream& stream) {
  char sink[1024];
  std::size_t total = 0;
  stream.expires_after(io_limit);
  for (;;) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), no_throw);
    total += n;
    if (ec) co_return std::pair{ec, total};
  }
}

}  // namespace net_test
