#pragma once
// Building the full 2.1.1 Location a Session (§3.4.5) or a CDR (§3.5.4) must embed, from the
// cached 2.2.1 Location, keeping only the EVSE and connector the object refers to. The field
// mapping follows §3.1.2-§3.1.6 for every field emitted, with the eMSP emulations of §4.2/§4.6
// when the recipient is a legacy eMSP.
#include "engine/walk.hpp"

namespace ocpi::mappings::sessions {

// The CdrLocation snapshot (§3.5.4): these values win over the cache.
struct cdr_location_snapshot {
  std::string_view id, name, address, city, postal_code, country, latitude, longitude;
  std::string_view evse_uid, evse_id, connector_id, standard, format, power_type;
  bool coordinates = false;
};

struct location_211_args {
  party owner;
  std::string_view location_id, evse_uid, connector_id;
  const cdr_location_snapshot* cdr = nullptr;  // set for CDRs: cache misses fall back (§3.5.4)
  std::string_view fallback_last_updated;       // CDR last_updated (raw, normalised here)
};

// Writes `"location": {...}`. A Session whose Location is not cached fails with 3000 and a
// message naming the Location so the proxy can GET it from IOP and retry (§3.4.5).
bool write_location_211(walk& w, std::string_view field, const location_211_args& a);

}  // namespace ocpi::mappings::sessions
