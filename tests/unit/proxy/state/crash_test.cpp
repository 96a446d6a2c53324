// Issue 4: "Kill the bridge with SIGKILL in the middle of the flow and restart it: no stored
// credential, map or pending command is lost or corrupted." A child process writes, learns
// that a prefix is durable, reports it, keeps writing and is SIGKILLed mid-flow; the parent
// reopens the store and finds that prefix intact and the file consistent.
#include <doctest/doctest.h>

#include <csignal>
#include <future>
#include <memory>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "common/ids.hpp"
#include "proxy/state/data_dir.hpp"
#include "proxy/state/sqlite_store.hpp"
#include "support/test_seal.hpp"
#include "state_test_support.hpp"
#include "support/temp_dir.hpp"

using namespace state_test;
using ocpi::test::temp_dir;

namespace {

constexpr int durable_count = 300;
const party owner{"FR", "CPO"};

std::string n_of(int i) { return std::to_string(i); }

void write_entry(shared_state& s, int i) {
  const std::string n = n_of(i);
  s.set_credentials("legacy:C" + n, sample_credentials(n));
  s.add_pending_command(sample_command("cb-" + n));
  if (i % 2 == 0) s.finish_pending("cb-" + n, "DONE");
  s.expose_location_id({owner, "LOC-" + n}, {});
  s.hash_long_id(std::string(50, 'h') + n);
}

// The child: never returns into doctest; its exit code tells what went wrong before the kill.
[[noreturn]] void child(const std::string& data, int report_fd) {
  try {
    data_dir_lock lock(data);
    shared_state s(mapping_options{});
    s.attach(std::make_unique<sqlite_store>(lock.file("bridge.sqlite3"), ocpi::test::test_seal()));
    for (int i = 0; i < durable_count; ++i) write_entry(s, i);
    std::promise<void> durable;
    s.when_durable([&] { durable.set_value(); });
    durable.get_future().wait();
    if (::write(report_fd, "D", 1) != 1) ::_exit(4);
    for (int i = durable_count;; ++i) write_entry(s, i);  // until the parent kills us
  } catch (...) {
    ::_exit(3);
  }
}

}  // namespace

TEST_CASE("crash: SIGKILL in the middle of the flow loses nothing that was durable") {
  temp_dir dir;
  const std::string data = dir.file("var");
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    child(data, fds[1]);
  }
  ::close(fds[1]);
  char report = 0;
  const auto got = ::read(fds[0], &report, 1);
  ::close(fds[0]);
  ::kill(pid, SIGKILL);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE_MESSAGE(got == 1, "child exited before its writes were durable, status " << status);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);

  data_dir_lock lock(data);  // the kernel released the dead child's lock
  const std::string db = lock.file("bridge.sqlite3");
  CHECK(raw_db(db).text("PRAGMA integrity_check") == "ok");
  shared_state r(mapping_options{});
  r.attach(std::make_unique<sqlite_store>(db, ocpi::test::test_seal()));
  for (int i = 0; i < durable_count; ++i) {
    const std::string n = n_of(i);
    REQUIRE(r.credentials("legacy:C" + n));
    CHECK(r.credentials("legacy:C" + n)->token_to_peer == "to-" + n);
    REQUIRE(r.pending("cb-" + n));
    CHECK(r.pending("cb-" + n)->state == (i % 2 == 0 ? "DONE" : "PENDING"));
    CHECK(r.location_by_exposed_id("LOC-" + n));
    CHECK(r.original_of_hash(ocpi::mappings::hashed_id(std::string(50, 'h') + n)) == std::string(50, 'h') + n);
  }
  // What was committed after that point (a prefix of the rest) is whole.
  for (int i = durable_count; r.credentials("legacy:C" + n_of(i)); ++i)
    CHECK(r.credentials("legacy:C" + n_of(i))->credentials_json == R"({"token":")" + n_of(i) + R"("})");
}
