// The operator's view of store-and-forward (MAPPING §5.7) on the admin API: queue depth, age of
// the head and retries per queue (GET /admin/queue), and the dead letters: GET
// /admin/dead-letters, POST /admin/dead-letters/replay and /admin/dead-letters/purge with
// {"id": N} or {"all": true}. A replayed dead letter goes to the tail of its queue. POST
// /admin/queue/skip {"queue": Q} moves the head of Q to the dead letters.
#include <simdjson.h>

#include <chrono>

#include <spdlog/spdlog.h>

#include "ocpi/json_writer.hpp"
#include "proxy/router/durability.hpp"
#include "proxy/router/routes.hpp"
#include "proxy/router/store_forward.hpp"

namespace ocpi::proxy {

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void entry_fields(json_writer& w, const outbound_entry& e) {
  w.key("id");
  w.integer(e.seq);
  w.field("queue", e.queue);
  w.field("method", e.method);
  w.field("url", e.url);
  w.field("correlation_id", e.correlation_id);
  w.key("enqueued_at_ms");
  w.integer(e.enqueued_at_ms);
  w.key("attempts");
  w.integer(e.attempts);
  w.field("last_error", e.last_error);
  w.field("body", e.body);
  w.field("original", e.original);
}

std::string queue_json(const outbound_queue& q) {
  const std::int64_t now = now_ms();
  std::string out;
  json_writer w(out);
  w.begin_object();
  std::int64_t depth = 0, oldest_ms = 0, retries = 0;
  w.key("queues");
  w.begin_array();
  for (const auto& st : q.stats()) {
    depth += static_cast<std::int64_t>(st.depth);
    retries += st.retries;
    oldest_ms = std::max(oldest_ms, now - st.oldest_enqueued_ms);
    w.begin_object();
    w.field("queue", st.queue);
    w.key("depth");
    w.integer(static_cast<std::int64_t>(st.depth));
    w.key("oldest_age_ms");
    w.integer(now - st.oldest_enqueued_ms);
    w.key("head_attempts");
    w.integer(st.head_attempts);
    w.key("retries");
    w.integer(st.retries);
    w.end_object();
  }
  w.end_array();
  w.key("depth");
  w.integer(depth);
  w.key("oldest_age_ms");
  w.integer(oldest_ms);
  w.key("retries");
  w.integer(retries);
  w.key("dead_letters");
  w.integer(static_cast<std::int64_t>(q.dead_count()));
  w.end_object();
  return out;
}

std::string dead_letters_json(const outbound_queue& q) {
  std::string out;
  json_writer w(out);
  w.begin_array();
  for (const auto& d : q.dead_letters()) {
    w.begin_object();
    entry_fields(w, d.entry);
    w.key("failed_at_ms");
    w.integer(d.failed_at_ms);
    w.key("answer_http");
    w.integer(d.answer_http);
    w.field("answer_body", d.answer_body);
    w.field("reason", d.reason);
    w.end_object();
  }
  w.end_array();
  return out;
}

// {"id": N} or {"all": true}: the dead letters named, or nothing (with `why`).
std::optional<std::vector<std::int64_t>> chosen(const outbound_queue& q, std::string_view body, std::string& why) {
  simdjson::dom::parser p;
  simdjson::dom::object o;
  std::int64_t id = 0;
  bool all = false;
  if (p.parse(body.data(), body.size()).get(o) || (o["id"].get(id) && (o["all"].get(all) || !all))) {
    why = "expected {\"id\": N} or {\"all\": true}";
    return std::nullopt;
  }
  std::vector<std::int64_t> ids;
  if (all) {
    for (const auto& d : q.dead_letters()) ids.push_back(d.entry.seq);
  } else {
    ids.push_back(id);
  }
  return ids;
}

// POST /admin/queue/skip {"queue": "FR*CPO/cdrs"}: the operator gives up on a head that blocks
// its queue (the replay loop would otherwise keep it until sf.head_max_attempts).
route_result skip_head(runtime& rt, exchange& ex) {
  simdjson::dom::parser p;
  std::string_view queue;
  const auto& body = ex.in.req.body();
  if (p.parse(body.data(), body.size())["queue"].get(queue))
    co_return envelope_response(ex, 400, status::invalid_parameters, "expected {\"queue\": \"CC*PID/module\"}");
  const std::string name(queue);
  const auto seq = rt.state.outbound().skip_head(name, now_ms());
  if (!seq) co_return envelope_response(ex, 404, status::client_error, "queue " + name + " is empty or unknown");
  co_await durable(rt.state);
  spdlog::error("alert: store-and-forward {} #{}: moved to dead letters by the operator", name, *seq);
  ex.note = "head #" + std::to_string(*seq) + " of " + name + " moved to the dead letters";
  std::string out;
  json_writer w(out);
  w.begin_object();
  w.key("dead_letter");
  w.integer(*seq);
  w.end_object();
  co_return envelope_response(ex, 200, status::success, ex.note, out);
}

}  // namespace

route_result store_forward_admin(runtime& rt, exchange& ex, const segments& seg) {
  auto& q = rt.state.outbound();
  const auto method = ex.in.req.method();
  ex.route = "admin " + seg[1] + (seg.size() > 2 ? " " + seg[2] : "");
  if (seg.size() == 2 && seg[1] == "queue") {
    if (method != http::verb::get) co_return envelope_response(ex, 405, status::client_error, "method not allowed");
    co_return envelope_response(ex, 200, status::success, "Success", queue_json(q));
  }
  if (seg[1] == "queue") {
    if (seg.size() != 3 || seg[2] != "skip") co_return envelope_response(ex, 404, status::client_error, "unknown route");
    if (method != http::verb::post) co_return envelope_response(ex, 405, status::client_error, "method not allowed");
    co_return co_await skip_head(rt, ex);
  }
  if (seg.size() == 2) {  // dead-letters
    if (method != http::verb::get) co_return envelope_response(ex, 405, status::client_error, "method not allowed");
    co_return envelope_response(ex, 200, status::success, "Success", dead_letters_json(q));
  }
  const bool replay = seg[2] == "replay";
  if (seg.size() != 3 || (!replay && seg[2] != "purge"))
    co_return envelope_response(ex, 404, status::client_error, "unknown route");
  if (method != http::verb::post) co_return envelope_response(ex, 405, status::client_error, "method not allowed");
  std::string why;
  const auto ids = chosen(q, ex.in.req.body(), why);
  if (!ids) co_return envelope_response(ex, 400, status::invalid_parameters, why);
  std::int64_t done = 0;
  std::vector<std::string> queues;
  for (const auto id : *ids) {
    if (replay) {
      if (auto queue = q.replay(id, now_ms())) ++done, queues.push_back(std::move(*queue));
    } else if (q.purge(id)) {
      ++done;
    }
  }
  if (ids->size() == 1 && done == 0)
    co_return envelope_response(ex, 404, status::client_error, "unknown dead letter " + std::to_string(ids->front()));
  co_await durable(rt.state);
  for (const auto& queue : queues) rt.sf->kick(rt, queue);
  ex.note = std::to_string(done) + " dead letter(s) " + (replay ? "replayed" : "purged");
  std::string out;
  json_writer w(out);
  w.begin_object();
  w.key(replay ? "replayed" : "purged");
  w.integer(done);
  w.end_object();
  co_return envelope_response(ex, 200, status::success, ex.note, out);
}

}  // namespace ocpi::proxy
