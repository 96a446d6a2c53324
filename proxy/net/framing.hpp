#pragma once
// Request message framing (RFC 9112 §6), the part Beast's parser leaves to its user. Beast frames a
// request by Content-Length or by a final `chunked` coding, and reads anything else as a request
// without a body: `Transfer-Encoding: gzip` (or `identity`, or `chunked, identity`) then turns the
// body bytes into a second request on the same connection (request smuggling). The session checks
// every header section here before reading a body, and refuses what a front-end proxy and the
// bridge could frame differently: 400 (or 501 for a transfer coding it does not implement) and the
// connection closed.
#include <boost/beast/http/fields.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <string_view>
#include <system_error>

#include "proxy/net/http.hpp"

namespace ocpi::proxy {

enum class framing_error {
  te_not_chunked_last = 1,  // §6.3 item 4: the final transfer coding of a request is not chunked
  te_chunked_twice,         // §6.1: chunked applied more than once
  te_unsupported_coding,    // §6.1: a transfer coding other than chunked (501: the bridge decodes none)
  te_with_content_length,   // §6.1: both fields; the RFC allows "TE wins", a proxy must not pick a side
  te_in_http10,             // §6.1: HTTP/1.0 has no Transfer-Encoding; treat the framing as faulty
  content_length_repeated,  // §6.3 item 5 / §8.6 of RFC 9110: more than one value (even equal ones)
  content_length_invalid,   // not 1*DIGIT
  host_missing,             // RFC 9112 §3.2: an HTTP/1.1 request without Host
  host_repeated,            // RFC 9112 §3.2: more than one Host field
};

const boost::system::error_category& framing_category() noexcept;
boost::system::error_code make_error_code(framing_error e) noexcept;

// The HTTP status a framing error is answered with (400, or 501 for an unsupported coding).
http::status framing_status(const boost::system::error_code& ec) noexcept;

// Checks the header section of a request (Beast has parsed it, the body is not read yet).
// `beast_chunked`: what Beast's parser decided (parser.chunked()); a Transfer-Encoding accepted
// here must also be the one Beast frames the body with. Empty error = nothing ambiguous.
boost::system::error_code check_request_framing(const http::fields& header, unsigned version, bool beast_chunked);

// Chunked trailer fields (RFC 9110 §6.5.1: never merged into the header section). Beast appends
// them to the message's fields; this erases every field after the first `header_count` and returns
// how many it erased.
std::size_t drop_trailer_fields(http::fields& fields, std::size_t header_count);

}  // namespace ocpi::proxy

template <>
struct boost::system::is_error_code_enum<ocpi::proxy::framing_error> : std::true_type {};
