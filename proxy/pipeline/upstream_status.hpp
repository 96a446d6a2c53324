#pragma once
// What the caller is told when the upstream answered (or did not): MAPPING §1.6.4, vector TV-22.
// The bridge always re-creates the envelope (§1.6.1); this decides HTTP status, OCPI code and
// message, whether the translated `data` goes along, and what the store-and-forward and alerting
// need to know.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ocpi::proxy {

// Same names as the networking layer's upstream_result.
enum class upstream_failure { none, connect, timeout, reset, tls, protocol };

struct parsed_envelope {
  int status_code = 0;
  std::string status_message;
  std::string data;  // raw JSON text of `data`; empty when absent or null
};

// A JSON object with an integer `status_code` (a string of digits is tolerated); nullopt for
// anything else (not JSON, not an object, no status_code). `capacity` is the size of the buffer
// behind `body`: with SIMDJSON_PADDING spare bytes the body is parsed in place, else copied.
std::optional<parsed_envelope> parse_upstream_envelope(std::string_view body, std::size_t capacity = 0);

struct caller_answer {
  unsigned http_status = 200;
  int status_code = 1000;
  std::string status_message;
  bool relay_data = false;  // translate and send the upstream `data`
  bool transient = false;   // a retry may succeed (store-and-forward may queue it, §4.14)
  bool alert = false;       // configuration problem an operator must see
};

// ToIOP: IOP's answer -> what the legacy backend receives. `env` is null when the body was not an
// OCPI envelope or there was no answer (`failure` != none).
caller_answer map_iop_answer_to_legacy(unsigned http_status, const parsed_envelope* env, upstream_failure failure,
                                       bool strict_211_codes, bool is_get_object);

// FromIOP: the legacy backend's answer -> what IOP receives. `is_authorize` marks a real-time
// authorize call, where "unknown token" becomes HTTP 404 + 2004.
caller_answer map_legacy_answer_to_iop(unsigned http_status, const parsed_envelope* env, upstream_failure failure,
                                       bool is_authorize);

// The bridge never follows a redirect: a peer's URL is used as published, and a request is not sent
// somewhere the operator never configured. For a 3xx answer, the log text naming where the peer
// wanted it to go ("HTTP 307 redirect to <Location> not followed"); nullopt for any other status.
std::optional<std::string> redirect_note(unsigned http_status, std::string_view location);

}  // namespace ocpi::proxy
