// MAPPING §3.4.4 (auth_id -> cdr_token), §4.1 (authorization map), §4.16 (Advenir), and the
// Price / number helpers Sessions and CDRs share.
#include "sessions/token_resolution.hpp"

#include <charconv>

#include "common/text.hpp"

namespace ocpi::mappings::sessions {

namespace {

bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_alnum(char c) { return is_alpha(c) || (c >= '0' && c <= '9'); }

// ^([A-Za-z]{2})[*-]?([A-Za-z0-9]{3}): an eMA-ID-like prefix ("FR-EMP-...", "DE8AC...").
bool derive_owner(std::string_view id, std::string& cc, std::string& pid) {
  if (id.size() < 5 || !is_alpha(id[0]) || !is_alpha(id[1])) return false;
  std::size_t p = 2;
  if (id[p] == '*' || id[p] == '-') ++p;
  if (id.size() < p + 3) return false;
  for (std::size_t i = p; i < p + 3; ++i)
    if (!is_alnum(id[i])) return false;
  cc = to_upper(id.substr(0, 2));
  pid = to_upper(id.substr(p, 3));
  return true;
}

bool token_from_json(std::string_view json, cdr_token& t) {
  thread_local side_parser parser;
  simdjson::dom::element e;
  if (json.empty() || parser.parse(json, e)) return false;
  auto get = [&](const char* k, std::string& dst) {
    std::string_view s;
    if (e[k].get(s)) return false;
    dst.assign(s);
    return !dst.empty();
  };
  bool ok = get("country_code", t.country_code) && get("party_id", t.party_id) && get("uid", t.uid) &&
            get("contract_id", t.contract_id);
  if (!get("type", t.type)) t.type = "RFID";
  return ok;
}

}  // namespace

std::optional<party> up_owner(const walk& w) {
  if (w.req.owner) return *w.req.owner;
  if (w.req.legacy) return w.req.legacy->id;
  return std::nullopt;
}

party down_owner(const walk& w, const object_state& st, int cc_slot, int pid_slot) {
  if (w.req.owner) return *w.req.owner;
  return {std::string(st.slot[cc_slot]), std::string(st.slot[pid_slot])};
}

bool peek_string(walk& w, object_state& st, std::string_view key, std::string_view& out) {
  out = {};
  od::value v;
  auto ec = st.obj->find_field_unordered(key).get(v);
  if (!ec) {
    od::json_type t;
    if (!v.type().get(t) && t == od::json_type::string) {
      std::string_view raw = trim(v.raw_json_token());
      if (raw.size() >= 2 && raw.find('\\') == std::string_view::npos) {
        out = raw.substr(1, raw.size() - 2);
      } else if (raw.size() <= 160) {
        std::string_view s;
        if (!v.get_string().get(s)) out = s;
      }
    }
  } else if (ec != simdjson::NO_SUCH_FIELD) {
    return w.fail_json(key, ec);
  }
  if (auto rec = st.obj->reset().error()) return w.fail_json({}, rec);
  return true;
}

bool capture_number(walk& w, od::value v, std::string_view& token) {
  od::json_type t;
  if (auto ec = v.type().get(t)) return w.fail_json({}, ec);
  if (t == od::json_type::string) {
    std::string_view s;
    if (!w.read_string(v, {}, s)) return false;
    s = trim(s);
    if (!is_json_decimal(s)) return w.fail(status::invalid_parameters, {}, "expected a number");
    token = s;
    return true;
  }
  if (t != od::json_type::number) return w.fail(status::invalid_parameters, {}, "expected a number");
  double d;
  if (auto ec = v.get_double().get(d)) return w.fail_json({}, ec);
  token = trim(v.raw_json_token());
  return true;
}

double to_double(std::string_view token) {
  double d = 0;
  std::from_chars(token.data(), token.data() + token.size(), d);
  return d;
}

std::optional<authorization_record> find_authorization(const walk& w, const party& cpo, std::string_view reference) {
  if (reference.empty()) return std::nullopt;
  return w.ctx.authorization(cpo, reference);
}

bool resolve_cdr_token(walk& w, std::string_view field, std::string_view auth_id,
                       const std::optional<authorization_record>& auth, resolved_token& out) {
  const auto& o = w.opts();
  cdr_token& t = out.token;
  // 1. Advenir (§4.16): the configured anonymised token, no lookup.
  if (o.advenir_enabled && auth_id == o.advenir_marker_auth_id) {
    const auto& a = o.advenir_cdr_token;
    t = {a.country_code, a.party_id, a.uid, a.type, a.contract_id};
    out.advenir = true;
    w.lost(loss_kind::derived, field, "advenir_session: anonymised Advenir token (4.16)");
    return true;
  }
  // 2. The token the authorization map stored for this authorization (§4.1).
  if (auth && token_from_json(auth->token_json, t)) {
    if (!iequals(t.contract_id, auth_id))
      w.lost(loss_kind::warning, field,
             "auth_id differs from the contract_id of the authorized token; the stored token is kept (3.4.4)");
    return true;
  }
  // 3. Exactly one cached token with this contract_id (§4.13).
  if (const auto hits = w.ctx.tokens_by_contract_id(auth_id); hits.size() == 1 && token_from_json(hits[0], t))
    return true;
  // 4. DERIVE: owner from an eMA-ID-like prefix; OTHER avoids IOP's RFID uid format check.
  if (o.cpo_cdr_token_fallback == "DERIVE" && derive_owner(auth_id, t.country_code, t.party_id)) {
    t.uid.assign(auth_id);
    t.type = "OTHER";
    t.contract_id.assign(auth_id);
    w.lost(loss_kind::derived, field, "cdr_token_derived: owner taken from the auth_id prefix (3.4.4)");
    return true;
  }
  // 5. Permanent refusal.
  return w.fail(status::invalid_parameters, field, "cannot determine token owner");
}

void write_cdr_token(json_writer& out, const cdr_token& t) {
  out.key("cdr_token");
  out.begin_object();
  out.field("country_code", t.country_code);
  out.field("party_id", t.party_id);
  out.field("uid", t.uid);
  out.field("type", t.type);
  out.field("contract_id", t.contract_id);
  out.end_object();
}

bool write_token_fields(walk& w, std::string_view auth_id, std::string_view auth_method, std::string_view reference,
                        const std::optional<authorization_record>& auth) {
  bool advenir = false;
  if (!auth_id.empty()) {
    resolved_token t;
    if (!resolve_cdr_token(w, "auth_id", auth_id, auth, t)) return false;
    write_cdr_token(w.out, t.token);
    advenir = t.advenir;
  }
  if (!reference.empty()) {
    if (advenir) w.lost(loss_kind::dropped, "authorization_id", "omitted for an Advenir session (4.16)");
    else w.out.field("authorization_reference", reference);
  }
  if (!auth_method.empty()) {
    if (auth && auth->source == "START_SESSION" && !advenir && auth_method != "COMMAND") {
      auth_method = "COMMAND";
      w.lost(loss_kind::derived, "auth_method", "COMMAND: the authorization came from a relayed START_SESSION (3.4.2)");
    }
    w.out.field("auth_method", auth_method);
  }
  return true;
}

bool null_value(walk& w, od::value v, bool& null) {
  null = false;
  if (auto ec = v.is_null().get(null)) return w.fail_json({}, ec);
  if (null) w.lost(loss_kind::dropped, {}, "null in a PATCH cannot clear a field (1.8.4)");
  return true;
}

bool price_up(walk& w, std::string_view out_key, od::value v) {
  std::string_view tok;
  if (!capture_number(w, v, tok)) return false;
  w.out.key(out_key);
  w.out.begin_object();
  w.out.field_raw("excl_vat", tok);
  w.out.end_object();
  return true;
}

bool price_down(walk& w, std::string_view out_key, od::value v, std::string_view* excl) {
  std::string_view excl_tok;
  const bool ok = w.each_member(v, [&](std::string_view k, od::value fv) {
    std::string_view tok;
    if (!capture_number(w, fv, tok)) return false;
    // The member's key is on the path here, so losses name it with an empty leaf.
    if (k == "excl_vat") excl_tok = tok;
    else if (k == "incl_vat") w.lost(loss_kind::dropped, {}, "no incl_vat in 2.1.1 (3.4.2)");
    else w.lost(loss_kind::dropped, {}, "unknown field in Price (0.2)");
    return true;
  });
  if (!ok) return false;
  if (excl_tok.empty()) return w.fail(status::invalid_parameters, "excl_vat", "missing mandatory field (3.4.2)");
  w.out.key(out_key);
  w.out.raw(excl_tok);
  if (excl) *excl = excl_tok;
  return true;
}

}  // namespace ocpi::mappings::sessions
