#include "proxy/router/commands.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>

#include "ocpi/json_writer.hpp"
#include "proxy/net/upstream.hpp"
#include "proxy/pipeline/request_ids.hpp"
#include "proxy/pipeline/token_codec.hpp"
#include "proxy/pipeline/upstream_status.hpp"
#include "proxy/router/durability.hpp"
#include "proxy/router/flow_support.hpp"
#include "proxy/router/peers.hpp"

namespace ocpi::proxy {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::int64_t command_deadline_ms(const runtime& rt, std::int64_t timeout_s) {
  return now_ms() + (timeout_s + rt.cfg.bridge.command_timeout_grace.count()) * 1000;
}

response store_unavailable(runtime& rt, exchange& ex, const pending_command& cmd, std::string_view data_json) {
  // Not forwarded: a result could never be matched to a record that may not survive a restart,
  // and the caller, told 503, will not wait for one.
  rt.state.finish_pending(cmd.id, "NOT_ACCEPTED");
  spdlog::error("alert: {} state store unavailable: {} not forwarded, answered 503", ex.ids.correlation_id, cmd.command);
  return envelope_response(ex, 503, status::server_error, "state store unavailable", data_json);
}

std::int64_t configured_timeout_s(const runtime& rt, const std::string& command) {
  const auto& table = rt.cfg.mapping.commands_timeout_s;
  const auto it = table.find(command);
  return it != table.end() ? it->second : 120;
}

std::optional<std::string> with_string_member(std::string_view json, std::string_view key, std::string_view value) {
  simdjson::dom::parser p;
  simdjson::dom::object o;
  if (p.parse(json.data(), json.size()).get(o)) return std::nullopt;
  std::string out;
  json_writer w(out);
  w.begin_object();
  bool seen = false;
  for (auto [k, v] : o) {
    if (k == key) {
      if (!seen) w.field(key, value);
      seen = true;
      continue;
    }
    w.field_raw(k, simdjson::minify(v));
  }
  if (!seen) w.field(key, value);
  w.end_object();
  return out;
}

std::optional<std::string> command_of(std::string_view segment) {
  std::string c(segment);
  for (auto& ch : c)
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 32);
  for (std::string_view known : {"START_SESSION", "STOP_SESSION", "RESERVE_NOW", "CANCEL_RESERVATION", "UNLOCK_CONNECTOR"})
    if (c == known) return c;
  return std::nullopt;
}

namespace {

std::optional<party> party_of_text(std::string_view text) {
  const auto star = text.find('*');
  if (star == std::string_view::npos) return std::nullopt;
  return party{std::string(text.substr(0, star)), std::string(text.substr(star + 1))};
}

}  // namespace

namespace {

// §5.4: a result whose receiver is down is retried 3 times within 60 s. Short first delays: the
// caller of the callback (a CPO, IOP) waits for the outcome of the last attempt.
constexpr std::array<std::chrono::seconds, 3> relay_retry_delays{std::chrono::seconds(2), std::chrono::seconds(6),
                                                                  std::chrono::seconds(15)};
constexpr auto relay_window = std::chrono::seconds(60);

// No answer, or one that says "try later": worth another attempt. A refusal is final.
bool worth_retrying(const relay_outcome& r) {
  return r.http == 0 || r.http >= 500 || r.http == 408 || r.http == 429;
}

}  // namespace

boost::asio::awaitable<relay_outcome> relay_result(runtime& rt, const pending_command& cmd, std::string body) {
  const auto deadline = std::chrono::steady_clock::now() + relay_window;
  relay_outcome out = co_await relay_once(rt, cmd, body, rt.cfg.bridge.upstream_timeout);
  for (const auto delay : relay_retry_delays) {
    if (out.delivered || !worth_retrying(out) || std::chrono::steady_clock::now() + delay >= deadline) break;
    spdlog::warn("command cid={} {} {}: result not delivered ({}), retrying in {} s", cmd.correlation_id, cmd.command,
                 cmd.id, out.why, delay.count());
    boost::asio::steady_timer pause(co_await boost::asio::this_coro::executor, delay);
    co_await pause.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    out = co_await relay_once(rt, cmd, body, std::min(rt.cfg.bridge.upstream_timeout, left));
  }
  if (!out.delivered)
    spdlog::error("alert: command cid={} {} {}: result dropped after retries: {}", cmd.correlation_id, cmd.command,
                  cmd.id, out.why);
  co_return out;
}

