#include "ocpi/json_writer.hpp"

#include <array>
#include <charconv>
#include <cmath>

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
}  // namespace

void json_writer::append_quoted(std::string& out, std::string_view s) {
  out.push_back('"');
  std::size_t run = 0;  // start of the current run of bytes that need no escape
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (!needs_escape[c]) continue;
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
