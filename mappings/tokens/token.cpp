// Token, MAPPING §3.2.2 (+ §4.2 issuer emulation, §4.9 RFID uid format, §1.8.4 PATCH).
#include <array>

#include "common/enums.hpp"
#include "common/text.hpp"
#include "tokens/entries.hpp"
#include "tokens/id_rules.hpp"
#include "tokens/token_rules.hpp"

namespace ocpi::mappings::tokens {

namespace {

#define SAME(v) enum_value{v, v}
constexpr std::array whitelist_values{SAME("ALWAYS"), SAME("ALLOWED"), SAME("ALLOWED_OFFLINE"), SAME("NEVER")};
#undef SAME
const enum_map whitelist_type{"WhitelistType", whitelist_values};

// object_state slots of the Token tables.
enum : std::size_t { slot_uid = 0, slot_type = 1, slot_cc = 2, slot_pid = 3, slot_issuer = 4 };
constexpr std::uint32_t has_issuer = 1U;  // st.flags: an issuer value was captured
constexpr std::size_t uid_max = 36;

// --- up -----------------------------------------------------------------------------------

// The owner a 2.1.1 Token lacks: the URL's {cc}/{pid} for a push (T1), the legacy eMSP for a
// pulled page (T3) or a Token embedded in a command (C1).
const party* owner_up(const walk& w, const object_state& st) {
  if (st.parent == nullptr && w.req.owner) return &*w.req.owner;
  if (w.req.legacy) return &w.req.legacy->id;
  if (w.req.owner) return &*w.req.owner;
  return nullptr;
}

bool token_up_begin(walk& w, object_state& st) {
  if (w.patch()) return true;  // a PATCH is addressed by its URL; it carries changed fields only
  const party* owner = owner_up(w, st);
  if (!owner) return w.fail(status::server_error, {}, "Token owner unknown: no URL owner and no legacy party (3.2.2)");
  w.out.field("country_code", owner->country_code);
  w.out.field("party_id", owner->party_id);
  return true;
}

// uid is written by the end hook: the RFID rule needs `type`, which may come later.
bool uid_capture(walk& w, const field_rule&, od::value v, object_state& st) {
  if (patch_null(w, v)) return true;
  std::string_view uid;
  if (!w.read_string(v, {}, uid)) return false;
  if (uid.size() > uid_max) return w.fail(status::invalid_parameters, {}, "longer than 36 characters");
  if (uid.empty()) return w.fail(status::invalid_parameters, {}, "empty uid");
  st.slot[slot_uid] = uid;
  return true;
}

bool type_up(walk& w, const field_rule& r, od::value v, object_state& st) {
  if (patch_null(w, v)) return true;
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  const enum_value* e = r.enums->find(s);
  if (!e) return w.fail(status::invalid_parameters, {}, "'" + std::string(s) + "' is not a valid TokenType");
  st.slot[slot_type] = e->to;
  w.out.field("type", e->to);
  return true;
}

// §4.9: RFID uids upper-cased and checked ToIOP; never OTHER (nor FromIOP: up only).
bool write_uid_up(walk& w, object_state& st) {
  const std::string_view uid = st.slot[slot_uid];
  // A PATCH without `type` addresses the URL's token, whose type defaults to RFID (3.2.2 note).
  const bool rfid = st.slot[slot_type].empty() || st.slot[slot_type] == "RFID";
  std::array<char, uid_max> buf{};
  std::string_view out = uid;
  if (rfid && w.opts().rfid_normalize_uppercase) {
    for (std::size_t i = 0; i < uid.size(); ++i)
      buf[i] = (uid[i] >= 'a' && uid[i] <= 'z') ? static_cast<char>(uid[i] - 'a' + 'A') : uid[i];
    out = {buf.data(), uid.size()};
  }
  if (rfid && !rfid_uid_well_formed(out)) {
    const std::string msg = "RFID uid '" + std::string(out) + "' is not 8 or 14 upper-case hex characters (4.9)";
    if (w.opts().rfid_format_check == "REJECT") return w.fail(status::invalid_parameters, "uid", msg);
    w.lost(loss_kind::warning, "uid", msg);
  }
  w.out.field("uid", out);
  return true;
}

bool token_up_end(walk& w, object_state& st) {
  if (st.has("uid") && !st.slot[slot_uid].empty() && !write_uid_up(w, st)) return false;
  if (w.patch() && !st.has("last_updated")) {  // §1.8.4: mandatory in a 2.2.1 PATCH
    w.out.field("last_updated", w.ctx.now());
    w.lost(loss_kind::defaulted, "last_updated", "added to the PATCH: mandatory in 2.2.1 (1.8.4)");
  }
  return true;
}

constexpr std::array up_fields{
    field_rule{.in = "uid", .k = kind::custom, .required = true, .fn = uid_capture, .section = "3.2.2"},
    field_rule{.in = "type", .k = kind::custom, .required = true, .enums = &enums::token_type_up, .fn = type_up, .section = "3.2.2"},
    field_rule{.in = "auth_id", .out = "contract_id", .k = kind::string, .required = true, .max_len = 36, .section = "3.2.2"},
    field_rule{.in = "visual_number", .k = kind::text, .max_len = 64, .section = "3.2.2"},
    field_rule{.in = "issuer", .k = kind::text, .required = true, .max_len = 64, .section = "3.2.2"},
    field_rule{.in = "valid", .k = kind::boolean, .required = true, .section = "3.2.2"},
    field_rule{.in = "whitelist", .k = kind::enumeration, .required = true, .enums = &whitelist_type, .section = "3.2.2"},
    field_rule{.in = "language", .k = kind::string, .max_len = 2, .section = "3.2.2"},
    field_rule{.in = "last_updated", .k = kind::datetime, .required = true, .section = "3.2.2"},
};

// --- down ---------------------------------------------------------------------------------

template <std::size_t Slot, std::size_t Max>
bool capture(walk& w, const field_rule&, od::value v, object_state& st) {
  if (patch_null(w, v)) return true;
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  if (s.size() > Max) return w.fail(status::invalid_parameters, {}, "longer than " + std::to_string(Max) + " characters");
  st.slot[Slot] = s;
  return true;
}

bool type_down(walk& w, const field_rule& r, od::value v, object_state&) {
  if (patch_null(w, v)) return true;
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  const enum_value* e = r.enums->find(s);
  if (!e) return w.fail(status::invalid_parameters, {}, "'" + std::string(s) + "' is not a valid TokenType");
  if (e->to != s)
    w.lost(loss_kind::derived, {}, std::string(s) + " written as " + std::string(e->to) + ": no such TokenType in 2.1.1 (3.2.2)");
  w.out.field("type", e->to);
  return true;
}

// §4.2: toward a legacy CPO the issuer says which eMSP owns the Token, "<cc>*<pid>", as Gireve
// 2.1.1 did. The owner is the Token's own (full object) or the URL's (a PATCH of a pushed Token).
bool token_down_end(walk& w, object_state& st) {
  if (!(st.flags & has_issuer)) return true;
  const std::string_view issuer = st.slot[slot_issuer];
  const bool emulate = w.req.to == recipient::legacy_cpo && w.opts().cpo_token_issuer_mode == "EMI3_PARTY";
  if (!emulate) {
    w.out.field("issuer", issuer);
    return true;
  }
  std::string_view cc = st.slot[slot_cc], pid = st.slot[slot_pid];
  if ((cc.empty() || pid.empty()) && st.parent == nullptr && w.req.owner) {
    cc = w.req.owner->country_code;
    pid = w.req.owner->party_id;
  }
  if (cc.empty() || pid.empty()) {
    w.lost(loss_kind::warning, "issuer", "owner unknown: issuer copied instead of CC*PID (4.2)");
    w.out.field("issuer", issuer);
    return true;
  }
  std::array<char, 8> buf{};  // cc <= 2, pid <= 3 (checked by capture)
  std::size_t n = 0;
  for (char c : cc) buf[n++] = c;
  buf[n++] = '*';
  for (char c : pid) buf[n++] = c;
  const std::string_view emi3{buf.data(), n};
  if (issuer != emi3) w.lost(loss_kind::derived, "issuer", "replaced by the owner's eMI3 party id (4.2)");
  w.out.field("issuer", emi3);
  return true;
}

bool issuer_capture(walk& w, const field_rule&, od::value v, object_state& st) {
  if (patch_null(w, v)) return true;
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  // string(64) in both versions: a longer issuer is invalid at its source, and a truncated one
  // would name another company (0.2 r7, as the walker does for `text` rows).
  if (utf8_length(s) > 64)
    return w.fail(status::invalid_parameters, {}, "longer than 64 characters, the limit of this field");
  st.slot[slot_issuer] = s;
  st.flags |= has_issuer;
  return true;
}

constexpr std::array down_fields{
    field_rule{.in = "country_code", .k = kind::custom, .required = true, .fn = capture<slot_cc, 2>, .section = "3.2.2"},
    field_rule{.in = "party_id", .k = kind::custom, .required = true, .fn = capture<slot_pid, 3>, .section = "3.2.2"},
    field_rule{.in = "uid", .k = kind::string, .required = true, .max_len = 36, .section = "3.2.2"},
    field_rule{.in = "type", .k = kind::custom, .required = true, .enums = &enums::token_type_down, .fn = type_down, .section = "3.2.2"},
    field_rule{.in = "contract_id", .out = "auth_id", .k = kind::string, .required = true, .max_len = 36, .section = "3.2.2"},
    field_rule{.in = "visual_number", .k = kind::text, .max_len = 64, .section = "3.2.2"},
    field_rule{.in = "issuer", .k = kind::custom, .required = true, .fn = issuer_capture, .section = "4.2"},
    field_rule{.in = "group_id", .k = kind::drop, .section = "3.2.2"},
    field_rule{.in = "valid", .k = kind::boolean, .required = true, .section = "3.2.2"},
    field_rule{.in = "whitelist", .k = kind::enumeration, .required = true, .enums = &whitelist_type, .section = "3.2.2"},
    field_rule{.in = "language", .k = kind::string, .max_len = 2, .section = "3.2.2"},
    field_rule{.in = "default_profile_type", .k = kind::drop, .section = "3.2.2"},
    field_rule{.in = "energy_contract", .k = kind::drop, .section = "3.2.2"},
    field_rule{.in = "last_updated", .k = kind::datetime, .required = true, .section = "3.2.2"},
};

}  // namespace

bool rfid_uid_well_formed(std::string_view uid) noexcept {
  if (uid.size() != 8 && uid.size() != 14) return false;
  for (char c : uid)
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) return false;
  return true;
}

const object_rules token_rules_up{"Token 2.1.1", up_fields, token_up_begin, token_up_end};
const object_rules token_rules_down{"Token 2.2.1", down_fields, nullptr, token_down_end};

bool token_up(walk& w, od::value root, bool* dropped) { return w.object(root, token_rules_up, nullptr, dropped); }
bool token_down(walk& w, od::value root, bool* dropped) { return w.object(root, token_rules_down, nullptr, dropped); }

}  // namespace ocpi::mappings::tokens
