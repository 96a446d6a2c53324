#pragma once
// Custom rows for the identifiers Tokens and Commands carry (MAPPING §1.9, §4.1, §4.6): 2.1.1
// string(39) ids that are CiString(36) in 2.2.1, Location ids exposed to legacy eMSPs, and the
// Gireve `authorization_id` that may be longer than 2.2.1's `authorization_reference`.
#include <string_view>

#include "engine/walk.hpp"

namespace ocpi::mappings::tokens {

// A PATCH `null` reaching a custom row of a scalar: reported like the walker does (§1.8.4).
// Returns true when `v` was null (the caller returns true at once).
bool patch_null(walk& w, od::value& v);

// up, 2.1.1 string(39) -> CiString(36): >36 follows `ids.long_id_policy` (§1.9).
bool long_id_up(walk& w, const field_rule& r, od::value v, object_state& st);
bool long_id_array_up(walk& w, const field_rule& r, od::value v, object_state& st);
// down, CiString(36): a hashed id the proxy issued is restored toward the legacy side (§1.9).
bool id_down(walk& w, const field_rule& r, od::value v, object_state& st);
bool id_array_down(walk& w, const field_rule& r, od::value v, object_state& st);
// up, Gireve `authorization_id` -> `authorization_reference`: >36 replaced by a hash (§4.1).
bool authorization_id_up(walk& w, const field_rule& r, od::value v, object_state& st);
// down: false, and the loss reported, when the receiving legacy party does not take Gireve's
// 2.1.1 `authorization_id` extension (`[[legacy]] authorization_id_extension = false`, §4.1):
// strict 2.1.1 stacks refuse unknown fields.
bool authorization_id_wanted(walk& w);
// down, `authorization_reference` -> Gireve `authorization_id` (AuthorizationInfo, StartSession).
bool authorization_reference_down(walk& w, const field_rule& r, od::value v, object_state& st);
// up, command `location_id`: exposed id -> owner id via the id map; unknown -> 2003 (§4.6).
// Captures the exposed id in st.slot[0].
bool exposed_location_id_up(walk& w, const field_rule& r, od::value v, object_state& st);

// Write `key: value` (or an array element when `key` is empty) applying the rules above; `field`
// names the offending field in an error.
bool write_long_id_up(walk& w, std::string_view field, std::string_view key, std::string_view id);
bool write_id_down(walk& w, std::string_view field, std::string_view key, std::string_view id);

}  // namespace ocpi::mappings::tokens
