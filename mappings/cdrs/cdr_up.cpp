// CDR 2.1.1 -> 2.2.1, MAPPING §3.5.2, §3.5.3 (location -> cdr_location), §3.5.5 (periods and the
// replacement period of an emptied list), §3.5.6 (signed_data verbatim). The token fields are
// resolved by the end hook as for Sessions (§3.4.4).
#include <array>
#include <cmath>

#include "cdrs/cdr_state.hpp"
#include "cdrs/entries.hpp"
#include "common/datetime.hpp"
#include "common/enums.hpp"
#include "common/text.hpp"
#include "sessions/charging_period.hpp"
#include "sessions/legacy_location.hpp"
#include "sessions/token_resolution.hpp"
#include "tariffs/tariff_rules.hpp"

namespace ocpi::mappings::cdrs {

using namespace sessions;

namespace {

bool begin_up(walk& w, object_state& st) {
  const auto owner = up_owner(w);
  if (!owner) return w.fail(status::server_error, {}, "CDR owner unknown: no URL owner and no legacy party");
  w.out.field("country_code", owner->country_code);
  w.out.field("party_id", owner->party_id);
  return peek_string(w, st, "authorization_id", state(st).authorization);
}

bool capture_id(walk& w, od::value v, std::size_t max, std::string_view& into) {
  if (!w.read_string(v, {}, into)) return false;
  if (into.size() > max) return w.fail(status::invalid_parameters, {}, "longer than " + std::to_string(max) + " characters");
  return true;
}

bool auth_id_up(walk& w, const field_rule&, od::value v, object_state& st) { return capture_id(w, v, 36, state(st).auth_id); }
bool authorization_id_up(walk& w, const field_rule&, od::value v, object_state& st) {
  return capture_id(w, v, 36, state(st).authorization);
}
bool auth_method_up(walk& w, const field_rule&, od::value v, object_state& st) {
  auto& s = state(st).auth_method;
  if (!w.read_string(v, {}, s)) return false;
  if (!enums::auth_method_up.find(s)) return w.fail(status::invalid_parameters, {}, "'" + std::string(s) + "' is not a valid AuthMethod");
  return true;
}

bool start_up(walk& w, const field_rule&, od::value v, object_state& st) {
  auto& s = state(st).start;
  if (!w.read_string(v, {}, s)) return false;
  std::string norm;
  if (!normalize_datetime(s, false, norm)) return w.fail(status::invalid_parameters, {}, "not a valid DateTime");
  w.out.field("start_date_time", norm);
  return true;
}

bool number_up(walk& w, std::string_view key, od::value v, std::string_view& into) {
  if (!capture_number(w, v, into)) return false;
  w.out.field_raw(key, into);
  return true;
}
bool total_energy(walk& w, const field_rule& r, od::value v, object_state& st) { return number_up(w, r.in, v, state(st).total_energy); }
bool total_time(walk& w, const field_rule& r, od::value v, object_state& st) { return number_up(w, r.in, v, state(st).total_time); }
bool total_parking_time(walk& w, const field_rule& r, od::value v, object_state& st) {
  return number_up(w, r.in, v, state(st).total_parking_time);
}
bool total_cost_up(walk&w, const field_rule&, od::value v, object_state&) { return price_up(w, "total_cost", v); }

bool periods_up(walk& w, const field_rule&, od::value v, object_state& st) {
  int kept = 0;
  if (!charging_periods(w, v, st, true, true, kept)) return false;
  state(st).periods_empty = kept == 0;
  return true;
}

// The cached EVSE/connector of the CPO's own Location, for the fields a CDR location lacks.
struct cached_evse {
  std::string evse_id, standard, format, power_type;
};
cached_evse from_cache(walk& w, const party& owner, std::string_view location_id, std::string_view evse_uid,
                       std::string_view connector_id) {
  thread_local side_parser parser;
  cached_evse c;
  const auto text = w.ctx.location(owner, location_id);
  simdjson::dom::element loc;
  simdjson::dom::array evses, connectors;
  if (!text || parser.parse(*text, loc) || loc["evses"].get(evses)) return c;
  for (simdjson::dom::element e : evses) {
    std::string_view uid, s;
    if (e["uid"].get(uid) || !iequals(uid, evse_uid)) continue;
    if (!e["evse_id"].get(s)) c.evse_id.assign(s);
    if (e["connectors"].get(connectors)) break;
    for (simdjson::dom::element k : connectors) {
      std::string_view id;
      if (k["id"].get(id) || !iequals(id, connector_id)) continue;
      if (!k["standard"].get(s)) c.standard.assign(s);
      if (!k["format"].get(s)) c.format.assign(s);
      if (!k["power_type"].get(s)) c.power_type.assign(s);
    }
    break;
  }
  return c;
}

bool require(walk& w, std::string_view field, std::string_view value) {
  if (!value.empty()) return true;
  return w.fail(status::invalid_parameters, field, "missing mandatory field (3.5.3)");
}

// §3.5.3: the snapshot is the CDR's own location; the cache only completes what it lacks.
bool location_up(walk& w, const field_rule&, od::value v, object_state& st) {
  legacy_location loc;
  if (!read_legacy_location(w, v, loc)) return false;
  const party owner = *up_owner(w);
  const auto auth = find_authorization(w, owner, state(st).authorization);
  std::string storage;
  std::string_view evse_uid = loc.evse_uid, connector_id = loc.connector_id;
  if (!complete_location_ids(w, {}, auth, {}, evse_uid, connector_id, storage)) return false;
  cached_evse cache;
  if (loc.evse_id.empty() || loc.standard.empty() || evse_uid != loc.evse_uid || connector_id != loc.connector_id)
    cache = from_cache(w, owner, loc.id, evse_uid, connector_id);
  const bool same_connector = evse_uid == loc.evse_uid && connector_id == loc.connector_id;
  const std::string_view standard = same_connector ? loc.standard : std::string_view(cache.standard);
  const std::string_view format = same_connector ? loc.format : std::string_view(cache.format);
  const std::string_view power = same_connector ? loc.power_type : std::string_view(cache.power_type);
  if (!require(w, "address", loc.address) || !require(w, "city", loc.city) || !require(w, "country", loc.country) ||
      !require(w, "coordinates.latitude", loc.latitude) || !require(w, "coordinates.longitude", loc.longitude) ||
      !require(w, "evses[0].connectors[0].standard", standard) || !require(w, "evses[0].connectors[0].format", format) ||
      !require(w, "evses[0].connectors[0].power_type", power))
    return false;
  std::string_view evse_id = same_connector || evse_uid == loc.evse_uid ? loc.evse_id : std::string_view{};
  if (evse_id.empty()) evse_id = cache.evse_id;
  if (evse_id.empty()) {
    evse_id = "#NA";
    w.lost(loss_kind::defaulted, "evses[0].evse_id", "no evse_id in the CDR or the cache: #NA (3.5.3)");
  }
  auto& out = w.out;
  out.key("cdr_location");
  out.begin_object();
  out.field("id", loc.id);
  if (!loc.name.empty()) out.field("name", loc.name);
  out.field("address", loc.address);
  out.field("city", loc.city);
  if (!loc.postal_code.empty()) out.field("postal_code", loc.postal_code);
  out.field("country", loc.country);
  out.key("coordinates");
  out.begin_object();
  out.field("latitude", loc.latitude);
  out.field("longitude", loc.longitude);
  out.end_object();
  out.field("evse_uid", evse_uid);
  out.field("evse_id", evse_id);
  out.field("connector_id", connector_id);
  out.field("connector_standard", standard);
  out.field("connector_format", format);
  out.field("connector_power_type", power);
  out.end_object();
  return true;
}

bool end_up(walk& w, object_state& st) {
  auto& s = state(st);
  const auto auth = find_authorization(w, *up_owner(w), s.authorization);
  if (!write_token_fields(w, s.auth_id, s.auth_method, s.authorization, auth)) return false;
  if (s.periods_empty) write_replacement_period(w, s);
  return true;
}

constexpr std::array up_fields{
    field_rule{.in = "id", .k = kind::string, .required = true, .max_len = 36, .section = "3.5.2"},
    field_rule{.in = "start_date_time", .k = kind::custom, .required = true, .fn = start_up, .section = "3.5.2"},
    field_rule{.in = "stop_date_time", .out = "end_date_time", .k = kind::datetime, .required = true, .section = "3.5.2"},
    field_rule{.in = "auth_id", .k = kind::custom, .required = true, .fn = auth_id_up, .section = "3.4.4"},
    field_rule{.in = "auth_method", .k = kind::custom, .required = true, .fn = auth_method_up, .section = "3.5.2"},
    field_rule{.in = "authorization_id", .out = "authorization_reference", .k = kind::custom, .fn = authorization_id_up, .section = "4.1"},
    field_rule{.in = "location", .k = kind::custom, .required = true, .fn = location_up, .section = "3.5.3"},
    field_rule{.in = "meter_id", .k = kind::string, .max_len = 255, .section = "3.5.2"},
    field_rule{.in = "currency", .k = kind::string, .required = true, .max_len = 3, .section = "3.5.2"},
    field_rule{.in = "tariffs", .k = kind::object_array, .sub = &tariffs::tariff_rules_up, .section = "3.6"},
    field_rule{.in = "charging_periods", .k = kind::custom, .required = true, .fn = periods_up, .section = "3.5.5"},
    field_rule{.in = "signed_data", .k = kind::verbatim, .section = "3.5.6"},
    field_rule{.in = "total_cost", .k = kind::custom, .required = true, .fn = total_cost_up, .section = "3.5.2"},
    field_rule{.in = "total_energy", .k = kind::custom, .required = true, .fn = total_energy, .section = "3.5.2"},
    field_rule{.in = "total_time", .k = kind::custom, .required = true, .fn = total_time, .section = "3.5.2"},
    field_rule{.in = "total_parking_time", .k = kind::custom, .fn = total_parking_time, .section = "3.5.2"},
    field_rule{.in = "remark", .k = kind::text, .max_len = 255, .section = "3.5.2"},
    field_rule{.in = "last_updated", .k = kind::datetime, .required = true, .section = "3.5.2"},
};

}  // namespace

const object_rules cdr_rules_up{"CDR 2.1.1", up_fields, begin_up, end_up};

bool cdr_up(walk& w, od::value root, bool* dropped) {
  cdr_state s;
  scoped_state scope(s);
  return w.object(root, cdr_rules_up, nullptr, dropped);
}

}  // namespace ocpi::mappings::cdrs
