// The store-and-forward queues (MAPPING §4.14, §5.7): FIFO per (party, module), bounds, dead
// letters, and everything surviving close and reopen of the SQLite store, also from an older schema.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "proxy/state/sqlite_store.hpp"
#include "support/test_seal.hpp"
#include "state_test_support.hpp"
#include "support/temp_dir.hpp"

using namespace state_test;
using ocpi::test::temp_dir;

namespace {

outbound_entry request(const std::string& queue, const std::string& id) {
  outbound_entry e;
  e.queue = queue;
  e.method = "PUT";
  e.url = "https://iop/ocpi/2.2.1/receiver/locations/FR/CPO/" + id;
  e.from = {"FR", "CPO"};
  e.to = {"FR", "107"};
  e.correlation_id = "corr-" + id;
  e.body = R"({"id":")" + id + R"("})";
  e.original = R"({"id":")" + id + R"(","v":"2.1.1"})";
  return e;
}

std::int64_t push(outbound_queue& q, outbound_entry e, std::int64_t now = 1000) {
  REQUIRE(q.push(e, 0, 0, now) == outbound_queue::admission::accepted);
  return e.seq;
}

std::unique_ptr<shared_state> open_state(const std::string& path) {
  auto s = std::make_unique<shared_state>(mapping_options{});
  s->attach(std::make_unique<sqlite_store>(path, ocpi::test::test_seal()));
  return s;
}

}  // namespace

TEST_CASE("outbound queue: FIFO per queue, heads independent, seq increasing across queues") {
  outbound_queue q;
  const auto a1 = push(q, request("FR*CPO/locations", "A1"));
  const auto s1 = push(q, request("FR*CPO/sessions", "S1"));
  const auto a2 = push(q, request("FR*CPO/locations", "A2"));
  CHECK(a1 < s1);
  CHECK(s1 < a2);
  CHECK(q.size() == 3);
  CHECK(q.head("FR*CPO/locations")->seq == a1);
  CHECK(q.head("FR*CPO/sessions")->seq == s1);
  q.delivered(a2);  // not a head: nothing happens (only the head is ever sent)
  CHECK(q.size() == 3);
  q.delivered(a1);
  CHECK(q.head("FR*CPO/locations")->seq == a2);
  CHECK(q.head("FR*CPO/locations")->body == R"({"id":"A2"})");
  q.delivered(a2);
  CHECK(q.empty("FR*CPO/locations"));
  CHECK_FALSE(q.empty("FR*CPO/sessions"));
  CHECK(q.queues() == std::vector<std::string>{"FR*CPO/sessions"});
}

TEST_CASE("outbound queue: bounded by number of entries and by the age of the oldest") {
  outbound_queue q;
  auto e = request("FR*CPO/cdrs", "C1");
  CHECK(q.push(e, 2, 0, 1000) == outbound_queue::admission::accepted);
  e = request("FR*CPO/cdrs", "C2");
  CHECK(q.push(e, 2, 0, 1000) == outbound_queue::admission::accepted);
  e = request("FR*CPO/cdrs", "C3");
  CHECK(q.push(e, 2, 0, 1000) == outbound_queue::admission::full);
  CHECK(q.size() == 2);
  // Age: the head was enqueued at 1000; 60 s later with a 30 s limit nothing more is taken.
  CHECK(q.push(e, 0, 30000, 61000) == outbound_queue::admission::too_old);
  CHECK(q.push(e, 0, 90000, 61000) == outbound_queue::admission::accepted);
}

TEST_CASE("outbound queue: the age bound looks at the queue a request joins, not at the others") {
  outbound_queue q;
  auto stuck = request("FR*CPO/cdrs", "C1");
  CHECK(q.push(stuck, 0, 30000, 1000) == outbound_queue::admission::accepted);
  // 60 s later the CDR queue is too old, but a Location update has its own, empty queue.
  auto loc = request("FR*CPO/locations", "L1");
  CHECK(q.push(loc, 0, 30000, 61000) == outbound_queue::admission::accepted);
  auto cdr = request("FR*CPO/cdrs", "C2");
  CHECK(q.push(cdr, 0, 30000, 61000) == outbound_queue::admission::too_old);
}

TEST_CASE("outbound queue: the operator moves a queue's head to the dead letters, the queue goes on") {
  outbound_queue q;
  const auto c1 = push(q, request("FR*CPO/cdrs", "C1"));
  const auto c2 = push(q, request("FR*CPO/cdrs", "C2"));
  CHECK_FALSE(q.skip_head("FR*CPO/sessions", 2000).has_value());
  CHECK(q.skip_head("FR*CPO/cdrs", 2000) == c1);
  CHECK(q.head("FR*CPO/cdrs")->seq == c2);
  REQUIRE(q.dead_letters().size() == 1);
  CHECK(q.dead_letters()[0].entry.seq == c1);
  CHECK(q.dead_letters()[0].reason == "moved to the dead letters by the operator");
  q.delivered(c1);  // the replay loop finishing the old head afterwards changes nothing
  CHECK(q.head("FR*CPO/cdrs")->seq == c2);
  CHECK(q.size() == 1);
}

