#pragma once
// The project's own JSON output: appends to a caller-owned std::string, inserts commas itself, and
// can roll back a partially written element (a connector the down-conversion decides to drop after
// it started writing it). Debian's simdjson 3.0.1 has no string builder; this is ours.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace ocpi {

class json_writer {
 public:
  explicit json_writer(std::string& out) : out_(out) {}

  // A point to return to with rollback(): the output size and the comma state at that moment.
  struct mark {
    std::size_t size;
    bool need_comma;
  };

  void begin_object() { separate(); out_.push_back('{'); need_comma_ = false; }
  void end_object() { out_.push_back('}'); need_comma_ = true; }
  void begin_array() { separate(); out_.push_back('['); need_comma_ = false; }
  void end_array() { out_.push_back(']'); need_comma_ = true; }

  // Writes `"name":`. The next value call must follow; it will not add a comma.
  void key(std::string_view name) {
    separate();
    write_quoted(name);
    out_.push_back(':');
    need_comma_ = false;
  }

  void string(std::string_view s) { separate(); write_quoted(s); need_comma_ = true; }

  // key() and string() for text that cannot need an escape (no quote, backslash or control
  // character): the names of the rules tables, enum values from the tables, normalised DateTimes.
  // The escape scan is skipped; the caller vouches for the text.
  void plain_key(std::string_view name) {
    // One append of `,"name":` assembled on the stack: the pieces one by one cost a capacity
    // check and a copy each, and a key is written for nearly every member.
    char buf[64];
    if (name.size() > sizeof buf - 4) {
      separate();
      out_.push_back('"');
      out_.append(name);
      out_.append("\":", 2);
    } else {
      char* p = buf;
      if (need_comma_) *p++ = ',';
      *p++ = '"';
      std::memcpy(p, name.data(), name.size());
      p += name.size();
      *p++ = '"';
      *p++ = ':';
      out_.append(buf, static_cast<std::size_t>(p - buf));
    }
    need_comma_ = false;
  }
  void plain_string(std::string_view s) {
    separate();
    out_.push_back('"');
    out_.append(s);
    out_.push_back('"');
    need_comma_ = true;
  }
  void boolean(bool b) { separate(); out_.append(b ? "true" : "false"); need_comma_ = true; }
  void null() { separate(); out_.append("null"); need_comma_ = true; }
  void integer(std::int64_t v);
  void number(double v);
  // Already-valid JSON text (a number token, or a verbatim subtree copied from the input).
  void raw(std::string_view json) { separate(); out_.append(json); need_comma_ = true; }

  void field(std::string_view name, std::string_view s) { key(name); string(s); }
  void field_raw(std::string_view name, std::string_view json) { key(name); raw(json); }
  void field(std::string_view name, bool b) { key(name); boolean(b); }
  // Without this, field("k", "literal") would pick the bool overload (pointer -> bool).
  void field(std::string_view name, const char* s) { key(name); string(s); }

  mark position() const noexcept { return {out_.size(), need_comma_}; }
  void rollback(mark m) { out_.resize(m.size); need_comma_ = m.need_comma; }
  bool empty() const noexcept { return out_.empty(); }
  std::string& buffer() noexcept { return out_; }

  // Appends `s` as a JSON string literal (quotes and escapes) to any string.
  static void append_quoted(std::string& out, std::string_view s);

 private:
  void separate() {
    if (need_comma_) out_.push_back(',');
  }
  void write_quoted(std::string_view s) { append_quoted(out_, s); }

  std::string& out_;
  bool need_comma_ = false;
};

}  // namespace ocpi
