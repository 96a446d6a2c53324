#pragma once
// Building and taking apart the URLs that cross the bridge (MAPPING §1.2.4), the Link header and the
// pagination counters (§1.7), and the URL-vs-body consistency checks (§1.8.2).
#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ocpi/options.hpp"
#include "ocpi/status.hpp"
#include "ocpi/version.hpp"

namespace ocpi::proxy {

// -- Paths (§1.2.4) --------------------------------------------------------------------------

// RFC 3986 unreserved characters and `*` (evse_ids contain it) are kept; every other byte becomes
// %XX (upper-case hex), so ids containing `/ ? # %` or spaces stay one segment.
std::string percent_encode_segment(std::string_view segment);

// %XX decoded (either hex case); `+` stays `+` (path semantics). nullopt on a broken escape.
std::optional<std::string> percent_decode(std::string_view text);

// `base` + "/" + encoded segments, exactly one `/` between parts whether or not `base` ends in one;
// without segments `base` unchanged (a published URL is used exactly as published, trailing `/` kept).
std::string join_url(std::string_view base, std::span<const std::string_view> segments);
std::string join_url(std::string_view base, std::initializer_list<std::string_view> segments);

// The path of a request target (a query is ignored) as decoded segments; empty segments (doubled or
// trailing slashes) are skipped. nullopt on a broken escape.
std::optional<std::vector<std::string>> path_segments(std::string_view target);

// -- Query strings (§1.2.4) ------------------------------------------------------------------

// What the spec defines for list GETs and Token GETs (`type`).
inline constexpr std::array<std::string_view, 5> standard_query_params{"date_from", "date_to", "offset", "limit",
                                                                      "type"};

struct filtered_query {
  std::string query;                 // kept parameters, original order and bytes, joined by `&`
  std::vector<std::string> dropped;  // names of the parameters left out, for the log line
};

filtered_query filter_query(std::string_view query, std::span<const std::string_view> allowed = standard_query_params);

// Gireve 2.1.1 unitary token GET: `type` and `tokenType` both accepted, `type` wins. The
// result carries the winner as `type=...`; other parameters are dropped.
filtered_query filter_unitary_token_query(std::string_view query);

// First value of `name`, percent-decoded; nullopt when absent or undecodable.
std::optional<std::string> query_value(std::string_view query, std::string_view name);

// `query` with the first `offset` replaced by `offset=<value>` (appended when absent); the rest
// byte-for-byte.
std::string with_offset(std::string_view query, std::uint64_t offset);

// -- Link header (§1.7 rule 1) ---------------------------------------------------------------

// The URL of the `rel="next"` link (rel quoted or not, among several links, any whitespace).
std::optional<std::string> parse_next_link(std::string_view link_header);

// The bridge endpoint the caller used with the upstream link's query string kept byte-for-byte.
// nullopt when the query holds characters that cannot go back into a Link header.
std::optional<std::string> rewrite_next_link(std::string_view upstream_next_url, std::string_view caller_endpoint);

// `<url>; rel="next"`
std::string next_link_header(std::string_view url);

// -- Pagination synthesis (§1.7 rule 3) ------------------------------------------------------

struct page_request {
  std::uint64_t offset = 0;
  std::optional<std::uint64_t> limit;
};

// offset/limit of a request query; malformed values count as absent.
page_request read_page_request(std::string_view query);

struct upstream_pagination {
  bool has_link = false;
  bool has_x_limit = false;
  bool has_x_total_count = false;
};

// Header values to add; nullopt = the upstream sent it (relay theirs, never correct it: TV-25).
struct synthesized_pagination {
  std::optional<std::string> x_limit;
  std::optional<std::string> x_total_count;
  std::optional<std::string> link;  // full Link header value
  bool synthesised() const noexcept { return x_limit || x_total_count || link; }
};

// A next link is made only when the server sent no pagination at all (no Link, no X-Total-Count)
// and the page is full; it points at `caller_endpoint` with `request_query` and offset+count.
synthesized_pagination synthesize_pagination(const page_request& req, std::uint64_t count, upstream_pagination present,
                                             std::string_view caller_endpoint, std::string_view request_query);

// -- Consistency checks (§1.8.2) -------------------------------------------------------------

// URL {object_id} vs body id/uid: HTTP 200, OCPI 2001 on mismatch. Compared case-insensitively on
// the 2.2.1 face (CiString), exactly on the 2.1.1 face (string).
std::optional<error> check_object_id(std::string_view url_id, std::string_view body_id, version face);

// A legacy party pushing ToIOP may only use its own country_code/party_id: HTTP 404, OCPI 2001.
std::optional<error> check_url_owner(const party& url_owner, const party& caller);

}  // namespace ocpi::proxy
