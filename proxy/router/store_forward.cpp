#include "proxy/router/store_forward.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <chrono>
#include <random>

#include "proxy/pipeline/token_codec.hpp"
#include "proxy/router/durability.hpp"
#include "proxy/router/peers.hpp"

namespace ocpi::proxy {

namespace {

using boost::asio::awaitable;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string queue_name(const party& from, std::string_view module) { return from.emi3() + "/" + std::string(module); }

// "upstream timeout: ..." / "HTTP 500" / "HTTP 200 OCPI 4000": what the operator sees per entry.
std::string describe(const hop_result& hop) {
  if (!hop.up.ok()) return std::string("upstream ") + to_string(hop.up.fail) + ": " + hop.up.detail;
  if (auto redirect = redirect_note(hop.up)) return *redirect;
  std::string out = "HTTP " + std::to_string(hop.up.res.result_int());
  if (hop.env)
    out += " OCPI " + std::to_string(hop.env->status_code) + " " + hop.env->status_message;
  else
    out += " (no OCPI envelope)";
  return out;
}

// ±20 % jitter around `base` (§4.14), so that queues restarting together do not send in lockstep.
std::chrono::milliseconds jittered(std::int64_t base) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> factor(0.8, 1.2);
  return std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(base) * factor(rng)));
}

awaitable<void> sleep_for(std::chrono::milliseconds d) {
  boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, d);
  co_await t.async_wait(boost::asio::use_awaitable);
}

// One attempt of a queued request: the stored request as it was, a new X-Request-ID, the original
// X-Correlation-ID (§1.5), the token of today (a re-registration since enqueue must not matter).
awaitable<hop_result> send_entry(runtime& rt, const outbound_entry& e) {
  hop_result r;
  const auto target = parse_url(e.url);
  const auto method = http::string_to_verb(e.method);
  if (!target || method == http::verb::unknown) {
    r.up.fail = upstream_result::failure::protocol;
    r.up.detail = "stored request unusable (" + e.method + " " + e.url + ")";
    co_return r;
  }
  request req{method, "/", 11};
  if (!e.body.empty() || method != http::verb::delete_) {
    req.set(http::field::content_type, "application/json");
    req.body() = e.body;
  }
  req.set(http::field::accept, "application/json");
  req.set(http::field::authorization, authorization_value(iop_token_out(rt), rt.cfg.iop.auth_encoding != "RAW"));
  set_routing(req, e.from, e.to);
  const auto ids = toiop_outbound(e.correlation_id);
  req.set(request_id_header, ids.request_id);
  req.set(correlation_id_header, ids.correlation_id);
  r.up = co_await rt.upstream.send(*target, std::move(req), rt.cfg.bridge.upstream_timeout, rt.iop_tls,
                                   renew_request_id());
  if (r.up.ok()) r.env = parse_upstream_envelope(r.up.res.body());
  co_return r;
}

// HYBRID's first send (§4.14): only the failures §4.14 lists make the bridge take the request
// over. A 2xx answer without an OCPI envelope is not among them: it is relayed as HTTP 502 + 3000
// (§1.6.4), the legacy backend retries; once queued, the same answer is retried like any transient one.
bool queue_after_direct(const hop_result& hop) {
  if (hop.up.ok() && hop.up.res.result_int() < 300 && !hop.env) return false;
  return classify(hop) == delivery::transient;
}

// IOP's `Location` header of an accepted answer ("" when none: also for a malformed answer).
std::string_view location_of(const hop_result& hop) {
  if (!hop.up.ok()) return {};
  const auto h = hop.up.res.find(http::field::location);
  return h == hop.up.res.end() ? std::string_view() : std::string_view(h->value());
}

