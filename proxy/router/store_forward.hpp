#pragma once
// Store-and-forward toward IOP (MAPPING §4.14): the queueable ToIOP requests (Location PUT/PATCH,
// Session PUT/PATCH, CDR POST, Tariff PUT/DELETE) go through forward_to_iop, which follows
// `sf.mode`: SYNC sends and relays; HYBRID sends directly while the (legacy party, module) queue
// is empty and queues on a transient failure; QUEUE_ALWAYS queues everything. A queued request is
// the translated 2.2.1 request, on disk before the legacy backend hears "accepted". One replay
// loop per non-empty queue sends the head, strictly FIFO and one at a time, with exponential
// back-off and jitter; a permanent refusal moves the head to the dead letters and the queue goes on.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "proxy/router/hops.hpp"

namespace ocpi::proxy {

// What forward_to_iop did with a request.
struct forwarded {
  hop_result hop;                   // IOP's answer when it was sent directly
  bool queued = false;              // persisted: the bridge owns its delivery now
  std::int64_t seq = 0;             // the queue entry's id when queued
  std::optional<response> refused;  // not sent and not queued (queue bounds reached)
};

// IOP sent a 2xx status line, then something Beast could not parse (a header with a NUL, a bad
// chunk): the request reached IOP and was taken. Resending it would duplicate a POST, and the same
// odd answer would come back every time — one such answer used to wedge a CDR queue for good.
inline bool taken_despite_malformed_answer(const hop_result& hop) {
  return hop.up.fail == upstream_result::failure::protocol && hop.up.answered_status >= 200 &&
         hop.up.answered_status < 300;
}

// The bridge took the message: IOP accepted it, or it is durably queued. What cache updates wait for.
inline bool taken(const forwarded& f) {
  return f.queued || accepted(f.hop) || taken_despite_malformed_answer(f.hop);
}

// How a queued request's attempt ended (MAPPING §1.6.4 "retry semantics", §4.14).
enum class delivery { accepted, transient, permanent };
delivery classify(const hop_result& hop);

boost::asio::awaitable<forwarded> forward_to_iop(runtime& rt, exchange& ex, std::string_view module, http::verb method,
                                                 const url& target, std::string body, const party& from,
                                                 const party& to);

// The legacy caller's answer: HTTP 200 + 1000 "accepted, queued for IOP" when queued (§4.14),
// the refusal when the queue is full, else IOP's answer relayed (§1.6.4).
response forwarded_answer(runtime& rt, exchange& ex, const forwarded& f);

// Admin API: /admin/queue and /admin/dead-letters[/replay|/purge] (store_forward_admin.cpp).
boost::asio::awaitable<response> store_forward_admin(runtime& rt, exchange& ex, const segments& seg);

// The replay loops. start() is called once the io_context runs (it resumes the queues the store
// held, §5.8 step 3); kick() makes sure `queue` has a loop (after an enqueue or a replayed dead
// letter).
class store_forward {
 public:
  void start(runtime& rt, boost::asio::any_io_executor executor);
  void kick(runtime& rt, const std::string& queue);

 private:
  boost::asio::awaitable<void> replay(runtime& rt, std::string queue);
  // The loop proper; returns once the queue is empty (and released), throws what it could not handle.
  boost::asio::awaitable<void> replay_until_empty(runtime& rt, const std::string& queue);
  boost::asio::awaitable<void> watchdog(runtime& rt);
  std::mutex mutex_;
  std::optional<boost::asio::any_io_executor> executor_;
  std::set<std::string> running_;
};

}  // namespace ocpi::proxy
