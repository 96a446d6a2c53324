// Version details, MAPPING §2.2 with the §1.2.1 interface correspondence. Up: every 2.1.1
// endpoint gets the InterfaceRole its legacy owner plays (a CPO's `locations` is SENDER, its
// `tokens` RECEIVER, ...). Down: only the endpoints a legacy party of the given role must call
// are kept (one per module), roles removed; chargingprofiles/hubclientinfo never reach 2.1.1.
#include <array>

#include "credentials/entries.hpp"

namespace ocpi::mappings::credentials {

namespace {

// ModuleID: the seven 2.1.1 modules; index = bit in the "already published" mask.
constexpr std::array<std::string_view, 7> modules_211{"credentials", "locations", "sessions", "cdrs",
                                                      "tariffs", "tokens", "commands"};
int module_index(std::string_view id) {
  for (std::size_t i = 0; i < modules_211.size(); ++i)
    if (modules_211[i] == id) return static_cast<int>(i);
  return -1;
}

// §1.2.1: the InterfaceRole of a module as implemented by a party of role `r`.
std::string_view interface_role(std::string_view module, party_role r) {
  if (module == "credentials") return "SENDER";
  const bool owner_data = module != "tokens" && module != "commands";  // CPO-owned modules
  return (r == party_role::cpo) == owner_data ? "SENDER" : "RECEIVER";
}

bool need_legacy(walk& w, object_state&) {
  if (!w.req.legacy || w.req.legacy->role == party_role::hub)
    return w.fail(status::server_error, {}, "version details need the legacy connection's role (CPO or EMSP) (2.2)");
  return true;
}

bool version_field(walk& w, std::string_view expected, od::value v) {
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  if (s != (expected == "2.2.1" ? "2.1.1" : "2.2.1"))
    w.lost(loss_kind::warning, {}, "version " + std::string(s) + " published as " + std::string(expected) + " (2.2)");
  w.out.field("version", expected);
  return true;
}

// --- up -----------------------------------------------------------------------------------------

bool version_up(walk& w, const field_rule&, od::value v, object_state&) { return version_field(w, "2.2.1", v); }

bool identifier_up(walk& w, const field_rule&, od::value v, object_state& st) {
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  if (module_index(s) < 0) {
    st.drop = true;
    w.lost(loss_kind::dropped, {}, "endpoint of unknown module '" + std::string(s) + "' removed (2.2)");
    return true;
  }
  w.out.field("identifier", s);
  w.out.field("role", interface_role(s, w.req.legacy->role));
  return true;
}

constexpr std::array endpoint_up_fields{
    field_rule{.in = "identifier", .k = kind::custom, .required = true, .fn = identifier_up, .section = "2.2, 1.2.1"},
    field_rule{.in = "url", .k = kind::string, .required = true, .max_len = 255, .section = "2.2"},
};
const object_rules endpoint_up{"Endpoint 2.1.1", endpoint_up_fields};

constexpr std::array up_fields{
    field_rule{.in = "version", .k = kind::custom, .required = true, .fn = version_up, .section = "2.2"},
    field_rule{.in = "endpoints", .k = kind::object_array, .required = true, .sub = &endpoint_up, .section = "2.2"},
};

// --- down ---------------------------------------------------------------------------------------

bool version_down(walk& w, const field_rule&, od::value v, object_state&) { return version_field(w, "2.1.1", v); }

// slot[0] = identifier, slot[1] = role; the decision waits for both (end hook).
bool identifier_down(walk& w, const field_rule&, od::value v, object_state& st) {
  if (!w.read_string(v, {}, st.slot[0])) return false;
  w.out.field("identifier", st.slot[0]);
  return true;
}

bool role_down(walk& w, const field_rule&, od::value v, object_state& st) {
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  if (s != "SENDER" && s != "RECEIVER") return w.fail(status::invalid_parameters, {}, "'" + std::string(s) + "' is not a valid InterfaceRole");
  st.slot[1] = s;
  return true;
}

bool endpoint_down_end(walk& w, object_state& st) {
  const std::string_view id = st.slot[0], role = st.slot[1];
  if (id.empty() || role.empty()) return true;  // the walker reported the missing field
  const int m = module_index(id);
  if (m < 0) {
    st.drop = true;
    w.lost(loss_kind::dropped, {}, "module " + std::string(id) + " has no 2.1.1 counterpart (2.2)");
    return true;
  }
  // A legacy party calls the interfaces of the opposite role (§1.2.1).
  const party_role other = w.req.legacy->role == party_role::cpo ? party_role::emsp : party_role::cpo;
  if (m != 0 && role != interface_role(id, other)) {
    st.drop = true;
    w.lost(loss_kind::dropped, "role", std::string(id) + "/" + std::string(role) + " is not called by a legacy " +
                                          (other == party_role::emsp ? "CPO" : "eMSP") + " (1.2.1)");
    return true;
  }
  std::uint32_t& published = st.parent->flags;
  if (published & (1U << m)) {
    st.drop = true;
    w.lost(loss_kind::dropped, {}, "second " + std::string(id) + " endpoint: 2.1.1 lists each module once (2.2)");
    return true;
  }
  published |= 1U << m;
  return true;
}

constexpr std::array endpoint_down_fields{
    field_rule{.in = "identifier", .k = kind::custom, .required = true, .fn = identifier_down, .section = "2.2"},
    field_rule{.in = "role", .k = kind::custom, .required = true, .fn = role_down, .section = "2.2, 1.2.1"},
    field_rule{.in = "url", .k = kind::string, .required = true, .max_len = 255, .section = "2.2"},
};
const object_rules endpoint_down{"Endpoint 2.2.1", endpoint_down_fields, nullptr, endpoint_down_end};

constexpr std::array down_fields{
    field_rule{.in = "version", .k = kind::custom, .required = true, .fn = version_down, .section = "2.2"},
    field_rule{.in = "endpoints", .k = kind::object_array, .required = true, .sub = &endpoint_down, .section = "2.2"},
};

}  // namespace

const object_rules version_details_rules_up{"VersionDetails 2.1.1", up_fields, need_legacy};
const object_rules version_details_rules_down{"VersionDetails 2.2.1", down_fields, need_legacy};

bool version_details_up(walk& w, od::value root, bool* dropped) { return w.object(root, version_details_rules_up, nullptr, dropped); }
bool version_details_down(walk& w, od::value root, bool* dropped) { return w.object(root, version_details_rules_down, nullptr, dropped); }

}  // namespace ocpi::mappings::credentials