// A failure in which IOP is reachable and answers, but not usefully for this request (HTTP 5xx
// other than 503, a 2xx without envelope, a malformed answer, OCPI 4xxx "try again"). Unlike an
// outage (no connection, timeout, 503/429/408 "busy", 401/403 while unregistered), retrying the
// same bytes is unlikely to help, so the head gives way after sf.head_max_attempts answers.
bool answered_failure(const hop_result& hop) {
  if (!hop.up.ok()) return hop.up.fail == upstream_result::failure::protocol;
  const unsigned http = hop.up.res.result_int();
  return !(http == 503 || http == 429 || http == 408 || http == 401 || http == 403);
}

// A request the bridge would have to queue while the state store cannot commit: refused now
// (HTTP 503 + 3000), so that the backend keeps it and sends it again, instead of waiting forever.
forwarded refuse_unavailable(exchange& ex, forwarded& f, http::verb method, const url& target) {
  spdlog::error("alert: {} state store unavailable: {} {} not queued, answered 503", ex.ids.correlation_id,
                std::string(http::to_string(method)), target.str());
  f.refused = envelope_response(ex, 503, status::server_error, "state store unavailable", "{}");
  return std::move(f);
}

// Why the head must give way after `count` answered failures in a row, the first at `since_ms`;
// nothing while it may go on retrying (0 in either bound: that bound is off).
std::optional<std::string> poisoned(const mapping_options& o, std::int64_t count, std::int64_t since_ms) {
  if (count == 0) return std::nullopt;
  if (o.sf_head_max_attempts > 0 && count >= o.sf_head_max_attempts)
    return std::to_string(count) + " unusable answers in a row (sf.head_max_attempts)";
  if (o.sf_head_max_failing_s > 0 && now_ms() - since_ms >= o.sf_head_max_failing_s * 1000)
    return "unusable answers for " + std::to_string((now_ms() - since_ms) / 1000) + " s (sf.head_max_failing_s)";
  return std::nullopt;
}

}  // namespace

delivery classify(const hop_result& hop) {
  if (taken_despite_malformed_answer(hop)) return delivery::accepted;
  if (!hop.up.ok()) return delivery::transient;  // connection error, timeout, reset, TLS
  const unsigned http = hop.up.res.result_int();
  if (http >= 500 || http == 401 || http == 403 || http == 408 || http == 429) return delivery::transient;
  if (!hop.env) return http < 300 ? delivery::transient : delivery::permanent;  // 2xx without envelope: §1.6.4
  const int code = hop.env->status_code;
  if (code == 4000 || code == 4002 || code == 4003 || (code >= 4900 && code < 5000)) return delivery::transient;
  if (http < 300 && code >= 1000 && code < 2000) return delivery::accepted;
  return delivery::permanent;  // 2xxx, 3xxx with HTTP 2xx, 4001, HTTP 4xx
}

awaitable<forwarded> forward_to_iop(runtime& rt, exchange& ex, std::string_view module, http::verb method,
                                    const url& target, std::string body, const party& from, const party& to) {
  forwarded f;
  const auto& o = rt.cfg.mapping;
  if (o.sf_mode == "SYNC") {
    f.hop = co_await call_iop(rt, ex, method, target, std::move(body), from, to);
    co_return f;
  }
  const std::string queue = queue_name(from, module);
  auto& q = rt.state.outbound();
  // Nothing overtakes: while the queue holds entries, a new request goes behind them.
  const bool direct = o.sf_mode == "HYBRID" && q.empty(queue);
  if (direct) {
    f.hop = co_await call_iop(rt, ex, method, target, body, from, to);
    if (!queue_after_direct(f.hop)) co_return f;
  }
  if (!rt.state.store_writable()) co_return refuse_unavailable(ex, f, method, target);
  outbound_entry e;
  e.queue = queue;
  e.method = std::string(http::to_string(method));
  e.url = target.str();
  e.from = from;
  e.to = to;
  e.correlation_id = ex.ids.correlation_id;
  e.body = std::move(body);
  e.original = ex.in.req.body();  // what the backend sent, for the operator (§5.7)
  if (direct) e.attempts = 1, e.last_error = describe(f.hop);
  const auto admitted = q.push(e, static_cast<std::size_t>(o.sf_max_entries), o.sf_max_age_s * 1000, now_ms());
  if (admitted != outbound_queue::admission::accepted) {
    const char* why = admitted == outbound_queue::admission::full ? "store-and-forward queue full (sf.max_entries)"
                                                                  : "store-and-forward queue too old (sf.max_age_s)";
    spdlog::error("alert: {}: {} {} refused", why, e.method, e.url);
    f.refused = envelope_response(ex, 503, status::server_error, why, "{}");
    co_return f;
  }
  // On disk before anyone hears "accepted" (§5); in time, or the caller hears "unavailable".
  if (!co_await durable_within(rt.state, rt.cfg.state.commit_timeout)) {
    q.withdraw(e.seq);
    co_return refuse_unavailable(ex, f, method, target);
  }
  f.queued = true;
  f.seq = e.seq;
  ex.note = "queued for IOP as #" + std::to_string(e.seq) + (direct ? " after " + e.last_error : "");
  rt.sf->kick(rt, queue);
  co_return f;
}

