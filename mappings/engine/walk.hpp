#pragma once
// One translation in progress: the output writer, the context, the JSON path of the field being
// read (for loss reports and errors), and the generic application of a rules table.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/not_json.hpp"
#include "engine/rules.hpp"
#include "ocpi/json_writer.hpp"
#include "ocpi/mapping.hpp"

namespace ocpi::mappings {

// Loss reason for a null list in a 2.2.1 PATCH (walk.cpp explains the rule); shared with custom rows.
inline constexpr std::string_view null_list_in_221_patch =
    "null in a 2.2.1 PATCH is no list value: left unchanged, [] empties a list (1.8.4)";


// Per-object scratch space the hooks and custom rules of one table share.
struct object_state {
  const object_rules* rules = nullptr;
  od::object* obj = nullptr;     // the input object, for begin hooks that pre-read a key
  object_state* parent = nullptr;
  std::uint64_t seen = 0;        // bit i = fields[i] was present (null counts as absent)
  json_writer::mark start{};
  bool drop = false;             // remove this object from the output (reported by the setter)
  std::uint32_t flags = 0;       // module-defined
  std::array<std::string_view, 8> slot{};  // module-defined captures (views into the input)
  int count = 0;                 // module-defined counter (e.g. connectors written)

  bool has(std::string_view in) const noexcept;
};

class walk {
 public:
  walk(const translate_request& req, mapping_context& ctx, json_writer& out, translation& result)
      : req(req), ctx(ctx), out(out), result_(result) {}

  const translate_request& req;
  mapping_context& ctx;
  json_writer& out;

  bool patch() const noexcept { return req.shape == input_shape::patch; }
  const mapping_options& opts() const { return ctx.options(); }

  // --- path ------------------------------------------------------------------------------
  void push(std::string_view key) { path_.push_back({key, -1}); }
  void push(std::size_t index) { path_.push_back({{}, static_cast<long>(index)}); }
  void pop() { path_.pop_back(); }
  std::string path(std::string_view leaf = {}) const;
  void append_path(std::string& out, std::string_view leaf) const;

  // --- reporting -------------------------------------------------------------------------
  // Records a loss at `field` under the current path; the reason is the pieces, concatenated
  // (pieces rather than one string: no temporary strings on the hot path, see loss_report).
  void lost(loss_kind k, std::string_view field, std::string_view reason, std::string_view r2 = {},
            std::string_view r3 = {}, std::string_view r4 = {}, std::string_view r5 = {},
            std::string_view r6 = {});
  // Records the refusal and returns false, so rules can `return w.fail(...)`.
  bool fail(int status_code, std::string_view field, std::string message);
  bool fail_json(std::string_view field, simdjson::error_code ec);  // type/syntax errors
  bool failed() const noexcept { return result_.err.has_value(); }
  translation& result() noexcept { return result_; }

  // --- generic application ---------------------------------------------------------------
  // Walks `value` as an object with `rules`, writing it under the current key (or as an array
  // element). Returns false on error; `dropped` (optional) reports a rule dropped the object.
  bool object(od::value value, const object_rules& rules, object_state* parent = nullptr,
              bool* dropped = nullptr);
  bool object(od::object obj, const object_rules& rules, object_state* parent, bool* dropped);
  // Walks an array of objects; `written` receives how many elements were kept.
  bool object_array(od::value value, const object_rules& rules, object_state* parent,
                    int* written = nullptr);
  // Applies one row to a present, non-null value (the key is not yet written).
  bool apply(const field_rule& rule, od::value value, object_state& st);
  // A 2.2.1 PATCH body without `last_updated`: refused (2001), or reported when the peer's quirk
  // allows it. Returns false on refusal.
  bool patch_last_updated_down(const object_rules& rules, const object_state& st);

  // --- typed readers: each reports a type error at `field` and returns false ---------------
  bool read_string(od::value& v, std::string_view field, std::string_view& s);
  bool read_bool(od::value& v, std::string_view field, bool& b);
  bool read_int(od::value& v, std::string_view field, std::int64_t& i);
  // A JSON number, or a decimal inside a string: `token` receives JSON number text to write.
  bool read_number(od::value& v, std::string_view field, std::string_view& token, std::string& scratch);

  // Calls fn(key, value) for every non-null member of the object `v`, with the key pushed on the
  // path while fn runs (for custom rows that read a sub-object by hand). Stops at the first false.
  template <typename Fn>
  bool each_member(od::value v, Fn&& fn) {
    od::object obj;
    if (auto ec = v.get_object().get(obj)) return fail_json({}, ec);
    for (auto f : obj) {
      std::string_view k;
      if (auto ec = f.unescaped_key().get(k)) return fail_json({}, ec);
      od::value fv = f.value();
      bool null = false;
      if (auto ec = fv.is_null().get(null)) return fail_json(k, ec);
      if (null) continue;
      push(k);
      const bool ok = fn(k, fv);
      pop();
      if (!ok) return false;
    }
    return true;
  }

  // Copies a value of any type to the output, dropping nulls inside objects (§0.2 r1). Used for
  // sub-objects both versions define identically but whose content must still be validated.
  bool copy_value(od::value v, std::string_view field);

 private:
  struct segment {
    std::string_view key;
    long index;
  };
  std::vector<segment> path_;
  translation& result_;
  std::string scratch_;
};

// A parser for cached objects (context lookups): a second, thread-local parser that never
// disturbs the document the walker is iterating. The caches hand the same text over again and
// again (every Session and CDR of a Location brings its cached Location): the DOMs of the last
// few texts parsed are kept and handed back when the bytes are the same. The bytes are compared
// in full, never by address or hash, so a cached object that changed is always parsed again.
class side_parser {
 public:
  static constexpr std::size_t ways = 4;

  // Parses `json` (copied into a padded buffer owned by this object) as a DOM element, or finds
  // it among the texts kept. `root` stays valid until `ways` other texts have been parsed.
  simdjson::error_code parse(std::string_view json, simdjson::dom::element& root);

 private:
  struct entry {
    std::string text;  // empty: unused (an empty text is not JSON, never kept)
    simdjson::dom::parser parser;
    simdjson::dom::element root;
  };
  std::array<entry, ways> entries_;
  std::size_t next_ = 0;  // the entry the next new text replaces (oldest first)
};

}  // namespace ocpi::mappings
