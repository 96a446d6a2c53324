// `ocpi-bridge translate`: the request fields beyond kind/direction/shape reach the translation
// (tests/conformance/test_schemas.py drives every golden pair through them).
#include "proxy/cli/translate_command.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

namespace {

struct run_result {
  int code;
  std::string out, err;
};

run_result run(std::vector<std::string_view> args, const std::string& input) {
  std::istringstream in(input);
  std::ostringstream out, err;
  const int code = ocpi::proxy::cli::run_translate(args, in, out, err);
  return {code, out.str(), err.str()};
}

}  // namespace

TEST_CASE("translate CLI: --command names the command a CommandResponse answers (3.3.4)") {
  const std::vector<std::string_view> base{"--object", "command_response", "--from", "2.1.1", "--to",
                                           "2.2.1",    "--party",          "BE*BEC"};
  auto with = base;
  with.insert(with.end(), {"--command", "START_SESSION"});
  const auto r = run(with, R"({"result":"ACCEPTED"})");
  CHECK(r.code == 0);
  CHECK(r.out == "{\"result\":\"ACCEPTED\",\"timeout\":120}\n");
  const auto without = run(base, R"({"result":"ACCEPTED"})");
  CHECK(without.code == 2);  // no command type: no configured timeout to add
}

TEST_CASE("translate CLI: --token-uid, --sender and --recipient") {
  const auto auth = run({"--object", "authorization_info", "--from", "2.1.1", "--to", "2.2.1", "--party", "FR*EMP",
                         "--token-uid", "AAAAAA", "--now", "2024-06-01T12:00:00Z"},
                        R"({"allowed":"ALLOWED"})");
  CHECK(auth.code == 0);
  CHECK(auth.out.find("\"uid\":\"AAAAAA\"") != std::string::npos);

  const auto refs = run({"--object", "location_references", "--from", "2.2.1", "--to", "2.1.1", "--party", "FR*CPO",
                         "--set", "role=CPO", "--recipient", "legacy_emsp", "--sender", "FR*CPO"},
                        R"({"location_id":"LOC1"})");
  CHECK(refs.code == 0);
  CHECK(refs.out == "{\"location_id\":\"LOC1\"}\n");

  CHECK(
      run({"--object", "token", "--from", "2.2.1", "--to", "2.1.1", "--party", "FR*CPO", "--recipient", "owner"}, "{}")
          .code == 1);
  CHECK(run({"--object", "token", "--from", "2.2.1", "--to", "2.1.1", "--party", "FR*CPO", "--sender", "FRCPO"}, "{}")
            .code == 1);
}
