#include "proxy/pipeline/routing_headers.hpp"

#include "mappings/common/text.hpp"

namespace ocpi::proxy {

namespace {

// CiString(n): 1..n printable ASCII (the spec's lengths are maxima; 2/3 in practice).
bool ci_string(std::string_view s, std::size_t max) noexcept {
  if (s.empty() || s.size() > max) return false;
  for (char c : s)
    if (c < 0x21 || c > 0x7E) return false;
  return true;
}

std::optional<party> read_pair(const header_lookup& lookup, std::string_view cc_name, std::string_view pid_name,
                               bool& malformed) {
  const auto cc = lookup(cc_name);
  const auto pid = lookup(pid_name);
  if (!cc && !pid) return std::nullopt;
  const auto cc_v = cc ? mappings::trim(*cc) : std::string_view{};
  const auto pid_v = pid ? mappings::trim(*pid) : std::string_view{};
  if (!ci_string(cc_v, 2) || !ci_string(pid_v, 3)) {
    malformed = true;
    return std::nullopt;
  }
  return party{std::string(cc_v), std::string(pid_v)};
}

error routing_error(std::string message) { return error{status::invalid_parameters, 200, {}, std::move(message)}; }

}  // namespace

routing read_routing(const header_lookup& lookup) {
  routing r;
  r.from = read_pair(lookup, routing_header::from_country_code, routing_header::from_party_id, r.from_malformed);
  r.to = read_pair(lookup, routing_header::to_country_code, routing_header::to_party_id, r.to_malformed);
  return r;
}

std::vector<header_field> routing_fields(const routing& r) {
  std::vector<header_field> out;
  if (r.from) {
    out.push_back({routing_header::from_country_code, r.from->country_code});
    out.push_back({routing_header::from_party_id, r.from->party_id});
  }
  if (r.to) {
    out.push_back({routing_header::to_country_code, r.to->country_code});
    out.push_back({routing_header::to_party_id, r.to->party_id});
  }
  return out;
}

fromiop_target resolve_fromiop_target(const routing& request, party_role path_role,
                                      std::span<const legacy_party> legacy) {
  if (request.to_malformed) return {nullptr, routing_error("invalid OCPI-to headers")};
  if (request.to) {
    for (const auto& l : legacy)
      if (l.role == path_role && l.id.same(*request.to)) return {&l, std::nullopt};
    // The bridge is not a hub: 2001, not the 4xxx hub codes (§1.4 rule 3, Decision).
    return {nullptr, routing_error("unknown OCPI-to party")};
  }
  const legacy_party* only = nullptr;
  for (const auto& l : legacy) {
    if (l.role != path_role) continue;
    if (only) return {nullptr, routing_error("OCPI-to headers required")};
    only = &l;
  }
  if (!only) return {nullptr, routing_error("OCPI-to headers required")};
  return {only, std::nullopt};
}

routing fromiop_response_routing(const routing& request, const party& addressed_legacy, const party& iop) {
  routing r;
  r.from = request.to ? *request.to : addressed_legacy;
  r.to = request.from ? *request.from : iop;
  return r;
}

toiop_routing toiop_request_routing(const mapping_options& opts, const party& legacy, toiop_call call,
                                    const std::optional<party>& gireve_to, const std::optional<party>& owner) {
  toiop_routing out;
  out.headers.from = legacy;
  out.headers.to = opts.iop;
  const bool is_get = call == toiop_call::list_get || call == toiop_call::object_get;
  if (is_get && gireve_to) {
    // Gireve 2.1.1 single-party pull (Ambiguity A-03).
    if (mappings::iequals(opts.routing_single_party_pull, "FILTER")) out.filter_owner = gireve_to;
    else out.headers.to = gireve_to;
    return out;
  }
  // Ambiguity A-02: Gireve wants everything addressed to the hub; OWNER follows 2.2.1 hub routing.
  const bool directed = call == toiop_call::object_get || call == toiop_call::command;
  if (directed && owner && mappings::iequals(opts.routing_directed_to, "OWNER")) out.headers.to = owner;
  return out;
}

}  // namespace ocpi::proxy