TEST_CASE("outbound queue: retries counted, dead letters keep the answer, replay goes to the tail, purge forgets") {
  outbound_queue q;
  const auto a1 = push(q, request("FR*CPO/locations", "A1"));
  const auto a2 = push(q, request("FR*CPO/locations", "A2"));
  q.retried(a1, "HTTP 500");
  q.retried(a1, "upstream timeout");
  auto st = q.stats();
  REQUIRE(st.size() == 1);
  CHECK(st[0].depth == 2);
  CHECK(st[0].head_attempts == 2);
  CHECK(st[0].retries == 2);
  CHECK(q.head("FR*CPO/locations")->last_error == "upstream timeout");

  q.dead(a1, 200, R"({"status_code":2001})", 5000, "refused by IOP");
  CHECK(q.head("FR*CPO/locations")->seq == a2);  // the queue goes on
  REQUIRE(q.dead_letters().size() == 1);
  const auto d = q.dead_letters()[0];
  CHECK(d.entry.seq == a1);
  CHECK(d.answer_http == 200);
  CHECK(d.answer_body == R"({"status_code":2001})");
  CHECK(d.failed_at_ms == 5000);
  CHECK(d.reason == "refused by IOP");

  CHECK_FALSE(q.replay(9999, 6000).has_value());
  CHECK(q.replay(a1, 6000) == "FR*CPO/locations");
  CHECK(q.dead_count() == 0);
  q.delivered(a2);
  const auto again = q.head("FR*CPO/locations");
  REQUIRE(again);
  CHECK(again->seq > a2);  // a new position at the tail
  CHECK(again->body == R"({"id":"A1"})");
  CHECK(again->attempts == 0);
  q.dead(again->seq, 404, "{}", 7000, "refused by IOP");
  CHECK(q.purge(again->seq));
  CHECK_FALSE(q.purge(again->seq));
  CHECK(q.dead_count() == 0);
  CHECK(q.size() == 0);
}

TEST_CASE("outbound queue: entries, retries and dead letters survive close and reopen (SQLite)") {
  temp_dir dir;
  const std::string db = dir.file("bridge.sqlite3");
  std::int64_t a1 = 0, a2 = 0, s1 = 0, c1 = 0;
  {
    auto s = open_state(db);
    auto& q = s->outbound();
    a1 = push(q, request("FR*CPO/locations", "A1"), 1000);
    s1 = push(q, request("FR*CPO/sessions", "S1"), 1001);
    a2 = push(q, request("FR*CPO/locations", "A2"), 1002);
    c1 = push(q, request("FR*CPO/cdrs", "C1"), 1003);
    q.retried(a1, "HTTP 503");
    q.dead(c1, 200, R"({"status_code":2001,"status_message":"bad"})", 2000, "refused by IOP: 2001");
    q.delivered(s1);
  }  // detach commits
  {
    auto s = open_state(db);
    auto& q = s->outbound();
    CHECK(q.size() == 2);
    const auto head = q.head("FR*CPO/locations");
    REQUIRE(head);
    CHECK(head->seq == a1);
    CHECK(head->attempts == 1);
    CHECK(head->last_error == "HTTP 503");
    CHECK(head->method == "PUT");
    CHECK(head->from.party_id == "CPO");
    CHECK(head->to.party_id == "107");
    CHECK(head->correlation_id == "corr-A1");
    CHECK(head->enqueued_at_ms == 1000);
    CHECK(q.empty("FR*CPO/sessions"));
    q.delivered(a1);
    CHECK(q.head("FR*CPO/locations")->seq == a2);
    REQUIRE(q.dead_letters().size() == 1);
    CHECK(q.dead_letters()[0].entry.seq == c1);
    CHECK(q.dead_letters()[0].answer_body == R"({"status_code":2001,"status_message":"bad"})");
    CHECK(q.dead_letters()[0].reason == "refused by IOP: 2001");
    CHECK(q.dead_letters()[0].entry.original == R"({"id":"C1","v":"2.1.1"})");
    CHECK(head->original == R"({"id":"A1","v":"2.1.1"})");
    // A new entry never reuses a seq, not even a dead letter's.
    const auto next = push(q, request("FR*CPO/cdrs", "C2"));
    CHECK(next > c1);
  }
  raw_db raw(db);
  CHECK(raw.count("outbound_queue") == 2);
  CHECK(raw.count("dead_letters") == 1);
}

TEST_CASE("outbound queue: a store from the schema version before it gains the queue tables, data kept") {
  temp_dir dir;
  const std::string db = dir.file("bridge.sqlite3");
  {
    raw_db raw(db);  // what a bridge before store-and-forward (migration 4) left behind
    for (std::size_t v = 0; v < 3; ++v) raw.exec(sqlite_store::migrations()[v]);
    raw.exec(
        "INSERT INTO credentials VALUES ('iop','b','c','https://iop/versions','2.2.1','{}','2024-01-01T00:00:00Z')");
    raw.exec("PRAGMA user_version = 3");
  }
  {
    auto s = open_state(db);
    CHECK(s->credentials("iop")->versions_url == "https://iop/versions");
    push(s->outbound(), request("FR*CPO/tariffs", "T1"));
  }
  raw_db raw(db);
  CHECK(raw.text("PRAGMA user_version") == std::to_string(sqlite_store::schema_version()));
  CHECK(raw.count("outbound_queue") == 1);
  CHECK(raw.count("dead_letters") == 0);
}
