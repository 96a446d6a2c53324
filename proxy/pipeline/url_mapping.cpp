#include "proxy/pipeline/url_mapping.hpp"

#include <algorithm>
#include <charconv>

#include "mappings/common/text.hpp"

namespace ocpi::proxy {

namespace {

bool unreserved(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Calls f(name, whole_param) for every non-empty `&`-separated parameter.
template <class F>
void for_each_param(std::string_view query, F&& f) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (param.empty()) continue;
    f(param.substr(0, param.find('=')), param);
  }
}

std::string_view value_of(std::string_view param) noexcept {
  const auto eq = param.find('=');
  return eq == std::string_view::npos ? std::string_view{} : param.substr(eq + 1);
}

void append_param(std::string& out, std::string_view param) {
  if (!out.empty()) out.push_back('&');
  out.append(param);
}

std::optional<std::uint64_t> parse_uint(std::string_view s) noexcept {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// Characters a query may keep when written back between `<` and `>` in a header.
bool header_safe_query(std::string_view q) noexcept {
  return std::none_of(q.begin(), q.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7F || c == '<' || c == '>' ||
           c == '"';
  });
}

std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// True when a link-param list (`; rel="next"; title=...`) has a rel whose types include "next".
bool rel_is_next(std::string_view params) {
  while (!params.empty()) {
    const auto semi = params.find(';');
    std::string_view p = trim_ows(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);
    const auto eq = p.find('=');
    if (eq == std::string_view::npos || !mappings::iequals(trim_ows(p.substr(0, eq)), "rel")) continue;
    std::string_view v = trim_ows(p.substr(eq + 1));
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    // rel may list several relation types separated by spaces (RFC 8288 §3.3).
    while (!v.empty()) {
      v = trim_ows(v);
      const auto sp = v.find(' ');
      if (mappings::iequals(v.substr(0, sp), "next")) return true;
      v = sp == std::string_view::npos ? std::string_view{} : v.substr(sp + 1);
    }
  }
  return false;
}

}  // namespace

std::string percent_encode_segment(std::string_view segment) {
  constexpr std::string_view hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(segment.size());
  for (char c : segment) {
    if (unreserved(c) || c == '*') {
      out.push_back(c);
    } else {
      const auto b = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(hex[b >> 4]);
      out.push_back(hex[b & 0x0F]);
    }
  }
  return out;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::string join_url(std::string_view base, std::span<const std::string_view> segments) {
  // Nothing to append: the URL stays as published, trailing slash included (§1.2.4).
  if (segments.empty()) return std::string(base);
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  std::string out(base);
  for (auto s : segments) {
    out.push_back('/');
    out += percent_encode_segment(s);
  }
  return out;
}

std::string join_url(std::string_view base, std::initializer_list<std::string_view> segments) {
  return join_url(base, std::span<const std::string_view>(segments.begin(), segments.size()));
}

std::optional<std::vector<std::string>> path_segments(std::string_view target) {
  std::string_view path = target.substr(0, target.find_first_of("?#"));
  std::vector<std::string> out;
  while (!path.empty()) {
    const auto slash = path.find('/');
    const std::string_view seg = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
    if (seg.empty()) continue;
    auto decoded = percent_decode(seg);
    if (!decoded) return std::nullopt;
    out.push_back(std::move(*decoded));
  }
  return out;
}

filtered_query filter_query(std::string_view query, std::span<const std::string_view> allowed) {
  filtered_query r;
  for_each_param(query, [&](std::string_view name, std::string_view param) {
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) append_param(r.query, param);
    else r.dropped.emplace_back(name);
  });
  return r;
}

filtered_query filter_unitary_token_query(std::string_view query) {
  filtered_query r;
  std::optional<std::string_view> type, token_type;
  for_each_param(query, [&](std::string_view name, std::string_view param) {
    if (name == "type" && !type) type = value_of(param);
    else if (name == "tokenType" && !token_type) token_type = value_of(param);
    else if (name != "type" && name != "tokenType") r.dropped.emplace_back(name);
  });
  if (const auto winner = type ? type : token_type) r.query = "type=" + std::string(*winner);
  return r;
}

