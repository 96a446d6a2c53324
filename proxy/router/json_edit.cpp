#include "proxy/router/json_edit.hpp"

#include <simdjson.h>

#include <algorithm>

#include "ocpi/json_writer.hpp"

namespace ocpi::proxy {

namespace dom = simdjson::dom;

namespace {

// Two parsers per thread: a merge holds two documents at once, and a DOM element is only valid
// until its parser parses again.
dom::parser& parser(int which) {
  thread_local dom::parser first, second;
  return which == 0 ? first : second;
}

bool parse(int which, std::string_view json, dom::element& out) {
  return !parser(which).parse(json.data(), json.size(), true).get(out);
}

void write_member(std::string& out, bool& first, std::string_view key, std::string_view value_json) {
  if (!first) out += ',';
  first = false;
  json_writer::append_quoted(out, key);
  out += ':';
  out += value_json;
}

bool equal(dom::element a, dom::element b) {
  using t = dom::element_type;
  const t ta = a.type(), tb = b.type();
  const auto numeric = [](t x) { return x == t::INT64 || x == t::UINT64 || x == t::DOUBLE; };
  if (numeric(ta) && numeric(tb)) {
    int64_t i = 0, j = 0;
    if (ta == t::INT64 && tb == t::INT64) return !a.get(i) && !b.get(j) && i == j;
    double x = 0, y = 0;
    return !a.get_double().get(x) && !b.get_double().get(y) && x == y;
  }
  if (ta != tb) return false;
  switch (ta) {
    case t::STRING: {
      std::string_view x, y;
      return !a.get(x) && !b.get(y) && x == y;
    }
    case t::BOOL: {
      bool x = false, y = false;
      return !a.get(x) && !b.get(y) && x == y;
    }
    case t::NULL_VALUE:
      return true;
    case t::ARRAY: {
      dom::array x, y;
      if (a.get(x) || b.get(y) || x.size() != y.size()) return false;
      auto j = y.begin();
      for (auto e : x)
        if (!equal(e, *j++)) return false;
      return true;
    }
    case t::OBJECT: {
      dom::object x, y;
      if (a.get(x) || b.get(y) || x.size() != y.size()) return false;
      for (auto f : x) {
        dom::element other;
        if (y.at_key(f.key).get(other) || !equal(f.value, other)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

}  // namespace

std::optional<std::string> string_at(std::string_view json, std::initializer_list<std::string_view> path) {
  dom::element e;
  if (!parse(0, json, e)) return std::nullopt;
  for (auto key : path)
    if (e.at_key(key).get(e)) return std::nullopt;
  std::string_view s;
  if (e.get(s)) return std::nullopt;
  return std::string(s);
}

std::optional<std::string> member_json(std::string_view object, std::string_view name) {
  dom::element e;
  if (!parse(0, object, e) || !e.is_object() || e.at_key(name).get(e)) return std::nullopt;
  return simdjson::minify(e);
}

std::optional<std::vector<std::string>> array_elements(std::string_view json) {
  dom::element e;
  dom::array a;
  if (!parse(0, json, e) || e.get(a)) return std::nullopt;
  std::vector<std::string> out;
  out.reserve(a.size());
  for (auto v : a) out.push_back(simdjson::minify(v));
  return out;
}

std::string join_array(const std::vector<std::string>& elements) {
  std::string out = "[";
  for (std::size_t i = 0; i < elements.size(); ++i) {
    if (i) out += ',';
    out += elements[i];
  }
  out += ']';
  return out;
}

std::optional<std::string> merge_members(std::string_view base, std::string_view patch, bool null_removes) {
  dom::element b, p;
  dom::object bo, po;
  if (!parse(0, base, b) || b.get(bo) || !parse(1, patch, p) || p.get(po)) return std::nullopt;
  std::string out = "{";
  bool first = true;
  auto emit = [&](std::string_view key, dom::element v) {
    if (!(null_removes && v.is_null())) write_member(out, first, key, simdjson::minify(v));
  };
  for (auto f : bo) {
    dom::element replacement;
    emit(f.key, po.at_key(f.key).get(replacement) ? f.value : replacement);
  }
  for (auto f : po) {
    dom::element ignored;
    if (bo.at_key(f.key).get(ignored)) emit(f.key, f.value);
  }
  out += '}';
  return out;
}

std::optional<std::string> with_member(std::string_view object, std::string_view name, std::string_view value_json) {
  dom::element e;
  dom::object o;
  if (!parse(0, object, e) || e.get(o)) return std::nullopt;
  std::string out = "{";
  bool first = true, placed = false;
  for (auto f : o) {
    if (f.key != name) {
      write_member(out, first, f.key, simdjson::minify(f.value));
    } else if (!value_json.empty()) {
      write_member(out, first, name, value_json);
      placed = true;
    }
  }
  if (!placed && !value_json.empty()) write_member(out, first, name, value_json);
  out += '}';
  return out;
}

bool json_equal(std::string_view a, std::string_view b) {
  dom::element x, y;
  return parse(0, a, x) && parse(1, b, y) && equal(x, y);
}

int compare_utc_timestamps(std::string_view a, std::string_view b) {
  // "YYYY-MM-DDTHH:MM:SS" compares as text; the fraction is compared as digits padded to nine.
  const auto whole = [](std::string_view s) { return s.substr(0, std::min<std::size_t>(19, s.size())); };
  if (const int c = whole(a).compare(whole(b))) return c < 0 ? -1 : 1;
  const auto fraction = [](std::string_view s) {
    std::string digits;
    if (s.size() > 19 && s[19] == '.')
      for (std::size_t i = 20; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) digits += s[i];
    digits.resize(9, '0');
    return digits;
  };
  const int c = fraction(a).compare(fraction(b));
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

}  // namespace ocpi::proxy
