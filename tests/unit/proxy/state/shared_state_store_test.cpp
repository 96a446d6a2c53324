// shared_state with a store attached: when_durable semantics, group commit from many threads,
// and which mutations become store writes.
#include <doctest/doctest.h>

#include <algorithm>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "proxy/state/sqlite_store.hpp"
#include "support/test_seal.hpp"
#include "state_test_support.hpp"
#include "support/temp_dir.hpp"

using namespace state_test;
using ocpi::test::temp_dir;

namespace {

// Waits until everything written before the call is on disk.
void wait_durable(shared_state& s) {
  std::promise<void> done;
  s.when_durable([&] { done.set_value(); });
  done.get_future().wait();
}

}  // namespace

TEST_CASE("when_durable: in memory, the callback runs at once") {
  shared_state s(mapping_options{});
  bool called = false;
  s.when_durable([&] { called = true; });
  CHECK(called);
  CHECK_FALSE(s.persistent());
}

TEST_CASE("when_durable: each callback sees every earlier write committed, in call order") {
  temp_dir dir;
  const std::string db = dir.file("bridge.sqlite3");
  shared_state s(mapping_options{});
  s.attach(std::make_unique<sqlite_store>(db, ocpi::test::test_seal()));
  raw_db reader(db);  // a second connection: sees committed transactions only (WAL)

  std::mutex mutex;
  std::vector<std::pair<int, long long>> seen;  // (callback number, committed credentials)
  std::promise<void> last;
  constexpr int rounds = 5;
  for (int round = 0; round < rounds; ++round) {
    for (int i = 0; i < 20; ++i) {
      const auto n = std::to_string(round * 20 + i);
      s.set_credentials("legacy:C" + n, sample_credentials(n));
    }
    s.when_durable([&, round] {
      std::lock_guard lock(mutex);
      seen.emplace_back(round, reader.count("credentials"));
      if (round == rounds - 1) last.set_value();
    });
  }
  last.get_future().wait();
  std::lock_guard lock(mutex);
  REQUIRE(seen.size() == rounds);
  for (int round = 0; round < rounds; ++round) {
    CHECK(seen[static_cast<std::size_t>(round)].first == round);
    CHECK(seen[static_cast<std::size_t>(round)].second >= (round + 1) * 20);
  }
}

TEST_CASE("state store: concurrent writers on several threads lose nothing") {
  temp_dir dir;
  const std::string db = dir.file("bridge.sqlite3");
  constexpr int threads = 4;
  constexpr int per_thread = 150;
  {
    shared_state s(mapping_options{});
    s.attach(std::make_unique<sqlite_store>(db, ocpi::test::test_seal()));
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
      workers.emplace_back([&s, t] {
        for (int i = 0; i < per_thread; ++i) {
          const std::string n = std::to_string(t) + "-" + std::to_string(i);
          s.set_credentials("legacy:C" + n, sample_credentials(n));
          s.add_pending_command(sample_command("cb-" + n));
          if (i % 3 == 0) s.finish_pending("cb-" + n, "DONE");
          s.set_last_status({"FR", "CPO"}, "LOC" + std::to_string(t), "EVSE" + std::to_string(i % 10), "STATUS" + n);
          CHECK(s.credentials("legacy:C" + n));  // reads never wait for the writer
        }
        wait_durable(s);
      });
    for (auto& w : workers) w.join();
  }  // destructor: detach
  auto r = std::make_unique<shared_state>(mapping_options{});
  r->attach(std::make_unique<sqlite_store>(db, ocpi::test::test_seal()));
  for (int t = 0; t < threads; ++t) {
    for (int i = 0; i < per_thread; ++i) {
      const std::string n = std::to_string(t) + "-" + std::to_string(i);
      REQUIRE(r->credentials("legacy:C" + n));
      CHECK(r->credentials("legacy:C" + n)->token_from_peer == "from-" + n);
      REQUIRE(r->pending("cb-" + n));
      CHECK(r->pending("cb-" + n)->state == (i % 3 == 0 ? "DONE" : "PENDING"));
    }
    // The last status written per EVSE wins, as in memory.
    for (int e = 0; e < 10; ++e) {
      const int last_i = per_thread - 1 - ((per_thread - 1 - e) % 10);
      CHECK(r->last_status({"FR", "CPO"}, "LOC" + std::to_string(t), "EVSE" + std::to_string(e)) ==
            "STATUS" + std::to_string(t) + "-" + std::to_string(last_i));
    }
  }
  CHECK(raw_db(db).count("credentials") == threads * per_thread);
}