std::optional<std::string> query_value(std::string_view query, std::string_view name) {
  std::optional<std::string_view> raw;
  for_each_param(query, [&](std::string_view n, std::string_view param) {
    if (!raw && n == name) raw = value_of(param);
  });
  if (!raw) return std::nullopt;
  return percent_decode(*raw);
}

std::string with_offset(std::string_view query, std::uint64_t offset) {
  std::string out;
  bool replaced = false;
  const std::string fresh = "offset=" + std::to_string(offset);
  for_each_param(query, [&](std::string_view name, std::string_view param) {
    if (name == "offset" && !replaced) {
      append_param(out, fresh);
      replaced = true;
    } else {
      append_param(out, param);
    }
  });
  if (!replaced) append_param(out, fresh);
  return out;
}

std::optional<std::string> parse_next_link(std::string_view header) {
  // link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param ), values separated by ",".
  while (true) {
    const auto open = header.find('<');
    if (open == std::string_view::npos) return std::nullopt;
    const auto close = header.find('>', open + 1);
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view target = trim_ows(header.substr(open + 1, close - open - 1));
    header = header.substr(close + 1);
    // The params run to the next comma outside quotes.
    std::size_t end = 0;
    bool quoted = false;
    for (; end < header.size(); ++end) {
      if (header[end] == '"') quoted = !quoted;
      else if (header[end] == ',' && !quoted) break;
    }
    if (rel_is_next(header.substr(0, end)) && !target.empty()) return std::string(target);
    header = end < header.size() ? header.substr(end + 1) : std::string_view{};
  }
}

std::optional<std::string> rewrite_next_link(std::string_view upstream_next_url, std::string_view caller_endpoint) {
  std::string_view upstream = upstream_next_url.substr(0, upstream_next_url.find('#'));
  const auto q = upstream.find('?');
  const std::string_view query = q == std::string_view::npos ? std::string_view{} : upstream.substr(q + 1);
  if (!header_safe_query(query)) return std::nullopt;
  std::string out(caller_endpoint.substr(0, caller_endpoint.find_first_of("?#")));
  if (!query.empty()) {
    out.push_back('?');
    out.append(query);
  }
  return out;
}

std::string next_link_header(std::string_view url) { return "<" + std::string(url) + ">; rel=\"next\""; }

page_request read_page_request(std::string_view query) {
  page_request r;
  if (auto v = query_value(query, "offset")) r.offset = parse_uint(*v).value_or(0);
  if (auto v = query_value(query, "limit")) r.limit = parse_uint(*v);
  return r;
}

synthesized_pagination synthesize_pagination(const page_request& req, std::uint64_t count, upstream_pagination present,
                                             std::string_view caller_endpoint, std::string_view request_query) {
  synthesized_pagination out;
  if (!present.has_x_limit) out.x_limit = std::to_string(req.limit.value_or(count));
  // A server that sent a Link or a total decided about pages itself; only a silent one gets a link.
  const bool page_full = req.limit && count > 0 && count == *req.limit;
  if (!present.has_link && !present.has_x_total_count && page_full) {
    const auto next = caller_endpoint.substr(0, caller_endpoint.find_first_of("?#"));
    out.link = next_link_header(std::string(next) + "?" + with_offset(request_query, req.offset + count));
  }
  if (!present.has_x_total_count) {
    const bool more = present.has_link || out.link;  // a lower bound when another page exists
    out.x_total_count = std::to_string(req.offset + count + (more ? 1 : 0));
  }
  return out;
}

std::optional<error> check_object_id(std::string_view url_id, std::string_view body_id, version face) {
  const bool same = face == version::v2_2_1 ? mappings::iequals(url_id, body_id) : url_id == body_id;
  if (same) return std::nullopt;
  return error{status::invalid_parameters, 200, {}, "object id in URL differs from the id in the body"};
}

std::optional<error> check_url_owner(const party& url_owner, const party& caller) {
  if (url_owner.same(caller)) return std::nullopt;
  return error{status::invalid_parameters, 404, {}, "country_code/party_id in URL are not the caller's"};
}

}  // namespace ocpi::proxy
