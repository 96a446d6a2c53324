#pragma once
// Who the bridge's peers are right now: the tokens and versions URL of the IOP connection and of
// each legacy connection. A credentials handshake (MAPPING §2.3-§2.6) stores them in the state;
// a stored record wins over the static tokens of the configuration, even when the record says
// "unregistered" (empty tokens), so that an unregistered peer is really locked out.
#include <optional>
#include <string>
#include <vector>

#include "proxy/router/runtime.hpp"

namespace ocpi::proxy {

std::string iop_token_out(const runtime& rt);   // "" = none (not registered)
std::string iop_token_in(const runtime& rt);    // "" = none
std::string iop_versions_url(const runtime& rt);
std::string legacy_token_out(const runtime& rt, std::size_t index);
std::string legacy_token_in(const runtime& rt, std::size_t index);
std::string legacy_versions_url(const runtime& rt, std::size_t index);

// The state's connection key of legacy connection `index` ("legacy:FR*CPO").
std::string legacy_connection(const runtime& rt, std::size_t index);
// The legacy connection a connection key names, if it is configured.
std::optional<std::size_t> legacy_index_of(const runtime& rt, std::string_view connection);

// A fresh random token: 32 bytes from the OS CSPRNG as 43 base64url characters (MAPPING §2.3).
std::string new_credentials_token();

}  // namespace ocpi::proxy
