#pragma once
// Small reads and edits of JSON texts the flows need around a translation: a nested string, the
// elements of an array, a shallow merge of two objects (PATCH bases, MAPPING §3.4.6 and §3.6.6),
// value equality. Only for what the mappings cannot do because it needs cached state; untouched
// values are re-serialised minified, which keeps their value (MAPPING §0.2 rule 4) but not their
// lexical form.
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocpi::proxy {

// The string at `path` (a chain of object members); nullopt when absent, not a string or not JSON.
std::optional<std::string> string_at(std::string_view json, std::initializer_list<std::string_view> path);

// The minified text of one top-level member of an object; nullopt when absent or not an object.
std::optional<std::string> member_json(std::string_view object, std::string_view name);

// The minified text of each element of an array; nullopt when `json` is not an array.
std::optional<std::vector<std::string>> array_elements(std::string_view json);
std::string join_array(const std::vector<std::string>& elements);

// Top-level members of `patch` replace those of `base` (in base's order); members only in `patch`
// follow. A `null` in the patch removes the member when `null_removes`, else it is kept as null.
// nullopt when either text is not a JSON object.
std::optional<std::string> merge_members(std::string_view base, std::string_view patch, bool null_removes);

// `object` with one member set to the raw JSON `value_json` (replaced or appended), or removed when
// `value_json` is empty; nullopt when `object` is not a JSON object.
std::optional<std::string> with_member(std::string_view object, std::string_view name, std::string_view value_json);

// JSON value equality: member order ignored, array order kept, numbers compared by value.
// Invalid JSON on either side compares unequal.
bool json_equal(std::string_view a, std::string_view b);

// Orders two RFC 3339 UTC timestamps with `Z` ("2020-01-17T10:00:00Z", ".5Z", ".500Z"): <0, 0, >0.
// The translations emit this form; comparing the text directly would put ".000Z" before "Z".
int compare_utc_timestamps(std::string_view a, std::string_view b);

}  // namespace ocpi::proxy
