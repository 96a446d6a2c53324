#include "proxy/net/framing.hpp"

#include <boost/beast/core/string.hpp>
#include <iterator>
#include <string>

namespace ocpi::proxy {

namespace {

class framing_category_impl : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "http.framing"; }
  std::string message(int ev) const override {
    switch (static_cast<framing_error>(ev)) {
      case framing_error::te_not_chunked_last:
        return "Transfer-Encoding of a request must end with chunked";
      case framing_error::te_chunked_twice:
        return "Transfer-Encoding applies chunked more than once";
      case framing_error::te_unsupported_coding:
        return "transfer coding not implemented (only chunked is)";
      case framing_error::te_with_content_length:
        return "both Transfer-Encoding and Content-Length";
      case framing_error::te_in_http10:
        return "Transfer-Encoding in an HTTP/1.0 request";
      case framing_error::content_length_repeated:
        return "more than one Content-Length value";
      case framing_error::content_length_invalid:
        return "Content-Length is not a decimal number";
      case framing_error::host_missing:
        return "HTTP/1.1 request without Host";
      case framing_error::host_repeated:
        return "more than one Host field";
    }
    return "framing error";
  }
};

bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

// The transfer codings of every Transfer-Encoding field in order (a list may be split over
// several fields, RFC 9110 §5.3). Empty list elements are skipped (§5.6.1); a coding keeps its
// parameters so that `chunked;x=1` is not mistaken for chunked.
template <class F>
void for_each_coding(const http::fields& header, F&& f) {
  // Every field in arrival order: Beast's equal_range() walks its list between the first and the
  // last match, which includes the fields in between.
  for (const auto& field : header) {
    if (field.name() != http::field::transfer_encoding) continue;
    std::string_view rest = field.value();
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string_view element = trim(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      if (!element.empty()) f(element);
    }
  }
}

}  // namespace

const boost::system::error_category& framing_category() noexcept {
  static const framing_category_impl instance;
  return instance;
}

boost::system::error_code make_error_code(framing_error e) noexcept {
  return {static_cast<int>(e), framing_category()};
}

http::status framing_status(const boost::system::error_code& ec) noexcept {
  // RFC 9112 §6.1: "A server that receives a request message with a transfer coding it does not
  // understand SHOULD respond with 501 (Not Implemented)."
  return ec == framing_error::te_unsupported_coding ? http::status::not_implemented : http::status::bad_request;
}

boost::system::error_code check_request_framing(const http::fields& header, unsigned version, bool beast_chunked) {
  // Host first (RFC 9112 §3.2): it names the target a front-end routed on; two of them let each
  // side pick a different one.
  const auto hosts = header.count(http::field::host);
  if (hosts > 1) return framing_error::host_repeated;
  if (hosts == 0 && version >= 11) return framing_error::host_missing;

  const auto lengths = header.count(http::field::content_length);
  // Beast accepts `Content-Length: 5, 5` and repeated equal fields as one value (RFC 9110 §8.6
  // allows it); a proxy in front of us might have taken the list as invalid and framed otherwise.
  if (lengths > 1) return framing_error::content_length_repeated;
  if (lengths == 1) {
    const std::string_view v = trim(header[http::field::content_length]);
    if (v.empty()) return framing_error::content_length_invalid;
    for (char c : v)
      if (c < '0' || c > '9')
        return v.find(',') != std::string_view::npos ? framing_error::content_length_repeated
                                                     : framing_error::content_length_invalid;
  }

  if (header.count(http::field::transfer_encoding) == 0) return {};
  if (version < 11) return framing_error::te_in_http10;
  if (lengths > 0) return framing_error::te_with_content_length;
  std::size_t codings = 0, chunked_seen = 0;
  bool last_chunked = false, other = false;
  for_each_coding(header, [&](std::string_view coding) {
    ++codings;
    last_chunked = boost::beast::iequals(coding, "chunked");
    if (last_chunked)
      ++chunked_seen;
    else
      other = true;
  });
  if (codings == 0 || !last_chunked) return framing_error::te_not_chunked_last;
  if (chunked_seen > 1) return framing_error::te_chunked_twice;
  if (other) return framing_error::te_unsupported_coding;
  // Whatever this reading of the field accepted, the body must be framed the same way by Beast.
  if (!beast_chunked) return framing_error::te_not_chunked_last;
  return {};
}

std::size_t drop_trailer_fields(http::fields& fields, std::size_t header_count) {
  auto it = fields.begin();
  for (std::size_t i = 0; i < header_count && it != fields.end(); ++i) ++it;
  std::size_t dropped = 0;
  while (it != fields.end()) {
    it = fields.erase(it);
    ++dropped;
  }
  return dropped;
}

}  // namespace ocpi::proxy
