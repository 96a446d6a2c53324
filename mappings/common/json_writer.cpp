#include "ocpi/json_writer.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "common/json_escape.hpp"

namespace ocpi {

namespace {
// Characters that need an escape: the quote, the backslash and the controls below 0x20.
constexpr std::array<bool, 256> make_escape_table() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = true;
  t['"'] = true;
  t['\\'] = true;
  return t;
}
constexpr auto needs_escape = make_escape_table();

// A byte < 0x20, == '"' or == '\\' in the 8 bytes of `w` ("has less than" / "has zero byte" word
// tricks; exact as a yes/no answer). Bytes >= 0x80 are masked out by ~w.
bool any_escape(std::uint64_t w) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  const std::uint64_t below_space = (w - ones * 0x20) & ~w;
  const std::uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
  const std::uint64_t quote = (q - ones) & ~q, backslash = (b - ones) & ~b;
  return ((below_space | quote | backslash) & highs) != 0;
}
}  // namespace

namespace mappings {

// 8 bytes at a time; a short tail is checked as one word padded with 'A's. Only a word that
// holds an escape is scanned byte by byte. Most strings have none: append_quoted then copies
// them in one append.
std::size_t first_escape(std::string_view s, std::size_t from) noexcept {
  std::size_t i = from;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (any_escape(w)) break;
  }
  if (i + 8 > s.size() && i < s.size()) {
    std::uint64_t w = 0x4141414141414141ULL;
    std::memcpy(&w, s.data() + i, s.size() - i);
    if (!any_escape(w)) return s.size();
  }
  for (; i < s.size(); ++i)
    if (needs_escape[static_cast<unsigned char>(s[i])]) return i;
  return s.size();
}

}  // namespace mappings

void json_writer::append_quoted(std::string& out, std::string_view s) {
  out.push_back('"');
  std::size_t run = 0;  // start of the current run of bytes that need no escape
  for (std::size_t i = mappings::first_escape(s, 0); i < s.size(); i = mappings::first_escape(s, i + 1)) {
    const auto c = static_cast<unsigned char>(s[i]);
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      default: {
        static constexpr char hex[] = "0123456789abcdef";
        const char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
        out.append(esc, 6);
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

void json_writer::integer(std::int64_t v) {
  separate();
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, end);
  need_comma_ = true;
}

void json_writer::number(double v) {
  separate();
  if (!std::isfinite(v)) v = 0;  // JSON has no NaN/Inf; callers validate before writing
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip form
  out_.append(buf, end);
  need_comma_ = true;
}

}  // namespace ocpi
