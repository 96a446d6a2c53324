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

// Locations (MAPPING §3.1.1).
route_result locations_from_legacy_cpo(runtime& rt, exchange& ex, const legacy_config& cpo, const segments& rest);  // L1-L3
route_result locations_pull_by_legacy_emsp(runtime& rt, exchange& ex, const legacy_config& emsp, const segments& rest);  // L7
route_result locations_pull_from_legacy_cpo(runtime& rt, exchange& ex, const segments& rest);  // L4
route_result locations_to_legacy_emsp(runtime& rt, exchange& ex, const segments& rest);  // L5, L6

}  // namespace ocpi::proxy
