#pragma once
// Route handlers, one per flow of MAPPING §3 (flow ids in comments: L1 = Locations flow 1...).
// `seg` is the request path split on '/' and percent-decoded; `legacy` the authenticated legacy
// connection on the 2.1.1 face.
#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "proxy/router/exchange.hpp"
#include "proxy/router/runtime.hpp"

namespace ocpi::proxy {

using segments = std::vector<std::string>;
using route_result = boost::asio::awaitable<response>;

// Configuration module endpoints (MAPPING §2.2): versions and version details on both faces.
route_result versions_221(runtime& rt, exchange& ex);
route_result details_221(runtime& rt, exchange& ex);
route_result versions_211(runtime& rt, exchange& ex, std::string_view face_role);  // "emsp" | "cpo"
route_result details_211(runtime& rt, exchange& ex, std::string_view face_role);

// Credentials handshakes (MAPPING §2.3-§2.6); `with_registration_token`: the caller presented a
// token A (only POST is allowed then), otherwise its registered token.
route_result credentials_221(runtime& rt, exchange& ex, bool with_registration_token);
route_result credentials_211(runtime& rt, exchange& ex, std::size_t legacy_index, bool with_registration_token);

// The operator API on the admin face (ocpi-bridge admin ...).
route_result admin_api(runtime& rt, exchange& ex, const segments& seg);

// Locations (MAPPING §3.1.1).
route_result locations_from_legacy_cpo(runtime& rt, exchange& ex, const legacy_config& cpo, const segments& rest);  // L1-L3
route_result locations_pull_by_legacy_emsp(runtime& rt, exchange& ex, const legacy_config& emsp, const segments& rest);  // L7
route_result locations_pull_from_legacy_cpo(runtime& rt, exchange& ex, const segments& rest);  // L4
route_result locations_to_legacy_emsp(runtime& rt, exchange& ex, const segments& rest);  // L5, L6

// Tokens (MAPPING §3.2).
route_result tokens_from_legacy_emsp(runtime& rt, exchange& ex, const legacy_config& emsp, const segments& rest);  // T1, T2
route_result tokens_for_legacy_cpo(runtime& rt, exchange& ex, const legacy_config& cpo, const segments& rest);  // T5-T7
route_result tokens_from_legacy_emsp_for_iop(runtime& rt, exchange& ex, const segments& rest);  // T3, T4
route_result tokens_to_legacy_cpo(runtime& rt, exchange& ex, const segments& rest);  // T8

// Commands (MAPPING §3.3); `id` is the pending command's id from the bridge's callback URL.
route_result commands_from_legacy_emsp(runtime& rt, exchange& ex, const legacy_config& emsp, const segments& rest);  // C1
route_result command_result_from_iop(runtime& rt, exchange& ex, const std::string& id);  // C2
route_result commands_to_legacy_cpo(runtime& rt, exchange& ex, const segments& rest);  // C3
route_result command_result_from_legacy_cpo(runtime& rt, exchange& ex, const legacy_config& cpo, const std::string& id);  // C4

// Sessions (MAPPING §3.4.1).
route_result sessions_from_legacy_cpo(runtime& rt, exchange& ex, const legacy_config& cpo,
                                      const segments& rest);  // S1-S3
route_result sessions_pull_by_legacy_emsp(runtime& rt, exchange& ex, const legacy_config& emsp,
                                          const segments& rest);                              // S8
route_result sessions_pull_from_legacy_cpo(runtime& rt, exchange& ex, const segments& rest);  // S4, S5
route_result sessions_to_legacy_emsp(runtime& rt, exchange& ex, const segments& rest);        // S6, S7

// CDRs (MAPPING §3.5.1).
route_result cdrs_from_legacy_cpo(runtime& rt, exchange& ex, const legacy_config& cpo, const segments& rest);  // D1, D2
route_result cdrs_pull_by_legacy_emsp(runtime& rt, exchange& ex, const legacy_config& emsp,
                                      const segments& rest);                              // D6
route_result cdrs_pull_from_legacy_cpo(runtime& rt, exchange& ex, const segments& rest);  // D3
route_result cdrs_to_legacy_emsp(runtime& rt, exchange& ex, const segments& rest);        // D4
route_result cdr_created_get(runtime& rt, exchange& ex, const segments& rest);  // D5: /ocpi/2.2.1/cdrs-created/{opaque}

// Tariffs (MAPPING §3.6.1).
route_result tariffs_from_legacy_cpo(runtime& rt, exchange& ex, const legacy_config& cpo,
                                     const segments& rest);  // F1-F4
route_result tariffs_pull_by_legacy_emsp(runtime& rt, exchange& ex, const legacy_config& emsp,
                                         const segments& rest);                              // F7
route_result tariffs_pull_from_legacy_cpo(runtime& rt, exchange& ex, const segments& rest);  // F5
route_result tariffs_to_legacy_emsp(runtime& rt, exchange& ex, const segments& rest);        // F6

}  // namespace ocpi::proxy
