#pragma once
// What Sessions and CDRs share on the legacy-CPO side (up): the owner of the object, the
// authorization map lookup, the auth_id -> cdr_token resolution of MAPPING §3.4.4, and small
// readers the end hooks need (values captured as views into the input, which stay valid for the
// whole translation).
#include <optional>
#include <string>

#include "engine/walk.hpp"

namespace ocpi::mappings::sessions {

struct cdr_token {
  std::string country_code, party_id, uid, type, contract_id;
};

// Owner of an up-converted object: the URL owner, else the legacy party (MAPPING §3.4.2, §3.5.2).
std::optional<party> up_owner(const walk& w);

// Owner of a down-converted object: the URL owner, else the object's own country_code/party_id
// captured by peek_owner() into slot[cc_slot]/slot[pid_slot].
party down_owner(const walk& w, const object_state& st, int cc_slot, int pid_slot);

// Reads the string member `key` of the object being walked without disturbing the walk (the
// object is reset afterwards). Absent, null or not a string: `out` stays empty. Only short
// values are unescaped, so a hostile document cannot exhaust the parser's string buffer.
bool peek_string(walk& w, object_state& st, std::string_view key, std::string_view& out);

// A number or a decimal inside a string (§0.2 r4), as a view into the input (stable).
bool capture_number(walk& w, od::value v, std::string_view& token);
double to_double(std::string_view token);

// The authorization map record of `reference` for this CPO (§4.1), if any.
std::optional<authorization_record> find_authorization(const walk& w, const party& cpo, std::string_view reference);

// §3.4.4 steps 1-5. `auth` is the record found for the object's authorization_id (step 2).
// Reports the derived / warned cases as losses at `field`; fails 2001 when no owner is found.
struct resolved_token {
  cdr_token token;
  bool advenir = false;
};
bool resolve_cdr_token(walk& w, std::string_view field, std::string_view auth_id,
                       const std::optional<authorization_record>& auth, resolved_token& out);
void write_cdr_token(json_writer& out, const cdr_token& t);

// The end-hook part both Session and CDR up-conversions share: `cdr_token` from auth_id (when
// given), `authorization_reference` (omitted for Advenir, §4.16) and `auth_method` (COMMAND when
// the authorization came from a relayed START_SESSION, §3.4.2). Empty views = field absent.
bool write_token_fields(walk& w, std::string_view auth_id, std::string_view auth_method, std::string_view reference,
                        const std::optional<authorization_record>& auth);

// For custom rows: true when `v` is a PATCH null, which is then reported as not clearing the
// field (§1.8.4). Returns false only on a JSON error (already reported).
bool null_value(walk& w, od::value v, bool& null);

// 2.1.1 number (excl. VAT) -> 2.2.1 Price {excl_vat} (§3.4.2, §3.5.2).
bool price_up(walk& w, std::string_view out_key, od::value v);
// 2.2.1 Price -> 2.1.1 number: excl_vat kept, incl_vat reported lost. `excl` receives the token.
bool price_down(walk& w, std::string_view out_key, od::value v, std::string_view* excl = nullptr);

}  // namespace ocpi::mappings::sessions

namespace ocpi::mappings::sessions {
// Rows both Session and CDR down-conversions use (defined in session_down.cpp).
bool cdr_token_down(walk& w, const field_rule&, od::value v, object_state&);
bool auth_method_down(walk& w, const field_rule&, od::value v, object_state&);
bool authorization_reference_down(walk& w, const field_rule&, od::value v, object_state&);
}  // namespace ocpi::mappings::sessions
