// Reading the 2.1.1 Location embedded in Sessions/CDRs (MAPPING §3.4.2, §3.5.3).
#include "sessions/legacy_location.hpp"

#include "common/enums.hpp"

namespace ocpi::mappings::sessions {

namespace {

using field_fn = bool (*)(walk&, std::string_view key, od::value, legacy_location&);

// Iterates an object, calling `fn` for every non-null member with the path pushed.
bool members(walk& w, od::value v, legacy_location& loc, field_fn fn) {
  return w.each_member(v, [&](std::string_view k, od::value fv) { return fn(w, k, fv, loc); });
}

bool read_id(walk& w, od::value v, std::size_t max, std::string_view& out) {
  if (!w.read_string(v, {}, out)) return false;
  if (out.size() > max) return w.fail(status::invalid_parameters, {}, "longer than " + std::to_string(max) + " characters");
  return true;
}

bool read_enum(walk& w, od::value v, const enum_map& m, std::string_view& out) {
  if (!w.read_string(v, {}, out)) return false;
  if (!m.find(out)) return w.fail(status::invalid_parameters, {}, "'" + std::string(out) + "' is not a valid " + std::string(m.name));
  return true;
}

bool connector_field(walk& w, std::string_view k, od::value v, legacy_location& loc) {
  if (k == "id") return read_id(w, v, 36, loc.connector_id);
  if (k == "standard") return read_enum(w, v, enums::connector_type_up, loc.standard);
  if (k == "format") return read_enum(w, v, enums::connector_format, loc.format);
  if (k == "power_type") return read_enum(w, v, enums::power_type_up, loc.power_type);
  return true;  // voltage, amperage, tariff_id...: not part of the 2.2.1 references
}

bool evse_field(walk& w, std::string_view k, od::value v, legacy_location& loc) {
  if (k == "uid") {
    if (!read_id(w, v, 39, loc.evse_uid)) return false;
    if (loc.evse_uid.size() > 36) return w.fail(status::invalid_parameters, {}, "identifier longer than 36 characters");
    return true;
  }
  if (k == "evse_id") return read_id(w, v, 48, loc.evse_id);
  if (k != "connectors") return true;
  od::array arr;
  if (auto ec = v.get_array().get(arr)) return w.fail_json({}, ec);
  for (auto e : arr) {
    od::value ev;
    if (auto ec = e.get(ev)) return w.fail_json({}, ec);
    if (loc.connectors++ > 0) continue;  // only the first one is read
    w.push(std::size_t{0});
    const bool ok = members(w, ev, loc, connector_field);
    w.pop();
    if (!ok) return false;
  }
  return true;
}

bool coordinates_field(walk& w, std::string_view k, od::value v, legacy_location& loc) {
  if (k == "latitude") return read_id(w, v, 10, loc.latitude);
  if (k == "longitude") return read_id(w, v, 11, loc.longitude);
  return true;
}

bool location_field(walk& w, std::string_view k, od::value v, legacy_location& loc) {
  if (k == "id") {
    if (!read_id(w, v, 39, loc.id)) return false;
    if (loc.id.size() > 36) {
      if (w.opts().ids_long_id_policy != "HASH")
        return w.fail(status::invalid_parameters, {}, "identifier longer than 36 characters");
      loc.hashed_id = w.ctx.hash_long_id(loc.id);
      loc.id = loc.hashed_id;
      w.lost(loss_kind::derived, {}, "long id replaced by its hash (1.9)");
    }
    return true;
  }
  if (k == "name") return w.read_string(v, {}, loc.name);
  if (k == "address") return w.read_string(v, {}, loc.address);
  if (k == "city") return w.read_string(v, {}, loc.city);
  if (k == "postal_code") return w.read_string(v, {}, loc.postal_code);
  if (k == "country") return w.read_string(v, {}, loc.country);
  if (k == "coordinates") {
    loc.coordinates = true;
    return members(w, v, loc, coordinates_field);
  }
  if (k != "evses") return true;  // the rest of the Location is not carried by 2.2.1 (3.4.2)
  od::array arr;
  if (auto ec = v.get_array().get(arr)) return w.fail_json({}, ec);
  for (auto e : arr) {
    od::value ev;
    if (auto ec = e.get(ev)) return w.fail_json({}, ec);
    if (loc.evses++ > 0) continue;
    w.push(std::size_t{0});
    const bool ok = members(w, ev, loc, evse_field);
    w.pop();
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool read_legacy_location(walk& w, od::value v, legacy_location& loc) {
  if (!members(w, v, loc, location_field)) return false;
  if (loc.id.empty()) return w.fail(status::invalid_parameters, "id", "missing mandatory field (3.4.2)");
  if (loc.evses > 1) w.lost(loss_kind::warning, "evses", "several EVSEs: the first is used (3.4.2)");
  if (loc.connectors > 1) w.lost(loss_kind::warning, "evses[0].connectors", "several connectors: the first is used (3.4.2)");
  return true;
}

bool complete_location_ids(walk& w, std::string_view field, const std::optional<authorization_record>& auth,
                           std::string_view cached_session, std::string_view& evse_uid,
                           std::string_view& connector_id, std::string& storage) {
  if (!evse_uid.empty() && !connector_id.empty()) return true;
  std::string evse, connector;
  if (auth) {
    if (evse_uid.empty() && !auth->evse_uids.empty()) evse = auth->evse_uids.front();
    if (connector_id.empty()) connector = auth->connector_id;
  }
  if (!cached_session.empty() && ((evse_uid.empty() && evse.empty()) || (connector_id.empty() && connector.empty()))) {
    thread_local side_parser parser;
    simdjson::dom::element s;
    std::string_view e, c;
    if (!parser.parse(cached_session, s)) {
      if (evse_uid.empty() && evse.empty() && !s["evse_uid"].get(e)) evse.assign(e);
      if (connector_id.empty() && connector.empty() && !s["connector_id"].get(c)) connector.assign(c);
    }
  }
  if ((evse_uid.empty() && evse.empty()) || (connector_id.empty() && connector.empty()))
    return w.fail(status::invalid_parameters, field, "location without EVSE/connector and no authorization or session to complete it (3.4.2)");
  // One buffer holds both values; views are taken after it stops growing.
  storage = evse + '\n' + connector;
  const std::string_view all = storage;
  if (evse_uid.empty()) evse_uid = all.substr(0, evse.size());
  if (connector_id.empty()) connector_id = all.substr(evse.size() + 1);
  w.lost(loss_kind::derived, field, "EVSE/connector taken from the authorization map or session cache (3.4.2)");
  return true;
}

}  // namespace ocpi::mappings::sessions