TEST_CASE("state store: only changes become writes") {
  recording_store::log log;
  shared_state s(mapping_options{});
  s.attach(std::make_unique<recording_store>(log));
  const object_key cdr{{"FR", "CPO"}, "CDR1"};
  const std::string exposed = s.expose_cdr_id(cdr);
  s.expose_cdr_id(cdr);  // known: no second write
  s.hash_long_id(std::string(60, 'y'));
  s.hash_long_id(std::string(60, 'y'));
  s.expose_location_id({{"FR", "CPO"}, "L1"}, {});
  s.expose_location_id({{"FR", "CPO"}, "L1"}, {});
  CHECK_FALSE(s.finish_pending("unknown", "DONE"));
  s.erase_credentials("never-registered");
  s.erase_registration_tokens("never-registered");
  s.detach();
  std::lock_guard lock(log.mutex);
  const auto count = [&](const std::string& prefix) {
    return std::count_if(log.calls.begin(), log.calls.end(), [&](const auto& c) { return c.rfind(prefix, 0) == 0; });
  };
  CHECK(count("put_exposed_cdr:" + exposed) == 1);
  CHECK(count("put_long_id:") == 1);
  CHECK(count("put_exposed_location:L1") == 1);
  CHECK(count("put_pending") == 0);
  CHECK(count("erase_") == 0);
}

TEST_CASE("state store: a failed commit is retried whole; callbacks wait for it") {
  recording_store::log log;
  log.fail_commits = 1;
  shared_state s(mapping_options{});
  s.attach(std::make_unique<recording_store>(log));
  s.set_credentials("iop", sample_credentials("iop"));
  wait_durable(s);
  {
    std::lock_guard lock(log.mutex);
    CHECK(log.committed_batches >= 1);
    const auto& c = log.calls;
    // begin, put, (commit throws), rollback, begin, put, commit
    REQUIRE(c.size() >= 6);
    CHECK(std::find(c.begin(), c.end(), "rollback") != c.end());
    CHECK(std::count(c.begin(), c.end(), std::string("put_credentials:iop")) == 2);
    CHECK(c.back() == "commit");
  }
  s.detach();
}

TEST_CASE("pending commands: finished records are purged a day after their deadline, pending ones never") {
  temp_dir dir;
  const std::string db = dir.file("bridge.sqlite3");
  {
    shared_state s(mapping_options{});
    s.attach(std::make_unique<sqlite_store>(db, ocpi::test::test_seal()));
    auto old_done = sample_command("cb-old-done");
    old_done.expires_at_ms = 1000;
    auto old_pending = sample_command("cb-old-pending");
    old_pending.expires_at_ms = 1000;
    auto recent_done = sample_command("cb-recent-done");
    recent_done.expires_at_ms = 90000;
    for (const auto& c : {old_done, old_pending, recent_done}) s.add_pending_command(c);
    s.finish_pending("cb-old-done", "DONE");
    s.finish_pending("cb-recent-done", "TIMED_OUT");
    CHECK(s.purge_finished_pending(50000) == 1);
    CHECK_FALSE(s.pending("cb-old-done"));
    CHECK(s.pending("cb-old-pending"));  // still waiting for its result or its TIMEOUT
    CHECK(s.pending("cb-recent-done"));
    CHECK(s.purge_finished_pending(50000) == 0);
    s.detach();
  }
  shared_state reopened(mapping_options{});
  reopened.attach(std::make_unique<sqlite_store>(db, ocpi::test::test_seal()));
  CHECK_FALSE(reopened.pending("cb-old-done"));  // gone from the disk too
  CHECK(reopened.pending("cb-old-pending"));
  reopened.detach();
}
