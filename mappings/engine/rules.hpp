#pragma once
// The table a module's mapping is written in. One row per source field says where it goes and how
// its value crosses; the walker (walk.hpp) applies a table in one pass over the input object.
// A `custom` row is the escape hatch for structural changes; `begin`/`end` hooks emit fields the
// source does not carry (country_code from the URL, defaults) and may drop the whole object.
#include <cstdint>
#include <span>
#include <string_view>

#include <simdjson.h>

namespace ocpi::mappings {

class walk;
struct object_state;
struct field_rule;

namespace od = simdjson::ondemand;

enum class kind : std::uint8_t {
  string,        // JSON string, `max_len` bytes at most: longer is refused (identifiers, §0.2 r7)
  text,          // human-readable string: longer than `max_len` (the target's limit) is truncated at a
                 // UTF-8 boundary and reported when the source version allows it (`source_max_len`);
                 // longer than the source version's own limit is refused (issue 13)
  integer,       // JSON integer (an integral float like 220.0 is accepted and written as 220)
  number,        // JSON number; a decimal inside a string ("2.00", §0.2 r4) is written as a number
  boolean,
  datetime,      // normalised to UTC with `Z` (§0.2 r5)
  enumeration,   // string mapped through `enums`; a value mapped to "" has no counterpart: dropped
  object,        // nested object walked with `sub`
  object_array,  // array of objects walked with `sub`; elements a rule drops are left out
  string_array,  // array of strings (max_len applies to each)
  enum_array,    // array of enum strings; values without counterpart are dropped from the array
  verbatim,      // copied byte for byte (signed data must never be re-encoded, §3.5.6)
  drop,          // a known field with no counterpart: removed and reported
  custom,        // `fn` does everything
};

struct enum_value {
  std::string_view from;
  std::string_view to;  // empty: the value has no counterpart in the target version
};

struct enum_map {
  std::string_view name;  // the enum's name in the target version, for messages
  std::span<const enum_value> values;
  const enum_value* find(std::string_view v) const noexcept {
    for (const auto& e : values)
      if (e.from == v) return &e;
    return nullptr;
  }
};

using custom_fn = bool (*)(walk& w, const field_rule& rule, od::value value, object_state& st);
using hook_fn = bool (*)(walk& w, object_state& st);

struct object_rules;

struct field_rule {
  std::string_view in;        // key in the source object
  std::string_view out = {};  // key in the target object; empty = same as `in`
  kind k = kind::string;
  bool required = false;      // mandatory in the source version (not checked on PATCH bodies)
  std::uint16_t max_len = 0;  // 0 = unbounded
  // kind::text: the source version's string(n) when it is longer than the target's (`max_len`),
  // e.g. Location `address` 2.2.1 string(255) -> 2.1.1 string(45). 0 = the same limit as the target.
  std::uint16_t source_max_len = 0;
  const enum_map* enums = nullptr;
  const object_rules* sub = nullptr;
  custom_fn fn = nullptr;
  std::string_view section = {};  // the MAPPING section this row implements ("3.1.4")

  std::string_view target() const noexcept { return out.empty() ? in : out; }
};

struct object_rules {
  std::string_view name;  // "Connector (2.1.1 -> 2.2.1)"
  std::span<const field_rule> fields;
  hook_fn begin = nullptr;  // after '{' is written; st.obj is the input object (may be re-read)
  hook_fn end = nullptr;    // before '}' is written; sees which fields were present in st.seen
};

}  // namespace ocpi::mappings
