// Enum tables and helper rows shared by the Locations tables (MAPPING §3.1.8, Appendix B).
#include <array>

#include "locations/rules.hpp"

namespace ocpi::mappings::locations {

namespace {
#define SAME(v) enum_value{v, v}
constexpr std::array parking_211{SAME("ON_STREET"), SAME("PARKING_GARAGE"), SAME("UNDERGROUND_GARAGE"),
                                 SAME("PARKING_LOT"), enum_value{"OTHER", ""}, enum_value{"UNKNOWN", ""}};
constexpr std::array parking_221{SAME("ON_STREET"), SAME("PARKING_GARAGE"), SAME("UNDERGROUND_GARAGE"),
                                 SAME("PARKING_LOT"), enum_value{"ALONG_MOTORWAY", "OTHER"},
                                 enum_value{"ON_DRIVEWAY", "OTHER"}};
#define FACILITIES_211                                                                              \
  SAME("HOTEL"), SAME("RESTAURANT"), SAME("CAFE"), SAME("MALL"), SAME("SUPERMARKET"), SAME("SPORT"), \
      SAME("RECREATION_AREA"), SAME("NATURE"), SAME("MUSEUM"), SAME("BUS_STOP"), SAME("TAXI_STAND"), \
      SAME("TRAIN_STATION"), SAME("AIRPORT"), SAME("CARPOOL_PARKING"), SAME("FUEL_STATION"), SAME("WIFI")
constexpr std::array facilities_211{FACILITIES_211};
constexpr std::array facilities_221{FACILITIES_211, enum_value{"BIKE_SHARING", ""}, enum_value{"TRAM_STOP", ""},
                                    enum_value{"METRO_STATION", ""}, enum_value{"PARKING_LOT", ""}};
#undef FACILITIES_211
#define CAPABILITIES_211                                                                      \
  SAME("CHARGING_PROFILE_CAPABLE"), SAME("CREDIT_CARD_PAYABLE"), SAME("REMOTE_START_STOP_CAPABLE"), \
      SAME("RESERVABLE"), SAME("RFID_READER"), SAME("UNLOCK_CAPABLE")
constexpr std::array capabilities_211{CAPABILITIES_211};
constexpr std::array capabilities_221{
    CAPABILITIES_211, enum_value{"CHARGING_PREFERENCES_CAPABLE", ""}, enum_value{"CHIP_CARD_SUPPORT", ""},
    enum_value{"CONTACTLESS_CARD_SUPPORT", ""}, enum_value{"DEBIT_CARD_PAYABLE", ""},
    enum_value{"PED_TERMINAL", ""}, enum_value{"START_SESSION_CONNECTOR_REQUIRED", ""},
    enum_value{"TOKEN_GROUP_CAPABLE", ""}};
#undef CAPABILITIES_211
constexpr std::array statuses{SAME("AVAILABLE"), SAME("BLOCKED"), SAME("CHARGING"), SAME("INOPERATIVE"),
                              SAME("OUTOFORDER"), SAME("PLANNED"), SAME("REMOVED"), SAME("RESERVED"),
                              SAME("UNKNOWN")};
constexpr std::array restrictions{SAME("EV_ONLY"), SAME("PLUGGED"), SAME("DISABLED"), SAME("CUSTOMERS"),
                                  SAME("MOTORCYCLES")};
#undef SAME
}  // namespace

const enum_map parking_type_up{"ParkingType", parking_211};
const enum_map parking_type_down{"LocationType", parking_221};
const enum_map facility_up{"Facility", facilities_211};
const enum_map facility_down{"Facility", facilities_221};
const enum_map capability_up{"Capability", capabilities_211};
const enum_map capability_down{"Capability", capabilities_221};
const enum_map evse_status{"Status", statuses};
const enum_map parking_restriction{"ParkingRestriction", restrictions};

bool patch_null(walk& w, od::value& v, bool& ok) {
  bool null = false;
  if (auto ec = v.is_null().get(null)) {
    ok = w.fail_json({}, ec);
    return true;
  }
  if (null) {
    ok = true;
    w.lost(loss_kind::dropped, {}, "null in a PATCH cannot clear a field (1.8.4)");
  }
  return null;
}

bool long_id_up(walk& w, const field_rule& r, od::value v, object_state&) {
  bool ok = true;
  if (patch_null(w, v, ok)) return ok;
  std::string_view id;
  if (!w.read_string(v, {}, id)) return false;
  w.out.plain_key(r.target());
  if (id.size() <= 36) {
    w.out.string(id);
    return true;
  }
  if (w.opts().ids_long_id_policy != "HASH")
    return w.fail(status::invalid_parameters, {}, "identifier longer than 36 characters");
  const std::string hashed = w.ctx.hash_long_id(id);
  w.lost(loss_kind::derived, {}, "identifier longer than 36 characters replaced by " + hashed + " (1.9)");
  w.out.string(hashed);
  return true;
}

void patch_last_updated(walk& w, const object_state& st) {
  if (!w.patch() || st.has("last_updated")) return;
  w.out.plain_key("last_updated");
  w.out.string(w.ctx.now());
  w.lost(loss_kind::defaulted, "last_updated", "PATCH without last_updated: receive time used (1.8.4)");
}

}  // namespace ocpi::mappings::locations
