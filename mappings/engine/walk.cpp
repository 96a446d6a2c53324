#include "engine/walk.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "common/datetime.hpp"
#include "common/json_escape.hpp"
#include "common/text.hpp"

namespace ocpi::mappings {

namespace {
constexpr int max_copy_depth = 32;  // OCPI objects nest 5 deep; anything deeper is hostile

std::string_view type_name(od::json_type t) {
  switch (t) {
    case od::json_type::array: return "an array";
    case od::json_type::object: return "an object";
    case od::json_type::number: return "a number";
    case od::json_type::string: return "a string";
    case od::json_type::boolean: return "a boolean";
    case od::json_type::null: return "null";
  }
  return "a value";
}
}  // namespace

bool object_state::has(std::string_view in) const noexcept {
  for (std::size_t i = 0; i < rules->fields.size(); ++i)
    if (rules->fields[i].in == in) return (seen >> i) & 1U;
  return false;
}

std::string walk::path(std::string_view leaf) const {
  std::string p;
  append_path(p, leaf);
  return p;
}

void walk::append_path(std::string& p, std::string_view leaf) const {
  const std::size_t start = p.size();
  for (const auto& s : path_) {
    if (s.index >= 0) {
      char buf[24];
      buf[0] = '[';
      char* end = std::to_chars(buf + 1, buf + sizeof buf - 1, s.index).ptr;
      *end++ = ']';
      p.append(buf, end);
    } else {
      if (p.size() != start) p += '.';
      p += s.key;
    }
  }
  if (!leaf.empty()) {
    if (p.size() != start) p += '.';
    p += leaf;
  }
}

void walk::lost(loss_kind k, std::string_view field, std::string_view reason, std::string_view r2,
                std::string_view r3, std::string_view r4, std::string_view r5, std::string_view r6) {
  loss_report& report = result_.losses;
  std::string& text = report.text();
  const std::size_t path_begin = text.size();
  append_path(text, field);
  const std::size_t reason_begin = text.size();
  text.append(reason).append(r2).append(r3).append(r4).append(r5).append(r6);
  report.add(path_begin, reason_begin, k);
}

bool walk::fail(int status_code, std::string_view field, std::string message) {
  if (!result_.err) result_.err = error{status_code, 200, path(field), std::move(message)};
  return false;
}

bool walk::fail_json(std::string_view field, simdjson::error_code ec) {
  using simdjson::error_code;
  switch (ec) {
    case error_code::INCORRECT_TYPE: return fail(status::invalid_parameters, field, "wrong type");
    case error_code::NUMBER_OUT_OF_RANGE:
    case error_code::UTF8_ERROR: return fail(status::invalid_parameters, field, "invalid UTF-8");
    case error_code::DEPTH_ERROR: return fail(status::invalid_parameters, field, "nesting too deep");
    case error_code::SCALAR_DOCUMENT_AS_VALUE:
      return fail(status::invalid_parameters, field, "expected a JSON object or array, got a single value");
    default:
      if (!result_.err) result_.err = error{status::client_error, 400, path(field), not_json_message(ec)};
      return false;
  }
}

std::string not_json_message(simdjson::error_code ec, std::string_view text) {
  // simdjson's own messages are written for programmers ("Use get_bool() ... on the document");
  // the caller needs to know what is wrong with what it sent (issue 13 item 14).
  using simdjson::error_code;
  const auto first = text.find_first_not_of(" \t\r\n");
  if (ec == error_code::EMPTY || (!text.empty() && first == std::string_view::npos))
    return "body is empty: expected JSON";
  std::string m = "body is not JSON";
  if (first != std::string_view::npos && text[first] == '<') return m + " (it starts with '<': HTML or XML?)";
  switch (ec) {
    case error_code::UNCLOSED_STRING:
    case error_code::INCOMPLETE_ARRAY_OR_OBJECT: return m + " (it ends inside a string, object or array: truncated?)";
    case error_code::TAPE_ERROR:
    case error_code::TRAILING_CONTENT: {
      // Two documents, or a valid one followed by garbage, fail as a structure error: say where
      // the extra content starts (cold path: the copy gives parse_many its padding).
      const simdjson::padded_string copy(text);
      simdjson::dom::parser many;
      simdjson::dom::document_stream docs;
      const std::size_t batch = std::max(text.size() + 1, simdjson::dom::DEFAULT_BATCH_SIZE);
      if (!text.empty() && !many.parse_many(copy, batch).get(docs)) {
        auto it = docs.begin();
        if (it != docs.end() && !(*it).error() && ++it != docs.end())
          return m + " (content after the JSON value at byte " + std::to_string(it.current_index()) + ")";
      }
      return m + " (malformed: check quotes, commas and brackets)";
    }
    case error_code::UTF8_ERROR: return m + " (invalid UTF-8)";
    case error_code::UNESCAPED_CHARS: return m + " (a string contains an unescaped control character)";
    case error_code::STRING_ERROR: return m + " (a string has an invalid escape or an unpaired UTF-16 surrogate)";
    case error_code::T_ATOM_ERROR:
    case error_code::F_ATOM_ERROR:
    case error_code::N_ATOM_ERROR: return m + " (a word that is not true, false or null)";
    case error_code::NUMBER_ERROR: return m + " (a malformed number)";
    default: return m + " (malformed: check quotes, commas and brackets)";
  }
}

bool walk::read_string(od::value& v, std::string_view field, std::string_view& s) {
  if (auto ec = v.get_string().get(s)) {
    od::json_type t;
    if (ec == simdjson::INCORRECT_TYPE && !v.type().get(t))
      return fail(status::invalid_parameters, field, std::string("expected a string, got ") + std::string(type_name(t)));
    return fail_json(field, ec);
  }
  return true;
}

bool walk::read_bool(od::value& v, std::string_view field, bool& b) {
  if (auto ec = v.get_bool().get(b)) return fail_json(field, ec);
  return true;
}

bool walk::read_int(od::value& v, std::string_view field, std::int64_t& i) {
  od::json_type t;
  if (auto ec = v.type().get(t)) return fail_json(field, ec);
  if (t != od::json_type::number) return fail(status::invalid_parameters, field, "expected an integer");
  if (!v.get_int64().get(i)) return true;
  double d;
  if (auto ec = v.get_double().get(d)) return fail_json(field, ec);
  if (d != std::floor(d) || std::fabs(d) > 9.0e15) return fail(status::invalid_parameters, field, "expected an integer");
  i = static_cast<std::int64_t>(d);
  return true;
}

bool walk::read_number(od::value& v, std::string_view field, std::string_view& token, std::string& scratch) {
  od::json_type t;
  if (auto ec = v.type().get(t)) return fail_json(field, ec);
  if (t == od::json_type::string) {  // "2.00": accepted from lenient 2.1.1 stacks (§0.2 r4)
    std::string_view s;
    if (!read_string(v, field, s)) return false;
    s = trim(s);
    if (!is_json_decimal(s)) return fail(status::invalid_parameters, field, "expected a number");
    scratch.assign(s);
    token = scratch;
    return true;
  }
  if (t != od::json_type::number) return fail(status::invalid_parameters, field, "expected a number");
  double d;
  if (auto ec = v.get_double().get(d)) return fail_json(field, ec);
  if (!std::isfinite(d)) return fail(status::invalid_parameters, field, "number out of range");
  token = trim(v.raw_json_token());
  return true;
}

bool walk::copy_value(od::value v, std::string_view field) {
  if (path_.size() > max_copy_depth) return fail(status::invalid_parameters, field, "nesting too deep");
  od::json_type t;
  if (auto ec = v.type().get(t)) return fail_json(field, ec);
  switch (t) {
    case od::json_type::object: {
      od::object obj;
      if (auto ec = v.get_object().get(obj)) return fail_json(field, ec);
      push(field);
      out.begin_object();
      for (auto f : obj) {
        std::string_view k;
        if (auto ec = f.unescaped_key().get(k)) { pop(); return fail_json(field, ec); }
        od::value fv = f.value();
        bool null = false;
        if (auto ec = fv.is_null().get(null)) { pop(); return fail_json(k, ec); }
        if (null) continue;
        out.key(k);
        if (!copy_value(fv, k)) { pop(); return false; }
      }
      out.end_object();
      pop();
      return true;
    }
    case od::json_type::array: {
      od::array arr;
      if (auto ec = v.get_array().get(arr)) return fail_json(field, ec);
      push(field);
      out.begin_array();
      std::size_t i = 0;
      for (auto e : arr) {
        od::value ev;
        if (auto ec = e.get(ev)) { pop(); return fail_json({}, ec); }
        push(i++);
        const bool ok = copy_value(ev, {});
        pop();
        if (!ok) { pop(); return false; }
      }
      out.end_array();
      pop();
      return true;
    }
    case od::json_type::string: {
      std::string_view s;
      if (!read_string(v, field, s)) return false;
      out.string(s);
      return true;
    }
    case od::json_type::number: {
      std::string_view tok;
      if (!read_number(v, field, tok, scratch_)) return false;
      out.raw(tok);
      return true;
    }
    case od::json_type::boolean: {
      bool b;
      if (!read_bool(v, field, b)) return false;
      out.boolean(b);
      return true;
    }
    case od::json_type::null: out.null(); return true;
  }
  return true;
}

bool walk::apply(const field_rule& r, od::value v, object_state& st) {
  const std::string_view f = r.in;
  switch (r.k) {
    case kind::drop:
      lost(loss_kind::dropped, f, "no counterpart in the target version (", r.section, ")");
      return true;
    case kind::custom: return r.fn(*this, r, v, st);
    case kind::string:
    case kind::text: {
      // A string with nothing to escape crosses byte for byte (the whole document's UTF-8 was
      // validated by the parser): no unescaping into the parser's buffer, no re-escaping.
      const std::string_view tok = v.raw_json_token();  // "..." plus any spaces after it
      const std::size_t close = tok.find_last_of('"');
      if (close != std::string_view::npos && close > 0 && tok[0] == '"') {
        const std::string_view body = tok.substr(1, close - 1);
        if ((!r.max_len || body.size() <= r.max_len) && first_escape(body) == body.size()) {
          out.plain_key(r.target());
          out.raw(tok.substr(0, close + 1));
          return true;
        }
      }
      std::string_view s;
      if (!read_string(v, f, s)) return false;
      if (r.max_len && s.size() > r.max_len) {
        if (r.k == kind::string)
          return fail(status::invalid_parameters, f, "longer than " + std::to_string(r.max_len) + " characters");
        // Longer than the sender's own version allows: invalid input, not a difference between the
        // versions. Truncating it would forward another value (an issuer, a visual number, an
        // address) as if the owner had sent it; the owner must fix it (0.2 r7, 1.9).
        const std::size_t source_limit = std::max(r.max_len, r.source_max_len);
        if (utf8_length(s) > source_limit)
          return fail(status::invalid_parameters, f,
                      "longer than " + std::to_string(source_limit) + " characters, the limit of this field");
        s = utf8_prefix(s, r.max_len);
        char n[8];
        const char* n_end = std::to_chars(n, n + sizeof n, r.max_len).ptr;
        lost(loss_kind::truncated, f, "truncated to ", {n, n_end}, " bytes (", r.section, ")");
      }
      out.plain_key(r.target());
      out.string(s);
      return true;
    }
    case kind::integer: {
      std::int64_t i;
      if (!read_int(v, f, i)) return false;
      out.plain_key(r.target());
      out.integer(i);
      return true;
    }
    case kind::number: {
      std::string_view tok;
      if (!read_number(v, f, tok, scratch_)) return false;
      out.plain_key(r.target());
      out.raw(tok);
      return true;
    }
    case kind::boolean: {
      bool b;
      if (!read_bool(v, f, b)) return false;
      out.plain_key(r.target());
      out.boolean(b);
      return true;
    }
    case kind::datetime: {
      std::string_view s;
      if (!read_string(v, f, s)) return false;
      const bool strip = req.dir == direction::down && opts().time_strip_fraction_for_211;
      if (!normalize_datetime(s, strip, scratch_)) return fail(status::invalid_parameters, f, "not a valid DateTime");
      out.plain_key(r.target());
      out.plain_string(scratch_);  // digits, -, :, T, . and Z only
      return true;
    }
    case kind::enumeration: {
      std::string_view s;
      if (!read_string(v, f, s)) return false;
      const enum_value* e = r.enums->find(s);
      if (!e) return fail(status::invalid_parameters, f, "'" + std::string(s) + "' is not a valid " + std::string(r.enums->name));
      if (e->to.empty()) {
        lost(loss_kind::dropped, f, "value ", s, " has no counterpart (", r.section, ")");
        return true;
      }
      out.plain_key(r.target());
      out.plain_string(e->to);
      return true;
    }
    case kind::object: {
      const auto before_key = out.position();
      out.plain_key(r.target());
      push(f);
      bool dropped = false;
      const bool ok = object(v, *r.sub, &st, &dropped);
      pop();
      if (ok && dropped) out.rollback(before_key);  // the key goes with its object
      return ok;
    }
    case kind::object_array: {
      out.plain_key(r.target());
      push(f);
      const bool ok = object_array(v, *r.sub, &st);
      pop();
      return ok;
    }
    case kind::string_array:
    case kind::enum_array: {
      od::array arr;
      if (auto ec = v.get_array().get(arr)) return fail_json(f, ec);
      out.plain_key(r.target());
      out.begin_array();
      push(f);
      std::size_t i = 0;
      for (auto e : arr) {
        od::value ev;
        if (auto ec = e.get(ev)) { pop(); return fail_json({}, ec); }
        push(i++);
        std::string_view s;
        if (!read_string(ev, {}, s)) { pop(); pop(); return false; }
        if (r.k == kind::enum_array) {
          const enum_value* en = r.enums->find(s);
          if (!en) {
            const bool ok = fail(status::invalid_parameters, {}, "'" + std::string(s) + "' is not a valid " + std::string(r.enums->name));
            pop(); pop();
            return ok;
          }
          if (en->to.empty())
            lost(loss_kind::dropped, {}, "value ", s, " has no counterpart (", r.section, ")");
          else
            out.plain_string(en->to);
        } else {
          if (r.max_len && s.size() > r.max_len) {
            const bool ok = fail(status::invalid_parameters, {}, "longer than " + std::to_string(r.max_len) + " characters");
            pop(); pop();
            return ok;
          }
          out.string(s);
        }
        pop();
      }
      pop();
      out.end_array();
      return true;
    }
    case kind::verbatim: {
      od::json_type t;
      if (auto ec = v.type().get(t)) return fail_json(f, ec);
      std::string_view raw;
      simdjson::error_code ec = simdjson::SUCCESS;  // a scalar is copied as its token: no error
      if (t == od::json_type::object) {
        od::object o;
        ec = v.get_object().get(o);
        if (!ec) ec = o.raw_json().get(raw);
      } else if (t == od::json_type::array) {
        od::array a;
        ec = v.get_array().get(a);
        if (!ec) ec = a.raw_json().get(raw);
      } else {
        raw = v.raw_json_token();
      }
      if (ec) return fail_json(f, ec);
      out.plain_key(r.target());
      out.raw(trim(raw));
      return true;
    }
  }
  return true;
}

bool walk::object(od::value value, const object_rules& rules, object_state* parent, bool* dropped) {
  od::object obj;
  if (auto ec = value.get_object().get(obj)) {
    od::json_type t;
    if (ec == simdjson::INCORRECT_TYPE && !value.type().get(t))
      return fail(status::invalid_parameters, {}, std::string("expected an object, got ") + std::string(type_name(t)));
    return fail_json({}, ec);
  }
  return object(obj, rules, parent, dropped);
}

bool walk::object(od::object obj, const object_rules& rules, object_state* parent, bool* dropped) {
  object_state st;
  st.rules = &rules;
  st.obj = &obj;
  st.parent = parent;
  st.start = out.position();
  out.begin_object();
  if (rules.begin && !rules.begin(*this, st)) return false;
  const std::size_t n_fields = rules.fields.size();
  std::size_t next = 0;  // members mostly come in table (spec) order: look there first
  for (auto field : obj) {
    std::string_view key;
    if (auto ec = field.unescaped_key().get(key)) return fail_json({}, ec);
    std::size_t idx = next;
    if (idx >= n_fields || rules.fields[idx].in != key) {
      idx = 0;
      while (idx < n_fields && rules.fields[idx].in != key) ++idx;
    }
    if (idx == n_fields) {
      // §0.2 r3: never copied blindly across versions (metric unknown_field_dropped).
      lost(loss_kind::dropped, key, "unknown field in ", rules.name, " (0.2)");
      continue;
    }
    next = idx + 1;
    const auto bit = std::uint64_t{1} << idx;
    if (st.seen & bit) return fail(status::invalid_parameters, key, "duplicate key");
    od::value v = field.value();
    bool null = false;
    if (auto ec = v.is_null().get(null)) return fail_json(key, ec);
    const field_rule& r = rules.fields[idx];
    if (null) {
      if (patch() && r.k != kind::drop) {
        const bool list = r.k == kind::object_array || r.k == kind::string_array || r.k == kind::enum_array;
        if (r.k == kind::custom) {
          st.seen |= bit;
          push(key);
          const bool ok = r.fn(*this, r, v, st);
          pop();
          if (!ok) return false;
        } else if (list && req.dir == direction::up) {
          // §1.8.4: a 2.1.1 PATCH replaces fields, and a null list there means "now empty".
          st.seen |= bit;
          out.plain_key(r.target());
          out.begin_array();
          out.end_array();
        } else if (list) {
          // 2.2.1 gives null no meaning in a PATCH: fields left out stay unchanged, and a list is
          // emptied with `[]` (a PUT restores defaults). Writing `[]` toward 2.1.1 would clear
          // the receiver's list on a value the sender never stated: dropped and reported.
          lost(loss_kind::dropped, key, null_list_in_221_patch);
        } else {
          // A scalar cannot be cleared by a PATCH in 2.2.1. Not marked as seen: a null
          // `last_updated` is a missing one.
          lost(loss_kind::dropped, key, "null in a PATCH cannot clear a field (1.8.4)");
        }
      }
      continue;  // §0.2 r1: null = absent
    }
    st.seen |= bit;
    if (r.k == kind::custom) push(key);
    const bool ok = apply(r, v, st);
    if (r.k == kind::custom) pop();
    if (!ok) return false;
  }
  if (!patch()) {
    for (std::size_t i = 0; i < rules.fields.size(); ++i) {
      const auto& r = rules.fields[i];
      if (r.required && !((st.seen >> i) & 1U))
        return fail(status::invalid_parameters, r.in, "missing mandatory field (" + std::string(r.section) + ")");
    }
  } else if (req.dir == direction::down && path_.empty() && !patch_last_updated_down(rules, st)) {
    return false;
  }
  if (rules.end && !rules.end(*this, st)) return false;
  if (st.drop) {
    out.rollback(st.start);
    if (dropped) *dropped = true;
    return true;
  }
  out.end_object();
  return true;
}

bool walk::patch_last_updated_down(const object_rules& rules, const object_state& st) {
  // 2.2.1 Locations, Sessions and Tokens: "Any request to the PATCH method SHALL contain the
  // `last_updated` field", and status 2001 names exactly this case. Only the body's own object:
  // the objects a PATCH carries (evses, connectors) are whole objects with their own.
  for (std::size_t i = 0; i < rules.fields.size(); ++i) {
    if (rules.fields[i].in != "last_updated" || ((st.seen >> i) & 1U)) continue;
    if (!req.accept_patch_without_last_updated)
      return fail(status::invalid_parameters, "last_updated", "missing in a PATCH: mandatory in 2.2.1 (1.8.4)");
    lost(loss_kind::warning, "last_updated",
         "PATCH without last_updated accepted from this peer (iop.accept_patch_without_last_updated, 1.8.4)");
  }
  return true;
}

bool walk::object_array(od::value value, const object_rules& rules, object_state* parent, int* written) {
  od::array arr;
  if (auto ec = value.get_array().get(arr)) return fail_json({}, ec);
  out.begin_array();
  std::size_t i = 0;
  int kept = 0;
  for (auto e : arr) {
    od::value ev;
    if (auto ec = e.get(ev)) return fail_json({}, ec);
    push(i++);
    bool dropped = false;
    const bool ok = object(ev, rules, parent, &dropped);
    pop();
    if (!ok) return false;
    if (!dropped) ++kept;
  }
  out.end_array();
  if (written) *written = kept;
  return true;
}

simdjson::error_code side_parser::parse(std::string_view json, simdjson::dom::element& root) {
  for (const auto& e : entries_)
    if (!e.text.empty() && e.text == json) {
      root = e.root;
      return simdjson::SUCCESS;
    }
  entry& e = entries_[next_];
  e.text.clear();
  if (auto ec = e.parser.parse(json.data(), json.size(), true).get(e.root)) return ec;
  next_ = (next_ + 1) % ways;
  e.text.assign(json);
  root = e.root;
  return simdjson::SUCCESS;
}

}  // namespace ocpi::mappings
