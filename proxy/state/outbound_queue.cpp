#include "proxy/state/outbound_queue.hpp"

#include <algorithm>
#include <stdexcept>

#include "proxy/state/state_store.hpp"

namespace ocpi::proxy {

void outbound_queue::restore(std::vector<outbound_entry> entries, std::vector<dead_letter> dead) {
  std::lock_guard lock(mutex_);
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
  for (auto& e : entries) {
    next_seq_ = std::max(next_seq_, e.seq + 1);
    ++total_;
    queues_[e.queue].push_back(std::move(e));
  }
  for (auto& d : dead) {
    // A replayed dead letter gets a new seq: its id must never come back for a live entry.
    next_seq_ = std::max(next_seq_, d.entry.seq + 1);
    const auto id = d.entry.seq;
    dead_.emplace(id, std::move(d));
  }
}

void outbound_queue::set_persist(persist_fn fn) {
  std::lock_guard lock(mutex_);
  persist_ = std::move(fn);
}

void outbound_queue::persist(write w) {
  if (persist_) persist_(std::move(w));
}

outbound_queue::admission outbound_queue::push(outbound_entry& e, std::size_t max_entries, std::int64_t max_age_ms,
                                               std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (max_entries > 0 && total_ >= max_entries) return admission::full;
  if (max_age_ms > 0)
    if (const auto it = queues_.find(e.queue);
        it != queues_.end() && !it->second.empty() && now_ms - it->second.front().enqueued_at_ms > max_age_ms)
      return admission::too_old;
  e.seq = next_seq_++;
  e.enqueued_at_ms = now_ms;
  queues_[e.queue].push_back(e);
  ++total_;
  persist([e](state_store& s) { s.put_outbound(e); });
  return admission::accepted;
}

bool outbound_queue::empty(const std::string& queue) const {
  std::lock_guard lock(mutex_);
  const auto it = queues_.find(queue);
  return it == queues_.end() || it->second.empty();
}

std::size_t outbound_queue::size() const {
  std::lock_guard lock(mutex_);
  return total_;
}

std::optional<outbound_entry> outbound_queue::head(const std::string& queue) const {
  std::lock_guard lock(mutex_);
  const auto it = queues_.find(queue);
  if (it == queues_.end() || it->second.empty()) return std::nullopt;
  return it->second.front();
}

std::vector<std::string> outbound_queue::queues() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [name, q] : queues_)
    if (!q.empty()) out.push_back(name);
  return out;
}

outbound_entry* outbound_queue::find_head(std::int64_t seq) {
  for (auto& [name, q] : queues_)
    if (!q.empty() && q.front().seq == seq) return &q.front();
  return nullptr;
}

void outbound_queue::delivered(std::int64_t seq) {
  std::lock_guard lock(mutex_);
  auto* e = find_head(seq);
  if (!e) return;
  queues_[e->queue].pop_front();
  --total_;
  persist([seq](state_store& s) { s.erase_outbound(seq); });
}

void outbound_queue::retried(std::int64_t seq, std::string error) {
  std::lock_guard lock(mutex_);
  auto* e = find_head(seq);
  if (!e) return;
  ++e->attempts;
  e->last_error = std::move(error);
  persist([copy = *e](state_store& s) { s.put_outbound(copy); });
}

void outbound_queue::dead(std::int64_t seq, int answer_http, std::string answer_body, std::int64_t now_ms,
                          std::string reason) {
  std::lock_guard lock(mutex_);
  if (auto* e = find_head(seq)) bury(*e, answer_http, std::move(answer_body), now_ms, std::move(reason));
}

void outbound_queue::bury(outbound_entry& head, int answer_http, std::string answer_body, std::int64_t now_ms,
                          std::string reason) {
  dead_letter d{head, now_ms, answer_http, std::move(answer_body), std::move(reason)};
  queues_[head.queue].pop_front();  // `head` dangles from here on
  --total_;
  dead_[d.entry.seq] = d;
  // One batch keeps both halves together: the entry is never in both tables, nor in neither.
  persist([d](state_store& s) {
    s.put_dead_letter(d);
    s.erase_outbound(d.entry.seq);
  });
}

std::optional<std::int64_t> outbound_queue::skip_head(const std::string& queue, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  const auto it = queues_.find(queue);
  if (it == queues_.end() || it->second.empty()) return std::nullopt;
  const std::int64_t seq = it->second.front().seq;
  // The replay loop may be sending this head right now: its delivered()/retried() then find it
  // gone and do nothing (IOP may still get it once more, which PUT/PATCH/POST-with-id tolerate).
  bury(it->second.front(), 0, {}, now_ms, "moved to the dead letters by the operator");
  return seq;
}

std::vector<queue_stats> outbound_queue::stats() const {
  std::lock_guard lock(mutex_);
  std::vector<queue_stats> out;
  for (const auto& [name, q] : queues_) {
    if (q.empty()) continue;
    queue_stats st{name, q.size(), q.front().enqueued_at_ms, q.front().attempts, 0};
    for (const auto& e : q) st.retries += e.attempts;
    out.push_back(std::move(st));
  }
  return out;
}

std::vector<dead_letter> outbound_queue::dead_letters() const {
  std::lock_guard lock(mutex_);
  std::vector<dead_letter> out;
  for (const auto& [id, d] : dead_) out.push_back(d);
  return out;
}

std::size_t outbound_queue::dead_count() const {
  std::lock_guard lock(mutex_);
  return dead_.size();
}

std::optional<std::string> outbound_queue::replay(std::int64_t id, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  const auto it = dead_.find(id);
  if (it == dead_.end()) return std::nullopt;
  outbound_entry e = it->second.entry;
  dead_.erase(it);
  e.seq = next_seq_++;
  e.enqueued_at_ms = now_ms;
  e.attempts = 0;
  e.last_error.clear();
  queues_[e.queue].push_back(e);
  ++total_;
  persist([e, id](state_store& s) {
    s.erase_dead_letter(id);
    s.put_outbound(e);
  });
  return e.queue;
}

void outbound_queue::withdraw(std::int64_t seq) {
  std::lock_guard lock(mutex_);
  for (auto& [name, q] : queues_) {
    const auto it = std::find_if(q.begin(), q.end(), [seq](const outbound_entry& e) { return e.seq == seq; });
    if (it == q.end()) continue;
    q.erase(it);
    --total_;
    persist([seq](state_store& s) { s.erase_outbound(seq); });
    return;
  }
}

bool outbound_queue::purge(std::int64_t id) {
  std::lock_guard lock(mutex_);
  if (dead_.erase(id) == 0) return false;
  persist([id](state_store& s) { s.erase_dead_letter(id); });
  return true;
}

}  // namespace ocpi::proxy

namespace ocpi::proxy {

namespace {
[[noreturn]] void cannot_queue(const state_store& s) {
  throw std::logic_error("state store " + s.name() + " cannot keep store-and-forward queues");
}
}  // namespace

void state_store::put_outbound(const outbound_entry&) { cannot_queue(*this); }
void state_store::erase_outbound(std::int64_t) { cannot_queue(*this); }
void state_store::put_dead_letter(const dead_letter&) { cannot_queue(*this); }
void state_store::erase_dead_letter(std::int64_t) { cannot_queue(*this); }

}  // namespace ocpi::proxy
