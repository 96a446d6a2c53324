#include "common/datetime.hpp"

#include <cstdio>

namespace ocpi::mappings {

namespace {

// Howard Hinnant's civil-calendar algorithms (public domain formulas), proleptic Gregorian.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& value) {
  if (pos + n > s.size()) return false;
  value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    value = value * 10 + (s[i] - '0');
  }
  return true;
}

struct parsed {
  std::int64_t seconds;   // UTC epoch seconds
  std::string_view frac;  // digits after '.', may be empty
};

std::optional<parsed> parse(std::string_view s) {
  int y, mo, d, h, mi, se = 0;
  if (!digits(s, 0, 4, y) || s.size() < 16 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, h) ||
      s[13] != ':' || !digits(s, 14, 2, mi))
    return std::nullopt;
  std::size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    if (!digits(s, pos + 1, 2, se)) return std::nullopt;
    pos += 3;
  }
  std::string_view frac;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    const std::size_t f = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == f || pos - f > 9) return std::nullopt;
    frac = s.substr(f, pos - f);
  }
  std::int64_t offset = 0;
  if (pos < s.size()) {
    if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      int oh, om = 0;
      if (!digits(s, pos + 1, 2, oh)) return std::nullopt;
      std::size_t p = pos + 3;
      if (p < s.size() && s[p] == ':') ++p;
      if (p < s.size() && !digits(s, p, 2, om)) return std::nullopt;
      if (p < s.size()) p += 2;
      if (p != s.size() || oh > 23 || om > 59) return std::nullopt;
      offset = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
      pos = p;
    } else {
      return std::nullopt;
    }
  }
  if (pos != s.size()) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  const std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return parsed{days * 86400 + h * 3600 + mi * 60 + se - offset, frac};
}

// Appends "YYYY-MM-DDTHH:MM:SSZ". Every timestamp of a translation goes through here: digits are
// written by hand (snprintf was a tenth of a Location page's translation time).
void append_epoch(std::int64_t seconds, std::string& out) {
  std::int64_t days = seconds / 86400, rem = seconds % 86400;
  if (rem < 0) rem += 86400, --days;
  std::int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  if (y < 0 || y > 9999) {  // outside what parse() produces from a 4-digit year; kept exact anyway
    char buf[128];
    const int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(y),
                                m, d, static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                                static_cast<long long>(rem % 60));
    out.append(buf, static_cast<std::size_t>(n));
    return;
  }
  const auto two = [](char* at, unsigned v) {
    at[0] = static_cast<char>('0' + v / 10);
    at[1] = static_cast<char>('0' + v % 10);
  };
  char buf[20] = {0, 0, 0, 0, '-', 0, 0, '-', 0, 0, 'T', 0, 0, ':', 0, 0, ':', 0, 0, 'Z'};
  two(buf, static_cast<unsigned>(y / 100));
  two(buf + 2, static_cast<unsigned>(y % 100));
  two(buf + 5, m);
  two(buf + 8, d);
  two(buf + 11, static_cast<unsigned>(rem / 3600));
  two(buf + 14, static_cast<unsigned>(rem / 60 % 60));
  two(buf + 17, static_cast<unsigned>(rem % 60));
  out.append(buf, sizeof buf);
}

}  // namespace

bool normalize_datetime(std::string_view in, bool strip_fraction, std::string& out) {
  auto p = parse(in);
  if (!p) return false;
  out.clear();
  // Already "YYYY-MM-DDTHH:MM:SSZ", the form nearly every peer sends: writing the parsed instant
  // back would give the same bytes when the day exists in every month and there is no leap
  // second (a "02-30" or ":60" rolls over and is written from the instant below).
  if (in.size() == 20 && in[10] == 'T' && in[16] == ':' && in[19] == 'Z' && in.substr(8, 2) <= "28" &&
      in.substr(17, 2) <= "59") {
    out.assign(in);
    return true;
  }
  append_epoch(p->seconds, out);
  if (!strip_fraction && !p->frac.empty()) {
    out.pop_back();  // 'Z'
    out.push_back('.');
    out.append(p->frac);
    out.push_back('Z');
  }
  return true;
}

std::optional<std::int64_t> epoch_seconds(std::string_view in) {
  auto p = parse(in);
  if (!p) return std::nullopt;
  return p->seconds;
}

std::string format_epoch(std::int64_t seconds) {
  std::string out;
  append_epoch(seconds, out);
  return out;
}

}  // namespace ocpi::mappings
