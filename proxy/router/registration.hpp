#pragma once
// What both handshake directions share (MAPPING §2.3, §2.4): the credentials the bridge presents
// on each face, the endpoint checks behind OCPI 3003, and the handshakes the bridge initiates
// itself ("Register ToIOP", "proxy initiates" toward a legacy backend), driven by the admin API.
#include <boost/asio/awaitable.hpp>
#include <string>

#include "proxy/pipeline/endpoints.hpp"
#include "proxy/router/runtime.hpp"

namespace ocpi::proxy {

// {token, url, roles: one CredentialsRole per configured legacy party} (TV-02(a)).
std::string bridge_credentials_221(const runtime& rt, const std::string& token);
// {token, url: the role's versions URL, business_details/party_id/country_code of IOP} (TV-02(c)).
std::string bridge_credentials_211(const runtime& rt, std::size_t legacy_index, const std::string& token);

// "" when IOP publishes, for every configured legacy role, at least one endpoint the bridge calls
// for that role; otherwise the roles lacking all of them ("CPO, EMSP").
std::string missing_iop_endpoints(const runtime& rt, const iop_directory& dir);
// "" when a legacy backend of `role` exposes what the bridge cannot do without (a CPO: locations;
// any: at least one business module); otherwise what is missing.
std::string missing_legacy_endpoints(party_role role, const legacy_directory& dir);

// Stores the outcome of a handshake for `connection` (both tokens, the peer's versions URL and
// credentials) and withdraws its pending tokens A (single use, §2.3 step 6).
void record_registration(runtime& rt, std::string_view connection, std::string token_to_peer, std::string token_from_peer,
                         std::string versions_url, std::string_view version, std::string credentials_json);

struct handshake_outcome {
  bool ok = false;
  std::string message;  // for the operator
};

// The bridge registers with a peer: GET versions/details with the peer's token A, POST the
// bridge's credentials with a fresh token, keep the token the peer returns.
boost::asio::awaitable<handshake_outcome> register_with_iop(runtime& rt, const std::string& versions_url,
                                                            const std::string& token_a);
boost::asio::awaitable<handshake_outcome> register_with_legacy(runtime& rt, std::size_t index,
                                                               const std::string& versions_url,
                                                               const std::string& token_a);
// DELETE on the peer's credentials endpoint, then forget the connection locally either way.
boost::asio::awaitable<handshake_outcome> unregister_from_iop(runtime& rt);
boost::asio::awaitable<handshake_outcome> unregister_from_legacy(runtime& rt, std::size_t index);

}  // namespace ocpi::proxy
