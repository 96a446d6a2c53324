#pragma once
// The 2.1.1 Location embedded in a Session or CDR (up). Only what 2.2.1 keeps is read: the three
// ids (§3.4.2) and the CdrLocation snapshot fields (§3.5.3); the rest of the Location is reduced
// away by design. Values are views into the input.
#include <string>

#include "engine/walk.hpp"

namespace ocpi::mappings::sessions {

struct legacy_location {
  std::string_view id, name, address, city, postal_code, country, latitude, longitude;
  std::string_view evse_uid, evse_id, connector_id, standard, format, power_type;
  std::string hashed_id;  // the id replaced under ids.long_id_policy=HASH (§1.9)
  int evses = 0;           // EVSEs in the input (the first one is used)
  int connectors = 0;      // connectors of the first EVSE
  bool coordinates = false;
};

// Reads the `location` value; reports several EVSEs/connectors as a warning (§3.4.2).
bool read_legacy_location(walk& w, od::value v, legacy_location& loc);

// Fills missing evse_uid / connector_id from the authorization map record, then from `session`
// (a cached 2.2.1 Session, may be empty). Returns false (2001, permanent) when still missing.
bool complete_location_ids(walk& w, std::string_view field, const std::optional<authorization_record>& auth,
                           std::string_view cached_session, std::string_view& evse_uid,
                           std::string_view& connector_id, std::string& storage);

}  // namespace ocpi::mappings::sessions
