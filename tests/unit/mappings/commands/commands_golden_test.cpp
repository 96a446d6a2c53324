// Commands golden pairs (MAPPING §3.3, TV-11, TV-12, Gireve 2.1.1 emsp_commands.md). response_url
// is compared as received: the proxy swaps it for its callback URL around the translation (3.3.2).
#include "mappings/tokens/golden_cases.hpp"

using namespace ocpi;
using test::golden_case;

namespace {
constexpr int cpo_b = 1, emsp_a = 2;
constexpr const char* tv11_state = "commands/tv11_context.json";
}  // namespace

TEST_CASE("3.3.3 TV-11 (a) START_SESSION ToIOP (= Gireve emsp_commands.md example)") {
  test::run_golden({.module = "commands", .name = "tv11a_start_session", .kind = object_kind::start_session, .up = true,
                    .legacy = emsp_a, .context = tv11_state, .up_losses = {"connector_id|derived"}});
}

TEST_CASE("3.3.4 TV-11 (a) IOP's CommandResponse to the legacy eMSP loses timeout") {
  test::run_golden({.module = "commands", .name = "tv11a_command_response", .kind = object_kind::command_response,
                    .down = true, .to = recipient::legacy_emsp, .legacy = emsp_a, .down_losses = {"timeout|dropped"}});
}

TEST_CASE("3.3.5 TV-11 (b) EVSE_OCCUPIED callback becomes REJECTED") {
  test::run_golden({.module = "commands", .name = "tv11b_command_result", .kind = object_kind::command_result,
                    .down = true, .to = recipient::legacy_emsp, .legacy = emsp_a,
                    .down_losses = {"result|derived", "message|dropped"}});
}

TEST_CASE("3.3.5 TV-11 (c) / TV-12 (b) TIMEOUT callback both ways") {
  test::run_golden({.module = "commands", .name = "tv11c_command_result_timeout", .kind = object_kind::command_result,
                    .up = true, .down = true, .to = recipient::legacy_emsp, .legacy = emsp_a});
}

TEST_CASE("3.3.5 Gireve emsp_commands.md callback body both ways") {
  test::run_golden({.module = "commands", .name = "gireve_callback_accepted", .kind = object_kind::command_result,
                    .up = true, .down = true, .to = recipient::legacy_emsp, .legacy = emsp_a});
}

TEST_CASE("3.3.3 TV-12 (a) START_SESSION FromIOP to CPO-B") {
  test::run_golden({.module = "commands", .name = "tv12a_start_session", .kind = object_kind::start_session,
                    .down = true, .to = recipient::legacy_cpo, .legacy = cpo_b,
                    .down_losses = {"token.type|derived", "token.issuer|derived", "connector_id|dropped"}});
}

TEST_CASE("3.3.4 TV-12 (a) CPO-B's ACCEPTED gets the configured timeout") {
  test::run_golden({.module = "commands", .name = "tv12a_command_response", .kind = object_kind::command_response,
                    .up = true, .legacy = cpo_b, .command = "START_SESSION"});
}

TEST_CASE("3.3.4 TV-12 (c) synchronous TIMEOUT becomes REJECTED + message") {
  test::run_golden({.module = "commands", .name = "tv12c_command_response_timeout",
                    .kind = object_kind::command_response, .up = true, .legacy = cpo_b, .command = "START_SESSION",
                    .up_losses = {"result|derived"}});
}

TEST_CASE("3.3.5 TV-12 (d) UNKNOWN_SESSION callback becomes FAILED + message") {
  test::run_golden({.module = "commands", .name = "tv12d_command_result_unknown_session",
                    .kind = object_kind::command_result, .up = true, .legacy = cpo_b, .up_losses = {"result|derived"}});
}

TEST_CASE("3.3.3 StopSession both ways") {
  test::run_golden({.module = "commands", .name = "stop_session", .kind = object_kind::stop_session, .up = true,
                    .down = true, .to = recipient::legacy_cpo, .legacy = emsp_a});
}

TEST_CASE("3.3.3 ReserveNow: int <-> CiString(36), exposed Location id, authorization_reference dropped") {
  test::run_golden({.module = "commands", .name = "reserve_now_up", .kind = object_kind::reserve_now, .up = true,
                    .legacy = emsp_a, .context = tv11_state});
  test::run_golden({.module = "commands", .name = "reserve_now_down", .kind = object_kind::reserve_now, .down = true,
                    .to = recipient::legacy_cpo, .legacy = cpo_b,
                    .down_losses = {"token.type|derived", "token.issuer|derived", "authorization_reference|dropped"}});
}

TEST_CASE("3.3.3 UnlockConnector both directions") {
  test::run_golden({.module = "commands", .name = "unlock_connector_up", .kind = object_kind::unlock_connector,
                    .up = true, .legacy = emsp_a, .context = tv11_state});
  test::run_golden({.module = "commands", .name = "unlock_connector_down", .kind = object_kind::unlock_connector,
                    .up = true, .down = true, .to = recipient::legacy_cpo, .legacy = cpo_b,
                    .context = "commands/unlock_context.json"});
}
