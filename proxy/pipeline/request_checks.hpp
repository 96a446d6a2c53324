#pragma once
// What a caller may bring into the bridge, checked once before routing (issue 12 defects 5 and 6):
// path segments, the trace and routing headers, and the request body. Whatever passes here is
// forwarded into URLs, headers, logs and the state store; whatever does not is refused with HTTP
// 400 and OCPI 2001, the message naming the field. Beast stays out of this header.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ocpi::proxy {

// OCPI CiString(n) / 2.1.1 string(n): 1..max printable ASCII characters (0x20-0x7E).
bool printable_ascii(std::string_view s, std::size_t max) noexcept;

// Longest id in a URL: 2.2.1 ids are CiString(36); 2.1.1 Location and EVSE ids are string(39),
// and the mapping's `ids.long_id_policy` decides about 37 to 39 (MAPPING §1.9).
inline constexpr std::size_t max_url_id_221 = 36;
inline constexpr std::size_t max_url_id_211 = 39;
// Longest id in a body, either version (2.2.1 CDR ids are CiString(39) for credit CDRs).
inline constexpr std::size_t max_body_id = 39;
// X-Request-ID / X-Correlation-ID: the same bound usable_id() keeps (request_ids.hpp). UUIDs have
// 36 characters; 255 leaves room for other schemes while bounding what is echoed and logged.
inline constexpr std::size_t max_trace_id = 255;

// The name of path segment `i` (0-based, after percent-decoding) of a bridge route on the hub
// (2.2.1) or legacy (2.1.1) face: "country_code", "party_id", "location_id", ...; empty when the
// route gives it no name (fixed words such as `ocpi`, or a route that does not exist).
std::string_view segment_name(const std::vector<std::string>& segs, std::size_t i, bool hub_face);

// The raw request target: URIs are ASCII (RFC 3986 §2), but Beast passes bytes 0x80-0xFF
// through, and a query is forwarded byte for byte. nullopt, or why it is refused.
std::optional<std::string> check_target(std::string_view target);

// nullopt, or why the path is refused: a dot segment (`.`/`..`, also percent-encoded) anywhere, a
// segment outside printable ASCII, an id longer than its face allows, a country_code longer than
// 2 or a party_id longer than 3.
std::optional<std::string> check_path(const std::vector<std::string>& segs, bool hub_face);

// The headers checked, with their rule: trace ids (§1.5) 1..255 visible ASCII, routing headers
// (§1.4) CiString(2)/(3). Each may appear once.
struct header_rule {
  std::string_view name;
  std::size_t max;
  bool trace_id;  // visible ASCII without space (usable_id); an empty value counts as absent
};
inline constexpr header_rule checked_headers[] = {
    {"X-Request-ID", max_trace_id, true}, {"X-Correlation-ID", max_trace_id, true},
    {"OCPI-from-country-code", 2, false}, {"OCPI-from-party-id", 3, false},
    {"OCPI-to-country-code", 2, false},   {"OCPI-to-party-id", 3, false},
};

// `values`: every value the request carries for `rule.name`, in order.
std::optional<std::string> check_header(const header_rule& rule, std::span<const std::string_view> values);

// A request body: exactly one JSON value, fully valid (no trailing content, no second document,
// no unpaired UTF-16 surrogate, valid UTF-8), and the ids that end up in URLs printable ASCII of
// bounded length: top-level `id`, `uid`, `location_id`, `evse_uid`, `connector_id`, `session_id`,
// `country_code` (2), `party_id` (3), and a Location's `evses[].uid` and
// `evses[].connectors[].id`. `capacity`: the body's buffer capacity (parsed in place when it has
// simdjson's padding). nullopt = accepted.
std::optional<std::string> check_body(std::string_view body, std::size_t capacity = 0);

}  // namespace ocpi::proxy