response forwarded_answer(runtime& rt, exchange& ex, const forwarded& f) {
  if (f.refused) return *f.refused;
  // §1.6.4/§4.14: the proxy now owns delivery; a 2.1.1 acknowledgement carries `{}`.
  if (f.queued) return envelope_response(ex, 200, status::success, "accepted, queued for IOP", "{}");
  if (taken_despite_malformed_answer(f.hop)) {
    // Relaying a 502 would make the backend send it again, and IOP would get it twice.
    spdlog::warn("{} IOP answered HTTP {} with a malformed answer ({}): taken as accepted, not resent",
                 ex.ids.correlation_id, f.hop.up.answered_status, f.hop.up.detail);
    return envelope_response(ex, 200, status::success, "accepted by IOP (its answer was malformed)", "{}");
  }
  return relay_iop_answer(rt, ex, f.hop.up, f.hop.env, {}, false);
}

void store_forward::start(runtime& rt, boost::asio::any_io_executor executor) {
  {
    std::lock_guard lock(mutex_);
    executor_ = executor;
  }
  for (const auto& queue : rt.state.outbound().queues()) kick(rt, queue);  // §5.8 step 3
  // Belt and braces: every non-empty queue gets a loop within 5 s, whatever happened to the last.
  boost::asio::co_spawn(executor, watchdog(rt), boost::asio::detached);
}

void store_forward::kick(runtime& rt, const std::string& queue) {
  std::optional<boost::asio::any_io_executor> ex;
  {
    std::lock_guard lock(mutex_);
    if (!executor_ || !running_.insert(queue).second) return;  // not started yet, or already running
    ex = executor_;
  }
  // Outside mutex_: co_spawn may start the loop inline (dispatch), and the loop takes mutex_.
  boost::asio::co_spawn(*ex, replay(rt, queue), boost::asio::detached);
}

awaitable<void> store_forward::watchdog(runtime& rt) {
  boost::asio::steady_timer tick(co_await boost::asio::this_coro::executor);
  for (;;) {
    tick.expires_after(std::chrono::seconds(5));
    auto [ec] = co_await tick.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (ec) co_return;
    for (const auto& queue : rt.state.outbound().queues()) kick(rt, queue);  // no-op while a loop runs
  }
}

awaitable<void> store_forward::replay(runtime& rt, std::string queue) {
  // Whatever ends this frame (an exception included) leaves the queue free for a new loop, unless
  // the loop ended normally: then it released the queue itself, under mutex_, and a newer loop
  // may own it already.
  struct release_on_exit {
    store_forward& sf;
    const std::string& queue;
    bool armed = true;
    ~release_on_exit() {
      if (!armed) return;
      std::lock_guard lock(sf.mutex_);
      sf.running_.erase(queue);
    }
  } release{*this, queue};
  for (;;) {
    try {
      co_await replay_until_empty(rt, queue);
      release.armed = false;
      co_return;
    } catch (const std::exception& e) {
      // A loop that died silently would leave its queue waiting for ever (detached coroutine).
      spdlog::error("alert: store-and-forward {}: replay loop failed ({}), resuming", queue, e.what());
    }
    co_await sleep_for(std::chrono::seconds(1));
  }
}

