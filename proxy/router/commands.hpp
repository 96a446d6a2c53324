#pragma once
// What the four command flows share (MAPPING §3.3.2, §5.4): the bridge's callback URLs, rewriting
// `response_url`, the pending record's deadline, and relaying a result to the original
// `response_url` — with the other version's token and headers — once it arrives or times out.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "proxy/router/exchange.hpp"
#include "proxy/router/runtime.hpp"

namespace ocpi::proxy {

// Unix milliseconds now.
std::int64_t now_ms();

// `json` (an object) with its top-level string member `key` set to `value`; nullopt when `json`
// is not an object. Cold path (one per command): the other members are re-serialised from a DOM,
// so numbers keep their value, not necessarily their spelling.
std::optional<std::string> with_string_member(std::string_view json, std::string_view key, std::string_view value);

// Unix milliseconds at which a command announced with `timeout_s` is given up (§3.3.2 step 1):
// now + timeout + commands.timeout_grace_s, the time the result may take to cross the bridge.
std::int64_t command_deadline_ms(const runtime& rt, std::int64_t timeout_s);

// The `commands.timeout_s` of `command` (120 s when the table lacks it).
std::int64_t configured_timeout_s(const runtime& rt, const std::string& command);

// The pending record of `cmd` could not be made durable in time (full or failing disk): it is
// closed (NOT_ACCEPTED, the command is not forwarded) and the caller gets HTTP 503 + 3000
// "state store unavailable", with an alert line. `data_json` as the face's errors carry it.
response store_unavailable(runtime& rt, exchange& ex, const pending_command& cmd, std::string_view data_json = {});

// `command` from the URL, upper-cased, if it is one of the five OCPI commands.
std::optional<std::string> command_of(std::string_view segment);

struct relay_outcome {
  bool delivered = false;  // the receiver acknowledged with 1000
  unsigned http = 0;       // its HTTP status (0: no answer)
  int status_code = 0;
  std::string why;
};

// POSTs a result body to the pending command's original response_url: toward a legacy eMSP
// (2.1.1 CommandResponse, raw token) or toward IOP (2.2.1 CommandResult, Base64 token, OCPI-from =
// the executing CPO, OCPI-to = the command's sender), with the command's correlation id.
// Not delivered for lack of an answer or with a 5xx/408/429: retried 3 times within 60 s (§5.4),
// then dropped with an `alert:` line; the outcome is the last attempt's.
boost::asio::awaitable<relay_outcome> relay_result(runtime& rt, const pending_command& cmd, std::string body);
// One attempt of it, bounded by `timeout`.
boost::asio::awaitable<relay_outcome> relay_once(runtime& rt, const pending_command& cmd, const std::string& body,
                                                 std::chrono::milliseconds timeout);

// Synthesises {"result":"TIMEOUT"} for every pending command past its deadline (§3.3.2 step 6),
// once a second, until the executor stops.
boost::asio::awaitable<void> command_deadline_loop(runtime& rt);

}  // namespace ocpi::proxy
