#include "proxy/router/store_forward.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
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

}  // namespace

delivery classify(const hop_result& hop) {
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
  outbound_entry e;
  e.queue = queue;
  e.method = std::string(http::to_string(method));
  e.url = target.str();
  e.from = from;
  e.to = to;
  e.correlation_id = ex.ids.correlation_id;
  e.body = std::move(body);
  if (direct) e.attempts = 1, e.last_error = describe(f.hop);
  const auto admitted = q.push(e, static_cast<std::size_t>(o.sf_max_entries), o.sf_max_age_s * 1000, now_ms());
  if (admitted != outbound_queue::admission::accepted) {
    const char* why = admitted == outbound_queue::admission::full ? "store-and-forward queue full (sf.max_entries)"
                                                                  : "store-and-forward queue too old (sf.max_age_s)";
    spdlog::error("alert: {}: {} {} refused", why, e.method, e.url);
    f.refused = envelope_response(ex, 503, status::server_error, why, "{}");
    co_return f;
  }
  co_await durable(rt.state);  // on disk before anyone hears "accepted" (§5)
  f.queued = true;
  ex.note = "queued for IOP as #" + std::to_string(e.seq) + (direct ? " after " + e.last_error : "");
  rt.sf->kick(rt, queue);
  co_return f;
}

response forwarded_answer(runtime& rt, exchange& ex, const forwarded& f) {
  if (f.refused) return *f.refused;
  // §1.6.4/§4.14: the proxy now owns delivery; a 2.1.1 acknowledgement carries `{}`.
  if (f.queued) return envelope_response(ex, 200, status::success, "accepted, queued for IOP", "{}");
  return relay_iop_answer(rt, ex, f.hop.up, f.hop.env, {}, false);
}

void store_forward::start(runtime& rt, boost::asio::any_io_executor executor) {
  {
    std::lock_guard lock(mutex_);
    executor_ = std::move(executor);
  }
  for (const auto& queue : rt.state.outbound().queues()) kick(rt, queue);  // §5.8 step 3
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

awaitable<void> store_forward::replay(runtime& rt, std::string queue) {
  auto& q = rt.state.outbound();
  const auto& o = rt.cfg.mapping;
  const std::int64_t initial = std::max<std::int64_t>(o.sf_retry_initial_ms, 1);
  std::int64_t backoff = initial;
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
        spdlog::info("store-and-forward {} #{}: delivered ({} {}, {} earlier attempt(s))", queue, head->seq,
                     head->method, head->url, head->attempts);
        backoff = initial;
        break;
      case delivery::permanent:
        q.dead(head->seq, hop.up.ok() ? static_cast<int>(hop.up.res.result_int()) : 0,
               hop.up.ok() ? hop.up.res.body() : std::string(), now_ms());
        spdlog::error("alert: store-and-forward {} #{}: refused by IOP ({}), moved to dead letters: {} {}", queue,
                      head->seq, describe(hop), head->method, head->url);
        backoff = initial;
        break;
      case delivery::transient:
        q.retried(head->seq, describe(hop));
        spdlog::warn("store-and-forward {} #{}: attempt {} failed ({}), next in ~{} ms", queue, head->seq,
                     head->attempts + 1, describe(hop), backoff);
        co_await sleep_for(jittered(backoff));
        backoff = std::min(backoff * 2, std::max(o.sf_retry_max_ms, initial));
        break;
    }
  }
}

}  // namespace ocpi::proxy
