// Credentials, MAPPING §2.1 and TV-02. Never transported across the proxy (each face runs its own
// handshake); this converts the shapes for the CLI and for the proxy's own handshakes:
// up nests the 2.1.1 party into one `roles` entry (role from the legacy connection), down
// flattens the HUB role (or the first) back into the 2.1.1 object.
#include <array>

#include "common/text.hpp"
#include "common/shared_rules.hpp"
#include "credentials/entries.hpp"

namespace ocpi::mappings::credentials {

namespace {

std::string_view role_name(party_role r) {
  switch (r) {
    case party_role::cpo: return "CPO";
    case party_role::emsp: return "EMSP";
    case party_role::hub: return "HUB";
  }
  return "CPO";
}

// Reads one string member of the 2.1.1 object ahead of the main pass, into the role.
bool copy_member(walk& w, od::object& obj, std::string_view key, std::size_t max_len) {
  od::value v;
  const auto ec = obj.find_field_unordered(key).get(v);
  if (ec == simdjson::NO_SUCH_FIELD) return true;  // reported as missing by the main pass
  if (ec) return w.fail_json(key, ec);
  bool null = false;
  if (auto e = v.is_null().get(null)) return w.fail_json(key, e);
  if (null) return true;
  std::string_view s;
  if (!w.read_string(v, key, s)) return false;
  if (s.size() > max_len) return w.fail(status::invalid_parameters, key, "longer than " + std::to_string(max_len) + " characters");
  w.out.field(key, s);
  return true;
}

// The role entry is written first, from a pre-read of the object; the main pass then copies
// token/url and skips the members already used.
bool credentials_up_begin(walk& w, object_state& st) {
  if (!w.req.legacy) return w.fail(status::server_error, {}, "credentials up needs the legacy connection (its role) (2.1)");
  od::object& obj = *st.obj;
  w.out.key("roles");
  w.out.begin_array();
  w.out.begin_object();
  w.out.field("role", role_name(w.req.legacy->role));
  if (!copy_member(w, obj, "party_id", 3) || !copy_member(w, obj, "country_code", 2)) return false;
  od::value v;
  const auto ec = obj.find_field_unordered("business_details").get(v);
  if (ec && ec != simdjson::NO_SUCH_FIELD) return w.fail_json("business_details", ec);
  bool null = true;
  if (!ec && v.is_null().get(null)) return w.fail_json("business_details", simdjson::TAPE_ERROR);
  if (!ec && !null) {
    w.out.key("business_details");
    w.push("business_details");
    const bool ok = w.object(v, shared::business_details, &st);
    w.pop();
    if (!ok) return false;
  }
  w.out.end_object();
  w.out.end_array();
  if (auto e = obj.reset().error()) return w.fail_json({}, e);
  return true;
}

bool already_in_role(walk&, const field_rule&, od::value, object_state&) { return true; }

constexpr std::array up_fields{
    field_rule{.in = "token", .k = kind::string, .required = true, .max_len = 64, .section = "2.1"},
    field_rule{.in = "url", .k = kind::string, .required = true, .max_len = 255, .section = "2.1"},
    field_rule{.in = "business_details", .k = kind::custom, .required = true, .fn = already_in_role, .section = "2.1"},
    field_rule{.in = "party_id", .k = kind::custom, .required = true, .fn = already_in_role, .section = "2.1"},
    field_rule{.in = "country_code", .k = kind::custom, .required = true, .fn = already_in_role, .section = "2.1"},
};

// --- down ---------------------------------------------------------------------------------------

bool role_value(walk& w, const field_rule&, od::value v, object_state&) {
  static constexpr std::array<std::string_view, 7> roles{"CPO", "EMSP", "HUB", "NAP", "NSP", "OTHER", "SCSP"};
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  for (auto r : roles)
    if (r == s) return true;  // 2.1.1 has no role
  return w.fail(status::invalid_parameters, {}, "'" + std::string(s) + "' is not a valid Role");
}

constexpr std::array role_fields{
    field_rule{.in = "role", .k = kind::custom, .required = true, .fn = role_value, .section = "2.1"},
    field_rule{.in = "business_details", .k = kind::object, .required = true, .sub = &shared::business_details, .section = "2.1"},
    field_rule{.in = "party_id", .k = kind::string, .required = true, .max_len = 3, .section = "2.1"},
    field_rule{.in = "country_code", .k = kind::string, .required = true, .max_len = 2, .section = "2.1"},
};
const object_rules role_rules{"CredentialsRole", role_fields};

// Writes the members of one CredentialsRole into the enclosing (2.1.1 credentials) object.
bool flatten_role(walk& w, od::value v) {
  od::object obj;
  if (auto ec = v.get_object().get(obj)) return w.fail_json({}, ec);
  object_state st;
  st.rules = &role_rules;
  st.obj = &obj;
  for (auto f : obj) {
    std::string_view key;
    if (auto ec = f.unescaped_key().get(key)) return w.fail_json({}, ec);
    std::size_t i = 0;
    while (i < role_fields.size() && role_fields[i].in != key) ++i;
    if (i == role_fields.size()) {
      w.lost(loss_kind::dropped, key, "unknown field in CredentialsRole (0.2)");
      continue;
    }
    if (st.seen & (1U << i)) return w.fail(status::invalid_parameters, key, "duplicate key");
    od::value fv = f.value();
    bool null = false;
    if (auto ec = fv.is_null().get(null)) return w.fail_json(key, ec);
    if (null) continue;
    st.seen |= 1U << i;
    const field_rule& r = role_fields[i];
    if (r.k == kind::custom) w.push(key);  // as the walker does: other kinds name their field
    const bool ok = w.apply(r, fv, st);
    if (r.k == kind::custom) w.pop();
    if (!ok) return false;
  }
  for (std::size_t i = 0; i < role_fields.size(); ++i)
    if (!(st.seen & (1U << i))) return w.fail(status::invalid_parameters, role_fields[i].in, "missing mandatory field (2.1)");
  return true;
}

// §2.1: the HUB role (IOP) or else the first one; the others cannot be expressed in 2.1.1.
bool roles_down(walk& w, const field_rule&, od::value v, object_state&) {
  od::array arr;
  if (auto ec = v.get_array().get(arr)) return w.fail_json({}, ec);
  std::size_t n = 0, chosen = 0;
  bool hub = false;
  for (auto e : arr) {
    od::object o;
    if (auto ec = e.get_object().get(o)) return w.fail_json({}, ec);
    od::value rv;
    const auto ec = hub ? simdjson::NO_SUCH_FIELD : o.find_field_unordered("role").get(rv);
    // A malformed element must end the translation here: On-Demand abandons its iterator on such
    // an error, and the reset() below would then use it (a null parser under development checks).
    if (ec && ec != simdjson::NO_SUCH_FIELD) {
      w.push(n);
      w.fail_json("role", ec);
      w.pop();
      return false;
    }
    std::string_view role;
    if (!ec && !rv.get_string().get(role) && role == "HUB") {  // other types: flatten_role refuses them
      hub = true;
      chosen = n;
    }
    ++n;
  }
  if (n == 0) return w.fail(status::invalid_parameters, {}, "at least one role is required (2.1)");
  if (n > 1)
    w.lost(loss_kind::dropped, {}, std::to_string(n - 1) + " role(s) dropped: 2.1.1 credentials hold one party, kept the " +
                                       (hub ? std::string("HUB") : std::string("first")) + " role (2.1)");
  if (auto ec = arr.reset().error()) return w.fail_json({}, ec);
  std::size_t i = 0;
  for (auto e : arr) {
    if (i != chosen) {
      ++i;
      continue;
    }
    od::value ev;
    if (auto ec = e.get(ev)) return w.fail_json({}, ec);
    w.push(i);
    const bool ok = flatten_role(w, ev);
    w.pop();
    return ok;
  }
  return true;
}

constexpr std::array down_fields{
    field_rule{.in = "token", .k = kind::string, .required = true, .max_len = 64, .section = "2.1"},
    field_rule{.in = "url", .k = kind::string, .required = true, .max_len = 255, .section = "2.1"},
    field_rule{.in = "roles", .k = kind::custom, .required = true, .fn = roles_down, .section = "2.1"},
};

}  // namespace

const object_rules credentials_rules_up{"Credentials 2.1.1", up_fields, credentials_up_begin};
const object_rules credentials_rules_down{"Credentials 2.2.1", down_fields};

bool credentials_up(walk& w, od::value root, bool* dropped) { return w.object(root, credentials_rules_up, nullptr, dropped); }
bool credentials_down(walk& w, od::value root, bool* dropped) { return w.object(root, credentials_rules_down, nullptr, dropped); }

}  // namespace ocpi::mappings::credentials
