#pragma once
// X-Request-ID / X-Correlation-ID (MAPPING §1.5) and the random identifiers the bridge hands out
// (callback ids, opaque CDR ids, tokens A/C, §1.2.3 and §2.3). Everything comes from OpenSSL's CSPRNG:
// these values end up in URLs and credentials that a peer must not be able to guess.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ocpi::proxy {

inline constexpr std::string_view request_id_header = "X-Request-ID";
inline constexpr std::string_view correlation_id_header = "X-Correlation-ID";

// RFC 4122 version 4, lower-case text form "xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx" (N in 8..b).
std::string uuid_v4();

// `bytes` random bytes as base64url without padding: 16 -> 22 chars (cbid, opaque), 32 -> 43 chars
// (token A/C).
std::string random_b64url(std::size_t bytes);

struct trace_ids {
  std::string request_id;
  std::string correlation_id;
};

// A received id worth keeping: 1..255 printable ASCII characters. Anything else is treated as
// absent (a new one is generated) rather than echoed into our own headers and logs.
bool usable_id(std::string_view id) noexcept;

// The correlation id of an exchange, fixed when the request arrives: the caller's if usable, else a
// new UUID. Reused for every hop of that exchange (retries, callbacks, store-and-forward).
std::string correlation_for(std::string_view received_correlation);

// The ids a request arriving without them is logged with (§1.5: generate, never reject).
trace_ids inbound_ids(std::string_view received_request_id, std::string_view received_correlation);

// -- §1.5 table, one function per row ----------------------------------------------------------

// ToIOP, proxy -> IOP request: new request id (per attempt, including retries), correlation of the
// legacy request (or a new one when it sent none; pass the exchange's correlation on retries).
trace_ids toiop_outbound(std::string_view inbound_correlation);

// ToIOP, proxy -> legacy response: echo the legacy request id if it sent one, else the id of the
// outbound IOP request. The correlation is the one used toward IOP.
std::string toiop_response_request_id(std::string_view inbound_request_id, std::string_view outbound_request_id);
trace_ids toiop_response(std::string_view inbound_request_id, const trace_ids& outbound);

// FromIOP, proxy -> legacy request: new request id, IOP's correlation propagated unchanged.
trace_ids fromiop_outbound(std::string_view iop_correlation);

// FromIOP, proxy -> IOP response: IOP's two ids echoed (as recorded by inbound_ids()).
trace_ids fromiop_response(const trace_ids& iop_request);

// Command callback (either direction): new request id, the original command's correlation.
trace_ids callback_outbound(std::string_view command_correlation);

// Store-and-forward retry, and the pool's resend after a dead pooled connection (renew_request_id):
// new request id per attempt, the original request's correlation.
trace_ids retry_outbound(std::string_view original_correlation);

// Proxy-initiated call (cache fill, registration): new request id, the triggering request's
// correlation when there is one, else new.
trace_ids proxy_initiated(std::optional<std::string_view> trigger_correlation = std::nullopt);

}  // namespace ocpi::proxy
