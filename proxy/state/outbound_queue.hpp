#pragma once
// The store-and-forward queues toward IOP (MAPPING §4.14, §5.7): one FIFO per (legacy party,
// module) holding already translated 2.2.1 requests, and the dead letters IOP refused. Memory is
// the working copy, guarded by one mutex never held across I/O; every change is also handed, in
// memory order, to the state's writer thread (`persist`), so that `when_durable` after a push
// means the entry is on disk. Sequence numbers are global: they order entries across restarts and
// name them for the operator.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ocpi/memory_context.hpp"

namespace ocpi::proxy {

class state_store;

// One request the bridge owes IOP, exactly as it is (re)sent: replay depends on nothing cached.
struct outbound_entry {
  std::int64_t seq = 0;             // FIFO position, unique; also the dead letter's id
  std::string queue;                // "CC*PID/module" (e.g. "FR*CPO/locations")
  std::string method;               // PUT | PATCH | POST | DELETE
  std::string url;                  // absolute IOP URL, resolved at enqueue time
  party from, to;                   // OCPI-from / OCPI-to
  std::string correlation_id;       // the original X-Correlation-ID (every attempt reuses it)
  std::string body;                 // 2.2.1 JSON ("" for DELETE)
  std::int64_t enqueued_at_ms = 0;  // unix ms
  std::int64_t attempts = 0;        // sends that failed transiently
  std::string last_error;           // the last transient failure, for the operator
  std::string original;             // the legacy backend's request body, as received (§5.7)
};

// A queued request IOP refused for good, with its answer (MAPPING §5.7).
struct dead_letter {
  outbound_entry entry;
  std::int64_t failed_at_ms = 0;
  int answer_http = 0;
  std::string answer_body;
  std::string reason;  // why it is a dead letter (IOP's refusal, a poisoned head, the operator)
};

struct queue_stats {
  std::string queue;
  std::size_t depth = 0;
  std::int64_t oldest_enqueued_ms = 0;  // of the head
  std::int64_t head_attempts = 0;
  std::int64_t retries = 0;  // transient failures of the entries still queued
};

class outbound_queue {
 public:
  using write = std::function<void(state_store&)>;
  using persist_fn = std::function<void(write)>;

  // Start-up: what the store held (any order) and where to send later changes (empty: memory only).
  void restore(std::vector<outbound_entry> entries, std::vector<dead_letter> dead);
  void set_persist(persist_fn fn);

  enum class admission { accepted, full, too_old };
  // Appends `e` (seq assigned) to its queue unless the total number of entries reached
  // `max_entries` or the oldest entry of *its* queue is older than `max_age_ms` (0 = no limit):
  // one stuck queue must not refuse the traffic of the others.
  admission push(outbound_entry& e, std::size_t max_entries, std::int64_t max_age_ms, std::int64_t now_ms);

  bool empty(const std::string& queue) const;
  std::size_t size() const;
  std::optional<outbound_entry> head(const std::string& queue) const;
  std::vector<std::string> queues() const;  // names of the non-empty queues

  // The head `seq` of its queue was delivered / failed transiently / was refused for good.
  void delivered(std::int64_t seq);
  void retried(std::int64_t seq, std::string error);
  void dead(std::int64_t seq, int answer_http, std::string answer_body, std::int64_t now_ms, std::string reason);
  // The operator gives up on `queue`'s head (admin `queue skip`): its seq, or nothing when empty.
  std::optional<std::int64_t> skip_head(const std::string& queue, std::int64_t now_ms);

  std::vector<queue_stats> stats() const;
  std::vector<dead_letter> dead_letters() const;
  std::size_t dead_count() const;
  // Moves a dead letter back to the tail of its queue (new seq, attempts reset); its queue name,
  // or nothing when `id` is unknown.
  std::optional<std::string> replay(std::int64_t id, std::int64_t now_ms);
  bool purge(std::int64_t id);
  // Takes back an entry whose acknowledgement could not be made durable in time (the caller was
  // refused, so it will send again): gone from memory, and its row erased after it was written.
  void withdraw(std::int64_t seq);

 private:
  outbound_entry* find_head(std::int64_t seq);  // mutex_ held
  void bury(outbound_entry& head, int answer_http, std::string answer_body, std::int64_t now_ms,
            std::string reason);  // mutex_ held: head → dead letters
  void persist(write w);                        // mutex_ held

  mutable std::mutex mutex_;
  std::map<std::string, std::deque<outbound_entry>> queues_;  // per queue, in seq order
  std::map<std::int64_t, dead_letter> dead_;
  std::int64_t next_seq_ = 1;
  std::size_t total_ = 0;
  persist_fn persist_;
};

}  // namespace ocpi::proxy
