#pragma once
// Filling the Location cache on a miss (MAPPING §5.3): a Session toward a legacy eMSP cannot be
// written without its Location (§3.4.5), a CDR is written better with it (§3.5.4), and a legacy
// CPO checking one of its Sessions (S3) gets its own Location back. One GET object per miss,
// cached when the answer is the Location asked for; a failure leaves the cache as it was and the
// translation then applies its own fallback or refusal.
#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "proxy/router/exchange.hpp"
#include "proxy/router/runtime.hpp"

namespace ocpi::proxy {

// The uids of the EVSEs of the cached Location (owner, id), in cache order; empty when not cached.
std::vector<std::string> cached_evse_uids(runtime& rt, const party& owner, std::string_view id);

// The cache holds (owner, id) and, when `evse_uid` is not empty, that EVSE in it.
bool location_cached(runtime& rt, const party& owner, std::string_view id, std::string_view evse_uid = {});

// §3.4.5: unless cached with that EVSE, GET the Location once from IOP's Locations SENDER on behalf
// of `asking` (routing per §1.4: to IOP, or to the owner with routing.directed_to=OWNER).
boost::asio::awaitable<void> ensure_location_from_iop(runtime& rt, exchange& ex, const legacy_party& asking,
                                                      const party& owner, std::string_view id,
                                                      std::string_view evse_uid);

// S3: unless cached, GET the legacy CPO's own Location from its 2.1.1 interface, up-converted.
boost::asio::awaitable<void> ensure_location_from_legacy_cpo(runtime& rt, exchange& ex, const legacy_config& cpo,
                                                             std::string_view id);

}  // namespace ocpi::proxy
