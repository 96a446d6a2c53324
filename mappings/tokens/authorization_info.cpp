// AuthorizationInfo, MAPPING §3.2.3 (+ §4.1 authorization_id, §3.2.5 real-time authorization).
#include <array>

#include "common/enums.hpp"
#include "common/shared_rules.hpp"
#include "common/text.hpp"
#include "tokens/entries.hpp"
#include "tokens/id_rules.hpp"
#include "tokens/location_references.hpp"

namespace ocpi::mappings::tokens {

namespace {

#define SAME(v) enum_value{v, v}
constexpr std::array allowed_values{SAME("ALLOWED"), SAME("BLOCKED"), SAME("EXPIRED"), SAME("NO_CREDIT"),
                                    SAME("NOT_ALLOWED")};
#undef SAME
const enum_map allowed_type{"AllowedType", allowed_values};

enum : std::size_t { slot_allowed = 0 };

bool allowed_up(walk& w, const field_rule& r, od::value v, object_state& st) {
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  const enum_value* e = r.enums->find(s);
  if (!e) return w.fail(status::invalid_parameters, {}, "'" + std::string(s) + "' is not a valid AllowedType");
  st.slot[slot_allowed] = e->to;
  w.out.field("allowed", e->to);
  return true;
}

// Miss in the token cache: the Token 2.2.1 requires is synthesised from what the proxy knows
// (§3.2.3 Decision, A-18) rather than failing the driver's charge.
void synthesise_token(walk& w, const party& owner, std::string_view uid, std::string_view type,
                      std::string_view allowed) {
  const legacy_party* lp = w.opts().find_legacy(owner);
  if (!lp) lp = w.req.legacy;
  const std::string issuer = lp && !lp->business_name.empty() ? lp->business_name : owner.emi3();
  w.out.key("token");
  w.out.begin_object();
  w.out.field("country_code", owner.country_code);
  w.out.field("party_id", owner.party_id);
  w.out.field("uid", uid);
  w.out.field("type", type);
  w.out.field("contract_id", uid);
  w.out.field("issuer", utf8_prefix(issuer, 64));
  // The configured business name is longer than the Token's string(64): never silently cut.
  if (utf8_prefix(issuer, 64).size() < issuer.size())
    w.lost(loss_kind::truncated, "token.issuer", "business name truncated to 64 bytes (3.2.3)");
  w.out.field("valid", allowed == "ALLOWED");
  w.out.field("whitelist", std::string_view{"NEVER"});
  w.out.field("last_updated", w.ctx.now());
  w.out.end_object();
  w.lost(loss_kind::derived, "token", "authorize_token_synthesised: Token not in the cache (3.2.3)");
}

// §3.2.3: the 2.1.1 answer has no Token; it is looked up by (legacy eMSP, uid, type) from the
// authorize URL, else synthesised.
bool authorization_info_up_end(walk& w, object_state& st) {
  const party* owner = w.req.owner ? &*w.req.owner : (w.req.legacy ? &w.req.legacy->id : nullptr);
  if (!owner) return w.fail(status::server_error, "token", "Token owner unknown: no legacy eMSP party (3.2.3)");
  const std::string_view uid = w.req.token_uid;
  const std::string_view type = w.req.token_type.empty() ? std::string_view{"RFID"} : w.req.token_type;
  if (uid.empty()) return w.fail(status::server_error, "token", "Token uid of the authorize URL not given (3.2.3)");
  if (uid.size() > 36) return w.fail(status::invalid_parameters, "token", "Token uid longer than 36 characters");
  if (!enums::token_type_down.find(type))
    return w.fail(status::invalid_parameters, "token", "'" + std::string(type) + "' is not a valid TokenType");
  if (auto cached = w.ctx.token(*owner, uid, type)) {
    w.out.key("token");
    w.out.raw(trim(*cached));  // the cache holds 2.2.1 Token JSON text (5.6)
    return true;
  }
  synthesise_token(w, *owner, uid, type, st.slot[slot_allowed]);
  return true;
}

// Down (T7 answer -> legacy CPO): the Token is cached and put in the authorization map by the
// proxy (4.1, 4.13); the 2.1.1 object has no place for it. Only its shape is checked here.
bool token_skip(walk& w, const field_rule&, od::value v, object_state&) {
  od::object obj;
  if (auto ec = v.get_object().get(obj)) {
    if (ec == simdjson::INCORRECT_TYPE) return w.fail(status::invalid_parameters, {}, "expected an object");
    return w.fail_json({}, ec);
  }
  return true;
}

constexpr std::array up_fields{
    field_rule{.in = "allowed", .k = kind::custom, .required = true, .enums = &allowed_type, .fn = allowed_up, .section = "3.2.3"},
    field_rule{.in = "location", .k = kind::object, .sub = &location_references_rules_up, .section = "3.2.4"},
    field_rule{.in = "authorization_id", .out = "authorization_reference", .k = kind::custom, .fn = authorization_id_up, .section = "4.1"},
    field_rule{.in = "info", .k = kind::object, .sub = &shared::display_text, .section = "3.2.3"},
};

constexpr std::array down_fields{
    field_rule{.in = "allowed", .k = kind::enumeration, .required = true, .enums = &allowed_type, .section = "3.2.3"},
    field_rule{.in = "token", .k = kind::custom, .required = true, .fn = token_skip, .section = "3.2.3"},
    field_rule{.in = "location", .k = kind::object, .sub = &location_references_rules_down, .section = "3.2.4"},
    field_rule{.in = "authorization_reference", .out = "authorization_id", .k = kind::custom, .fn = tokens::authorization_reference_down, .section = "4.1"},
    field_rule{.in = "info", .k = kind::object, .sub = &shared::display_text, .section = "3.2.3"},
};

const object_rules rules_up{"AuthorizationInfo 2.1.1", up_fields, nullptr, authorization_info_up_end};
const object_rules rules_down{"AuthorizationInfo 2.2.1", down_fields};

}  // namespace

bool authorization_info_up(walk& w, od::value root, bool* dropped) { return w.object(root, rules_up, nullptr, dropped); }
bool authorization_info_down(walk& w, od::value root, bool* dropped) { return w.object(root, rules_down, nullptr, dropped); }

}  // namespace ocpi::mappings::tokens