boost::asio::awaitable<relay_outcome> relay_once(runtime& rt, const pending_command& cmd, const std::string& body,
                                                 std::chrono::milliseconds timeout) {
  relay_outcome out;
  const auto target = parse_url(cmd.response_url);
  if (!target) {
    out.why = "unusable response_url";
    co_return out;
  }
  request req{http::verb::post, "/", 11};
  req.set(http::field::content_type, "application/json");
  req.set(http::field::accept, "application/json");
  req.body() = body;
  const trace_ids ids = proxy_initiated(cmd.correlation_id);
  req.set(request_id_header, ids.request_id);
  req.set(correlation_id_header, ids.correlation_id);
  std::shared_ptr<const client_tls> tls;
  if (cmd.toward == "iop") {
    // C2: the legacy eMSP's own response_url, called like any 2.1.1 call to it (raw token).
    const auto index = legacy_index_of(rt, "legacy:" + cmd.caller);
    if (!index) {
      out.why = "the commanding legacy party is no longer configured";
      co_return out;
    }
    req.set(http::field::authorization, authorization_value(legacy_token_out(rt, *index), false));
    tls = *index < rt.legacy_tls.size() ? rt.legacy_tls[*index] : nullptr;
  } else {
    // IOP's response_url (C4): Base64 token and routing headers (§3.3.2 step 7). Gireve 2.2.1 guide
    // 2.1.3/2.1.6: "Every request shall be sent to IOP operator, using the headers-To", so OCPI-to
    // is IOP as on every other request toward it; routing.directed_to = OWNER addresses the
    // commanding eMSP (the OCPI-from of IOP's command) instead, as the bridge did before.
    const party& iop = rt.cfg.mapping.iop;
    const party to = rt.cfg.mapping.routing_directed_to == "OWNER" ? party_of_text(cmd.caller).value_or(iop) : iop;
    req.set(http::field::authorization, authorization_value(iop_token_out(rt), rt.cfg.iop.auth_encoding != "RAW"));
    set_routing(req, party_of_text(cmd.executor).value_or(iop), to);
    tls = rt.iop_tls;
  }
  auto res = co_await rt.upstream.send(*target, std::move(req), timeout, std::move(tls), renew_request_id());
  if (!res.ok()) {
    out.why = std::string(to_string(res.fail)) + " " + res.detail;
    co_return out;
  }
  out.http = res.res.result_int();
  const auto env = parse_upstream_envelope(res.res.body());
  out.status_code = env ? env->status_code : 0;
  out.delivered = out.http < 300 && env && env->status_code >= 1000 && env->status_code < 2000;
  if (!out.delivered)
    out.why = redirect_note(res).value_or("HTTP " + std::to_string(out.http) +
                                          (env ? " OCPI " + std::to_string(env->status_code) : ""));
  co_return out;
}

namespace {

// Same shape in both versions: 2.1.1 CommandResponse and 2.2.1 CommandResult.
boost::asio::awaitable<void> send_timeout(runtime& rt, pending_command cmd) {
  const auto r = co_await relay_result(rt, cmd, R"({"result":"TIMEOUT"})");
  spdlog::warn("command cid={} {} {} timed out: TIMEOUT sent to {} ({})", cmd.correlation_id, cmd.command, cmd.id,
               cmd.toward == "iop" ? cmd.caller : "IOP", r.delivered ? "delivered" : r.why);
}

constexpr std::int64_t finished_kept_ms = 24 * 3600 * 1000;  // §5.4: purged 24 h after they finished

}  // namespace

boost::asio::awaitable<void> command_deadline_loop(runtime& rt) {
  const auto executor = co_await boost::asio::this_coro::executor;
  boost::asio::steady_timer timer(executor);
  for (std::int64_t tick = 0;; ++tick) {
    timer.expires_after(std::chrono::seconds(1));
    auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (ec) co_return;
    for (const auto& cmd : rt.state.expired_pending(now_ms())) {
      if (!rt.state.finish_pending(cmd.id, "TIMED_OUT")) continue;  // a callback won the race
      co_await durable(rt.state);
      if (!rt.cfg.mapping.commands_synthesize_timeout_callback) continue;
      // Each on its own: a receiver that is down (up to 60 s of retries) must not delay the others.
      boost::asio::co_spawn(executor, send_timeout(rt, cmd), boost::asio::detached);
    }
    // A finished record's deadline is at or after the moment it finished.
    if (tick % 60 == 0)
      if (const auto n = rt.state.purge_finished_pending(now_ms() - finished_kept_ms))
        spdlog::info("commands: {} finished record(s) older than a day purged", n);
  }
}

}  // namespace ocpi::proxy
