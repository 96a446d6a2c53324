#pragma once
// Endpoint discovery and publication (MAPPING §1.2.1, §1.2.2, §2.2): reading peers' versions and
// version details, the directory the bridge calls through, which peer endpoint serves which
// request, and the version details the bridge publishes on each face. Cold path (registration,
// start-up, daily refresh): nlohmann/json for reading.
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ocpi/options.hpp"
#include "ocpi/version.hpp"

namespace ocpi::proxy {

enum class interface_role { sender, receiver };  // 2.2.1 InterfaceRole

std::string_view to_string(interface_role r) noexcept;  // "SENDER" | "RECEIVER"
std::optional<interface_role> parse_interface_role(std::string_view s) noexcept;

// Why discovery failed, in the terms registration answers with (§2.3 step 5, §2.4).
enum class discovery_error {
  none,
  invalid_answer,       // not an OCPI answer, status_code not 1000, wrong shape -> 3001
  version_not_offered,  // no exact "2.2.1" / "2.1.1" entry -> 3002
};

struct version_pick {
  std::string url;  // version details URL
  discovery_error err = discovery_error::none;
};

// A versions answer (envelope whose data is [{version, url}]): the entry whose version is exactly
// "2.2.1" or "2.1.1" (never "2.2" for "2.2.1", §1.2.2).
version_pick pick_version(std::string_view versions_body, version wanted);

// Orders (identifier, role) keys and lets them be looked up by string_view without allocating.
struct endpoint_key_less {
  using is_transparent = void;
  template <class A, class B>
  bool operator()(const A& a, const B& b) const noexcept {
    const std::string_view ai = a.first, bi = b.first;
    return ai < bi || (ai == bi && a.second < b.second);
  }
};

// IOP's directory: (identifier, role) -> URL.
struct iop_directory {
  std::map<std::pair<std::string, interface_role>, std::string, endpoint_key_less> urls;

  const std::string* find(std::string_view identifier, interface_role role) const;
  // `credentials` carries no meaningful role (§1.2.1): any role will do.
  const std::string* find_any(std::string_view identifier) const;
};

// A legacy connection's directory: identifier -> URL.
struct legacy_directory {
  std::map<std::string, std::string, std::less<>> urls;

  const std::string* find(std::string_view identifier) const;
};

template <class Directory>
struct details_result {
  Directory directory;
  std::vector<std::string> duplicates;  // "identifier/ROLE" (2.2.1) or "identifier" (2.1.1): first kept
  std::vector<std::string> skipped;     // entries without identifier/url or with an unknown role
  discovery_error err = discovery_error::none;
};

// Version details answers (envelope whose data is {version, endpoints:[...]}).
details_result<iop_directory> parse_details_221(std::string_view body);
details_result<legacy_directory> parse_details_211(std::string_view body);

// -- Which endpoint serves which request (§1.2.2) --------------------------------------------

struct endpoint_ref {
  std::string_view identifier;
  interface_role role;
  bool operator==(const endpoint_ref&) const = default;
};

// The role of the interface the bridge serves for `module` on behalf of a legacy party of
// `legacy_role` (the old CPO/eMSP interface, §1.2.1). nullopt for modules without a counterpart.
std::optional<interface_role> bridge_role_for(party_role legacy_role, std::string_view module) noexcept;

// The IOP endpoint the bridge calls for a legacy request of `module`. nullopt where the table says
// none: a legacy CPO's command results (they go to IOP's response_url) and its Gireve unitary
// token GET (answered from the token cache, §3.2.6).
std::optional<endpoint_ref> iop_endpoint_for(party_role legacy_role, std::string_view module,
                                             bool unitary_token_get = false) noexcept;

// -- What the bridge publishes (§1.2.3, §2.2) ------------------------------------------------
//
// From the configuration, never from what discovery found so far: IOP reads the 2.2.1 details
// during Register FromIOP, possibly before any legacy backend registered, and re-reads them only
// at its next registration (Gireve 2.2.1 guide §3.4); a legacy backend may likewise register
// before IOP does. A request that then reaches a module the other side turns out not to offer is
// refused with an OCPI error naming it (proxy/router/flow_support, module_not_offered()).

// The six business modules both versions share, in the order the bridge publishes them.
std::span<const std::string_view> bridged_modules() noexcept;
bool is_bridged_module(std::string_view module) noexcept;

// The modules one configured legacy connection has the bridge publish for it (`[[legacy]]`
// `modules`, all of bridged_modules() by default).
struct legacy_modules {
  party_role role = party_role::cpo;
  std::vector<std::string> modules;
};

struct published_endpoint {
  std::string identifier;
  interface_role role = interface_role::sender;  // not written on the 2.1.1 faces
  std::string url;
};

// The bridge's 2.2.1 version details endpoints (TV-02(b)): credentials, then per configured role
// the union of the modules its legacy connections are configured with, with the role of the
// interface the bridge serves for them (a legacy eMSP's commands: SENDER at the callbacks URL).
// `public_base` is the bridge's external base URL ("https://proxy.example.com").
std::vector<published_endpoint> published_221_endpoints(std::string_view public_base,
                                                        std::span<const legacy_modules> legacy);

// The 2.1.1 details shown to legacy parties of `legacy_role` (eMSP interfaces for legacy CPOs under
// /ocpi/emsp/2.1.1, CPO interfaces for legacy eMSPs under /ocpi/cpo/2.1.1): credentials plus every
// module the bridge serves for that role.
std::vector<published_endpoint> published_211_endpoints(std::string_view public_base, party_role legacy_role);

// The bridge's versions URL and details URL on a face (§1.2.3). `legacy_role` selects the 2.1.1
// face; it is ignored for 2.2.1.
std::string versions_url(std::string_view public_base, version face, party_role legacy_role = party_role::cpo);
std::string details_url(std::string_view public_base, version face, party_role legacy_role = party_role::cpo);

// `data` of the versions answer: [{"version":"2.2.1","url":...}].
std::string versions_data_json(version face, std::string_view details_url);
// `data` of the version details answer; `role` is written for 2.2.1 only.
std::string details_data_json(version face, std::span<const published_endpoint> endpoints);

}  // namespace ocpi::proxy
