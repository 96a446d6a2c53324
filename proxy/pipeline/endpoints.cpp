#include "proxy/pipeline/endpoints.hpp"

#include <array>

#include <nlohmann/json.hpp>

#include "ocpi/json_writer.hpp"
#include "proxy/pipeline/url_mapping.hpp"

namespace ocpi::proxy {

namespace {

using nlohmann::json;

// In the order the bridge publishes them (TV-02(b)).
constexpr std::array<std::string_view, 6> business_modules{"locations", "tariffs", "sessions",
                                                          "cdrs",      "tokens",  "commands"};

interface_role opposite(interface_role r) noexcept {
  return r == interface_role::sender ? interface_role::receiver : interface_role::sender;
}

// The `data` member of an OCPI answer with status 1000; a bare payload (no envelope) is tolerated
// because some 2.1.1 stacks answer versions that way.
const json* payload_of(const json& root) {
  if (root.is_object() && root.contains("data")) {
    const auto code = root.find("status_code");
    if (code == root.end() || !code->is_number_integer() || code->get<long long>() != 1000) return nullptr;
    return &root["data"];
  }
  return &root;
}

const std::string* string_member(const json& o, const char* name) {
  const auto it = o.find(name);
  return it != o.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
}

// Calls f(identifier, role_text_or_null, url) for each well-formed endpoint entry; returns false
// when the answer does not have the details shape.
template <class F>
bool for_each_endpoint(std::string_view body, std::vector<std::string>& skipped, F&& f) {
  const json root = json::parse(body, nullptr, false);
  if (root.is_discarded()) return false;
  const json* data = payload_of(root);
  if (!data || !data->is_object()) return false;
  const auto eps = data->find("endpoints");
  if (eps == data->end() || !eps->is_array()) return false;
  for (const auto& e : *eps) {
    const std::string* id = e.is_object() ? string_member(e, "identifier") : nullptr;
    const std::string* url = e.is_object() ? string_member(e, "url") : nullptr;
    if (!id || !url || id->empty() || url->empty()) {
      skipped.push_back(e.dump());
      continue;
    }
    f(*id, string_member(e, "role"), *url);
  }
  return true;
}

std::string face_prefix(party_role legacy_role) {
  // Legacy CPOs see the eMSP interfaces and vice versa (§1.1).
  return legacy_role == party_role::cpo ? "emsp" : "cpo";
}

}  // namespace

std::string_view to_string(interface_role r) noexcept { return r == interface_role::sender ? "SENDER" : "RECEIVER"; }

std::optional<interface_role> parse_interface_role(std::string_view s) noexcept {
  if (s == "SENDER") return interface_role::sender;
  if (s == "RECEIVER") return interface_role::receiver;
  return std::nullopt;
}

version_pick pick_version(std::string_view versions_body, version wanted) {
  const json root = json::parse(versions_body, nullptr, false);
  if (root.is_discarded()) return {{}, discovery_error::invalid_answer};
  const json* data = payload_of(root);
  if (!data || !data->is_array()) return {{}, discovery_error::invalid_answer};
  for (const auto& v : *data) {
    if (!v.is_object()) continue;
    const std::string* number = string_member(v, "version");
    const std::string* url = string_member(v, "url");
    if (number && url && !url->empty() && *number == to_string(wanted)) return {*url, discovery_error::none};
  }
  return {{}, discovery_error::version_not_offered};
}

const std::string* iop_directory::find(std::string_view identifier, interface_role role) const {
  const auto it = urls.find(std::pair<std::string_view, interface_role>{identifier, role});
  return it == urls.end() ? nullptr : &it->second;
}

const std::string* iop_directory::find_any(std::string_view identifier) const {
  if (const auto* u = find(identifier, interface_role::sender)) return u;
  return find(identifier, interface_role::receiver);
}

const std::string* legacy_directory::find(std::string_view identifier) const {
  const auto it = urls.find(identifier);
  return it == urls.end() ? nullptr : &it->second;
}

details_result<iop_directory> parse_details_221(std::string_view body) {
  details_result<iop_directory> r;
  const bool ok = for_each_endpoint(body, r.skipped, [&](const std::string& id, const std::string* role_text,
                                                         const std::string& url) {
    // credentials' role is not meaningful (§1.2.1): file it under SENDER whatever the peer said.
    auto role = id == "credentials" ? std::optional(interface_role::sender)
                                    : role_text ? parse_interface_role(*role_text) : std::nullopt;
    if (!role) {
      r.skipped.push_back(id + "/" + (role_text ? *role_text : std::string("?")));
      return;
    }
    if (!r.directory.urls.try_emplace({id, *role}, url).second)
      r.duplicates.push_back(id + "/" + std::string(to_string(*role)));
  });
  if (!ok) r.err = discovery_error::invalid_answer;
  return r;
}

details_result<legacy_directory> parse_details_211(std::string_view body) {
  details_result<legacy_directory> r;
  const bool ok = for_each_endpoint(body, r.skipped, [&](const std::string& id, const std::string*,
                                                         const std::string& url) {
    if (!r.directory.urls.try_emplace(id, url).second) r.duplicates.push_back(id);
  });
  if (!ok) r.err = discovery_error::invalid_answer;
  return r;
}

std::optional<interface_role> bridge_role_for(party_role legacy_role, std::string_view module) noexcept {
  // Old CPO interface = SENDER for data the CPO owns, RECEIVER for tokens and commands (§1.2.1).
  interface_role cpo_side;
  if (module == "locations" || module == "tariffs" || module == "sessions" || module == "cdrs")
    cpo_side = interface_role::sender;
  else if (module == "tokens" || module == "commands")
    cpo_side = interface_role::receiver;
  else
    return std::nullopt;
  if (legacy_role == party_role::cpo) return cpo_side;
  if (legacy_role == party_role::emsp) return opposite(cpo_side);
  return std::nullopt;
}

std::optional<endpoint_ref> iop_endpoint_for(party_role legacy_role, std::string_view module,
                                             bool unitary_token_get) noexcept {
  if (legacy_role == party_role::cpo && (module == "commands" || (module == "tokens" && unitary_token_get)))
    return std::nullopt;
  const auto served = bridge_role_for(legacy_role, module);
  if (!served) return std::nullopt;
  for (auto m : business_modules)
    if (m == module) return endpoint_ref{m, opposite(*served)};
  return std::nullopt;
}

std::span<const std::string_view> bridged_modules() noexcept { return business_modules; }

bool is_bridged_module(std::string_view module) noexcept {
  for (const auto m : business_modules)
    if (m == module) return true;
  return false;
}

std::vector<published_endpoint> published_221_endpoints(std::string_view public_base,
                                                        std::span<const legacy_modules> legacy) {
  std::vector<published_endpoint> out;
  out.push_back({"credentials", interface_role::sender, join_url(public_base, {"ocpi", "2.2.1", "credentials"})});
  for (const party_role role : {party_role::cpo, party_role::emsp}) {
    for (const auto module : business_modules) {
      bool configured = false;
      for (const auto& l : legacy)
        if (l.role == role)
          for (const auto& m : l.modules) configured = configured || m == module;
      if (!configured) continue;
      // A legacy eMSP's command results arrive on the bridge's callbacks (§3.3.2).
      const bool callbacks = role == party_role::emsp && module == "commands";
      out.push_back({std::string(module), *bridge_role_for(role, module),
                     callbacks ? join_url(public_base, {"ocpi", "2.2.1", "callbacks"})
                               : join_url(public_base, {"ocpi", "2.2.1", role == party_role::cpo ? "cpo" : "emsp", module})});
    }
  }
  return out;
}

std::vector<published_endpoint> published_211_endpoints(std::string_view public_base, party_role legacy_role) {
  const std::string prefix = face_prefix(legacy_role);
  std::vector<published_endpoint> out;
  out.push_back({"credentials", interface_role::sender, join_url(public_base, {"ocpi", prefix, "2.1.1", "credentials"})});
  for (const auto module : business_modules)
    out.push_back({std::string(module), *bridge_role_for(legacy_role, module),
                   join_url(public_base, {"ocpi", prefix, "2.1.1", module})});
  return out;
}

std::string versions_url(std::string_view public_base, version face, party_role legacy_role) {
  if (face == version::v2_2_1) return join_url(public_base, {"ocpi", "versions"});
  return join_url(public_base, {"ocpi", face_prefix(legacy_role), "versions"});
}

std::string details_url(std::string_view public_base, version face, party_role legacy_role) {
  if (face == version::v2_2_1) return join_url(public_base, {"ocpi", "2.2.1"});
  return join_url(public_base, {"ocpi", face_prefix(legacy_role), "2.1.1"});
}

std::string versions_data_json(version face, std::string_view details) {
  std::string out;
  json_writer w(out);
  w.begin_array();
  w.begin_object();
  w.field("version", to_string(face));
  w.field("url", details);
  w.end_object();
  w.end_array();
  return out;
}

std::string details_data_json(version face, std::span<const published_endpoint> endpoints) {
  std::string out;
  json_writer w(out);
  w.begin_object();
  w.field("version", to_string(face));
  w.key("endpoints");
  w.begin_array();
  for (const auto& e : endpoints) {
    w.begin_object();
    w.field("identifier", e.identifier);
    if (face == version::v2_2_1) w.field("role", to_string(e.role));
    w.field("url", e.url);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

}  // namespace ocpi::proxy
