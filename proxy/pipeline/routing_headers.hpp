#pragma once
// OCPI-from/to routing headers (MAPPING §1.4): reading them, choosing the legacy connection a
// FromIOP request is addressed to, and the values the bridge sends on each hop. Beast stays out of
// this header: reading goes through a lookup callable, writing returns name/value pairs.
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ocpi/options.hpp"
#include "ocpi/status.hpp"

namespace ocpi::proxy {

namespace routing_header {
// Canonical 2.2.1 spelling; lookups must be case-insensitive (Gireve 2.1.1 sends `ocpi-to-*`).
inline constexpr std::string_view from_country_code = "OCPI-from-country-code";
inline constexpr std::string_view from_party_id = "OCPI-from-party-id";
inline constexpr std::string_view to_country_code = "OCPI-to-country-code";
inline constexpr std::string_view to_party_id = "OCPI-to-party-id";
}  // namespace routing_header

// Returns the value of the named header, or nullopt. Must compare names case-insensitively
// (Beast's fields do).
using header_lookup = std::function<std::optional<std::string_view>(std::string_view name)>;

struct routing {
  std::optional<party> from, to;
  // One half of a pair was sent without the other, or a value was not CiString(2)/CiString(3);
  // such a pair is left empty above and flagged here so the caller can refuse it.
  bool from_malformed = false;
  bool to_malformed = false;
};

routing read_routing(const header_lookup& lookup);

struct header_field {
  std::string_view name;
  std::string value;
};

// The header fields for the pairs that are set, in from/to order.
std::vector<header_field> routing_fields(const routing& r);

// -- FromIOP ---------------------------------------------------------------------------------

struct fromiop_target {
  const legacy_party* legacy = nullptr;  // set on success
  std::optional<error> err;              // HTTP 200, OCPI 2001 (§1.4 rules 2-3)
};

// §1.4 "Routing FromIOP requests": `path_role` is the role implied by the bridge path
// (/ocpi/2.2.1/cpo/... -> cpo, /emsp/... -> emsp).
fromiop_target resolve_fromiop_target(const routing& request, party_role path_role,
                                      std::span<const legacy_party> legacy);

// §1.4 "Values on responses": from/to swapped. A pair IOP did not send is filled with the party
// it must have meant: the addressed legacy party for `from`, IOP for `to`.
routing fromiop_response_routing(const routing& request, const party& addressed_legacy, const party& iop);

// -- ToIOP -----------------------------------------------------------------------------------

enum class toiop_call {
  push,        // PUT/PATCH/POST/DELETE toward IOP
  list_get,    // GET of a list (pull)
  object_get,  // GET of one object (Location/EVSE/Connector, Token)
  command,     // POST commands/{command}
};

struct toiop_routing {
  routing headers;
  // routing.single_party_pull=FILTER with Gireve `ocpi-to-*` headers on a GET: `to` stays IOP and
  // the caller drops objects of other owners from each page (§1.4, §1.7 rule 2).
  std::optional<party> filter_owner;
};

// §1.4 "Values the proxy sends to IOP". `gireve_to` is the pair read from the legacy 2.1.1
// request's `ocpi-to-*` headers, `owner` the owning party when known (Location cache, Token).
toiop_routing toiop_request_routing(const mapping_options& opts, const party& legacy, toiop_call call,
                                    const std::optional<party>& gireve_to = std::nullopt,
                                    const std::optional<party>& owner = std::nullopt);

}  // namespace ocpi::proxy