awaitable<void> store_forward::replay_until_empty(runtime& rt, const std::string& queue) {
  auto& q = rt.state.outbound();
  const auto& o = rt.cfg.mapping;
  const std::int64_t initial = std::max<std::int64_t>(o.sf_retry_initial_ms, 1);
  std::int64_t backoff = initial;
  // The head's run of answered failures (answered_failure): how many, since when. Kept in memory:
  // after a restart a poisoned head gets sf.head_max_attempts fresh tries, which is bounded too.
  std::int64_t failing_seq = 0, failing_count = 0, failing_since_ms = 0;
  for (;;) {
    std::optional<outbound_entry> head;
    {
      // Under mutex_: an enqueue that finds this loop still running relies on it seeing the entry.
      std::lock_guard lock(mutex_);
      head = q.head(queue);
      if (!head) {
        running_.erase(queue);
        co_return;
      }
    }
    if (iop_token_out(rt).empty()) {  // §4.14: paused while IOP is unregistered, never dropped
      co_await sleep_for(jittered(backoff));
      backoff = std::min(backoff * 2, std::max(o.sf_retry_max_ms, initial));
      continue;
    }
    const hop_result hop = co_await send_entry(rt, *head);
    switch (classify(hop)) {
      case delivery::accepted:
        q.delivered(head->seq);
        // CDRs are the only POSTs queued: their bridge URL may now lead to IOP's (§3.5.7).
        if (head->method == "POST") rt.tables.cdr_delivered(head->seq, location_of(hop));
        spdlog::info("store-and-forward {} #{}: delivered ({} {}, {} earlier attempt(s))", queue, head->seq,
                     head->method, head->url, head->attempts);
        backoff = initial;
        break;
      case delivery::permanent:
        q.dead(head->seq, hop.up.ok() ? static_cast<int>(hop.up.res.result_int()) : 0,
               hop.up.ok() ? hop.up.res.body() : std::string(), now_ms(), "refused by IOP: " + describe(hop));
        spdlog::error("alert: store-and-forward {} #{}: refused by IOP ({}), moved to dead letters: {} {}", queue,
                      head->seq, describe(hop), head->method, head->url);
        backoff = initial;
        break;
      case delivery::transient: {
        if (!answered_failure(hop)) {
          failing_seq = 0;
        } else if (failing_seq != head->seq) {
          failing_seq = head->seq, failing_count = 1, failing_since_ms = now_ms();
        } else {
          ++failing_count;
        }
        if (const auto why = poisoned(o, failing_seq == head->seq ? failing_count : 0, failing_since_ms)) {
          const std::string reason = *why + ", last: " + describe(hop);
          q.dead(head->seq, hop.up.ok() ? static_cast<int>(hop.up.res.result_int()) : 0,
                 hop.up.ok() ? hop.up.res.body() : std::string(), now_ms(), reason);
          spdlog::error("alert: store-and-forward {} #{}: {}, moved to dead letters so the queue goes on: {} {}",
                        queue, head->seq, reason, head->method, head->url);
          backoff = initial;
          break;
        }
        q.retried(head->seq, describe(hop));
        spdlog::warn("store-and-forward {} #{}: attempt {} failed ({}), next in ~{} ms", queue, head->seq,
                     head->attempts + 1, describe(hop), backoff);
        co_await sleep_for(jittered(backoff));
        backoff = std::min(backoff * 2, std::max(o.sf_retry_max_ms, initial));
        break;
      }
    }
  }
}

}  // namespace ocpi::proxy
