// The 2.1.1 Location embedded in Sessions (MAPPING §3.4.5) and CDRs (§3.5.4), rebuilt from the
// cached 2.2.1 Location (a DOM from side_parser) and written with json_writer. Only the fields
// 2.1.1 defines are emitted, mapped as §3.1.2-§3.1.6 say; 2.2.1-only fields of the cached
// Location (publish, state, max_electric_power...) are left out without a loss entry: the
// Location module reports them on Location pushes.
#include "sessions/location_211.hpp"

#include <array>

#include "common/datetime.hpp"
#include "common/enums.hpp"
#include "common/geo.hpp"
#include "common/text.hpp"
#include "locations/tariff_choice.hpp"

namespace ocpi::mappings::sessions {

namespace {

namespace dom = simdjson::dom;
constexpr int max_depth = 32;

std::string_view str(dom::element e, const char* k) {
  std::string_view s;
  if (e[k].get(s)) return {};
  return s;
}

bool present(dom::element e, const char* k) {
  dom::element v;
  return !e[k].get(v) && !v.is_null();
}

void copy_dom(json_writer& out, dom::element e, int depth = 0) {
  if (depth > max_depth) {
    out.null();
    return;
  }
  switch (e.type()) {
    case dom::element_type::OBJECT: {
      dom::object o;
      if (e.get(o)) { out.null(); return; }
      out.begin_object();
      for (auto f : o) {
        if (f.value.is_null()) continue;
        out.key(f.key);
        copy_dom(out, f.value, depth + 1);
      }
      out.end_object();
      return;
    }
    case dom::element_type::ARRAY: {
      dom::array a;
      if (e.get(a)) { out.null(); return; }
      out.begin_array();
      for (dom::element v : a) copy_dom(out, v, depth + 1);
      out.end_array();
      return;
    }
    case dom::element_type::STRING: {
      std::string_view s;
      if (e.get(s)) { out.null(); return; }
      out.string(s);
      return;
    }
    case dom::element_type::INT64: {
      std::int64_t i = 0;
      if (e.get(i)) { out.null(); return; }
      out.integer(i);
      return;
    }
    case dom::element_type::UINT64: {
      std::uint64_t u = 0;
      if (e.get(u)) { out.null(); return; }
      out.raw(std::to_string(u));
      return;
    }
    case dom::element_type::DOUBLE: {
      double d = 0;
      if (e.get(d)) { out.null(); return; }
      out.number(d);
      return;
    }
    case dom::element_type::BOOL: {
      bool b = false;
      if (e.get(b)) { out.null(); return; }
      out.boolean(b);
      return;
    }
    case dom::element_type::NULL_VALUE: out.null(); return;
  }
}

void copy_field(json_writer& out, dom::element e, const char* k) {
  dom::element v;
  if (e[k].get(v) || v.is_null()) return;
  out.key(k);
  copy_dom(out, v);
}

std::int64_t integer_or_zero(dom::element e, const char* k) {
  std::int64_t i = 0;
  if (!e[k].get(i)) return i;
  double d = 0;
  if (!e[k].get(d)) return static_cast<std::int64_t>(d);
  return 0;
}

void write_datetime(walk& w, std::string_view key, std::string_view raw) {
  std::string norm;
  if (!normalize_datetime(raw, w.opts().time_strip_fraction_for_211, norm)) norm.assign(raw);
  w.out.field(key, norm);
}

// §1.9 through common/geo; a value that is not a coordinate is passed on as received.
std::string coordinate(std::string_view v, int int_digits) {
  std::string out;
  if (!normalize_coordinate(v, int_digits, out)) out.assign(v);
  return out;
}

void write_coordinates(json_writer& out, std::string_view key, std::string_view lat, std::string_view lon) {
  out.key(key);
  out.begin_object();
  out.field("latitude", coordinate(lat, latitude_digits));
  out.field("longitude", coordinate(lon, longitude_digits));
  out.end_object();
}

void write_coordinates(json_writer& out, dom::element e, const char* k) {
  dom::element c;
  if (e[k].get(c) || !c.is_object()) return;
  write_coordinates(out, k, str(c, "latitude"), str(c, "longitude"));
}

// Keeps the values 2.1.1 defines (§3.1.3, §3.1.2).
void filtered_strings(json_writer& out, dom::element e, const char* k, std::span<const std::string_view> keep) {
  dom::array a;
  if (e[k].get(a)) return;
  out.key(k);
  out.begin_array();
  for (dom::element v : a) {
    std::string_view s;
    if (v.get(s)) continue;
    for (auto x : keep)
      if (x == s) out.string(s);
  }
  out.end_array();
}

constexpr std::array<std::string_view, 6> capabilities_211{"CHARGING_PROFILE_CAPABLE", "CREDIT_CARD_PAYABLE",
                                                          "REMOTE_START_STOP_CAPABLE", "RESERVABLE",
                                                          "RFID_READER", "UNLOCK_CAPABLE"};
constexpr std::array<std::string_view, 16> facilities_211{
    "HOTEL", "RESTAURANT", "CAFE", "MALL", "SUPERMARKET", "SPORT", "RECREATION_AREA", "NATURE",
    "MUSEUM", "BUS_STOP", "TAXI_STAND", "TRAIN_STATION", "AIRPORT", "CARPOOL_PARKING", "FUEL_STATION", "WIFI"};

// §3.1.2 parking_type -> type.
std::string_view location_type(std::string_view parking_type) {
  if (parking_type == "ON_STREET" || parking_type == "PARKING_GARAGE" || parking_type == "UNDERGROUND_GARAGE" ||
      parking_type == "PARKING_LOT")
    return parking_type;
  if (parking_type.empty()) return "UNKNOWN";
  return "OTHER";
}

// §3.1.6 down: twentyfourseven true -> {twentyfourseven: true}; false -> regular_hours only.
void write_hours(json_writer& out, dom::element loc) {
  dom::element h;
  if (loc["opening_times"].get(h) || !h.is_object()) return;
  bool always = false;
  if (h["twentyfourseven"].get(always)) always = false;
  out.key("opening_times");
  out.begin_object();
  if (always) out.field("twentyfourseven", true);
  else if (present(h, "regular_hours")) copy_field(out, h, "regular_hours");
  else out.field("twentyfourseven", false);  // no hours at all: 2.1.1 needs one of the two
  copy_field(out, h, "exceptional_openings");
  copy_field(out, h, "exceptional_closings");
  out.end_object();
}

// §3.1.2 operator, with the "who is the CPO" emulation toward legacy eMSPs (§4.2).
void write_operator(walk& w, dom::element loc, bool cached, const party& owner) {
  const bool emulate = w.req.to == recipient::legacy_emsp && w.opts().emsp_operator_name_mode == "EMI3_PARTY";
  dom::element op;
  const bool has = cached && !loc["operator"].get(op) && op.is_object();
  if (has && !emulate) {
    w.out.key("operator");
    copy_dom(w.out, op);
    return;
  }
  w.out.key("operator");
  w.out.begin_object();
  w.out.field("name", owner.emi3());
  if (has) {
    copy_field(w.out, op, "website");
    copy_field(w.out, op, "logo");
  }
  w.out.end_object();
}

std::string_view find_by(dom::element parent, const char* list, const char* key, std::string_view id, dom::element& out) {
  dom::array a;
  if (parent[list].get(a)) return {};
  for (dom::element e : a)
    if (iequals(str(e, key), id)) {
      out = e;
      return str(e, key);
    }
  return {};
}

bool connector_211_standard(std::string_view standard) {
  const enum_value* e = enums::connector_type_down.find(standard);
  return e && !e->to.empty();
}

std::string_view power_type_211(walk& w, std::string_view field, std::string_view p) {
  const enum_value* e = enums::power_type_down.find(p);
  if (!e) return p;
  if (e->to != p) w.lost(loss_kind::derived, field, std::string(p) + " written as " + std::string(e->to) + " (3.1.4)");
  return e->to;
}

// One cached connector, §3.1.4 down; `tariff` adds the §4.4 tariff_id (Sessions only).
void write_connector(walk& w, dom::element c, const party& owner, bool tariff) {
  auto& out = w.out;
  out.begin_object();
  out.field("id", str(c, "id"));
  out.field("standard", str(c, "standard"));
  out.field("format", str(c, "format"));
  out.field("power_type", power_type_211(w, "connector_id", str(c, "power_type")));
  out.key("voltage");
  out.integer(integer_or_zero(c, "max_voltage"));
  out.key("amperage");
  out.integer(integer_or_zero(c, "max_amperage"));
  dom::array ids;
  if (tariff && !c["tariff_ids"].get(ids) && ids.size() > 0) {
    std::array<std::string_view, 16> v{};
    std::size_t n = 0;
    for (dom::element e : ids)
      if (std::string_view s; !e.get(s) && n < v.size()) v[n++] = s;
    if (n) out.field("tariff_id", locations::choose_tariff_id(w.ctx, owner, {v.data(), n}));
  }
  copy_field(out, c, "terms_and_conditions");
  write_datetime(w, "last_updated", str(c, "last_updated"));
  out.end_object();
}

// Session EVSE (§3.4.5): the cached EVSE down-converted, with only the referenced connector.
bool write_session_evse(walk& w, dom::element evse, std::string_view connector_id, const party& owner) {
  auto& out = w.out;
  dom::element conn;
  const bool found = !find_by(evse, "connectors", "id", connector_id, conn).empty();
  dom::element model = conn;
  if (!found) {  // skeleton from another connector of the same EVSE (§3.4.5)
    dom::array a;
    if (evse["connectors"].get(a) || a.size() == 0)
      return w.fail(status::server_error, "connector_id", "connector " + std::string(connector_id) +
                                                  " not in the cached Location and no other connector to describe it: refresh the Location from IOP and retry (3.4.5)");
    model = *a.begin();
  }
  if (!connector_211_standard(str(model, "standard"))) {
    out.key("evses");
    out.begin_array();
    out.end_array();
    w.lost(loss_kind::warning, "connector_id", "connector standard " + std::string(str(model, "standard")) + " does not exist in 2.1.1: evses [] (3.5.4)");
    return true;
  }
  out.key("evses");
  out.begin_array();
  out.begin_object();
  out.field("uid", str(evse, "uid"));
  if (!found) {
    w.lost(loss_kind::defaulted, "connector_id", "connector " + std::string(connector_id) + " not in the cached Location: EVSE skeleton (3.4.5)");
    out.field("status", std::string_view("UNKNOWN"));
    out.key("connectors");
    out.begin_array();
    out.begin_object();
    out.field("id", connector_id);
    out.field("standard", str(model, "standard"));
    out.field("format", str(model, "format"));
    out.field("power_type", power_type_211(w, "connector_id", str(model, "power_type")));
    out.key("voltage");
    out.integer(0);
    out.key("amperage");
    out.integer(0);
    write_datetime(w, "last_updated", str(evse, "last_updated"));
    out.end_object();
    out.end_array();
    write_datetime(w, "last_updated", str(evse, "last_updated"));
    out.end_object();
    out.end_array();
    return true;
  }
  copy_field(out, evse, "evse_id");
  copy_field(out, evse, "status");
  copy_field(out, evse, "status_schedule");
  filtered_strings(out, evse, "capabilities", capabilities_211);
  out.key("connectors");
  out.begin_array();
  write_connector(w, conn, owner, true);
  out.end_array();
  copy_field(out, evse, "floor_level");
  write_coordinates(out, evse, "coordinates");
  copy_field(out, evse, "physical_reference");
  copy_field(out, evse, "directions");
  copy_field(out, evse, "parking_restrictions");
  copy_field(out, evse, "images");
  write_datetime(w, "last_updated", str(evse, "last_updated"));
  out.end_object();
  out.end_array();
  return true;
}

// CDR EVSE (§3.5.4): ids and plug from the snapshot, status/capabilities/ratings from the cache.
void write_cdr_evse(walk& w, const cdr_location_snapshot& s, dom::element evse, bool has_evse,
                    std::string_view fallback_last_updated) {
  auto& out = w.out;
  out.key("evses");
  out.begin_array();
  if (!connector_211_standard(s.standard)) {
    out.end_array();
    w.lost(loss_kind::warning, "connector_standard",
           "standard " + std::string(s.standard) + " does not exist in 2.1.1: evses [] (3.5.4)");
    return;
  }
  dom::element conn;
  const bool has_conn = has_evse && !find_by(evse, "connectors", "id", s.connector_id, conn).empty();
  out.begin_object();
  out.field("uid", s.evse_uid);
  if (!s.evse_id.empty() && s.evse_id != "#NA") out.field("evse_id", s.evse_id);
  if (has_evse && present(evse, "status")) copy_field(out, evse, "status");
  else out.field("status", std::string_view("UNKNOWN"));
  if (has_evse) filtered_strings(out, evse, "capabilities", capabilities_211);
  out.key("connectors");
  out.begin_array();
  out.begin_object();
  out.field("id", s.connector_id);
  out.field("standard", s.standard);
  out.field("format", s.format);
  out.field("power_type", power_type_211(w, "connector_power_type", s.power_type));
  out.key("voltage");
  out.integer(has_conn ? integer_or_zero(conn, "max_voltage") : 0);
  out.key("amperage");
  out.integer(has_conn ? integer_or_zero(conn, "max_amperage") : 0);
  write_datetime(w, "last_updated", has_conn ? str(conn, "last_updated") : fallback_last_updated);
  out.end_object();
  out.end_array();
  write_datetime(w, "last_updated", has_evse ? str(evse, "last_updated") : fallback_last_updated);
  out.end_object();
  out.end_array();
}

void write_text(walk& w, std::string_view key, std::string_view snapshot, dom::element loc, bool cached,
                std::size_t max = 0) {
  std::string_view v = !snapshot.empty() || !cached ? snapshot : str(loc, std::string(key).c_str());
  if (v.empty()) return;
  if (max && v.size() > max) {
    v = utf8_prefix(v, max);
    w.lost(loss_kind::truncated, key, "truncated to " + std::to_string(max) + " bytes (1.9)");
  }
  w.out.field(key, v);
}

}  // namespace

bool write_location_211(walk& w, std::string_view field, const location_211_args& a) {
  thread_local side_parser parser;
  const auto cached = w.ctx.location(a.owner, a.location_id);
  dom::element loc;
  const bool has_cache = cached && !parser.parse(*cached, loc) && loc.is_object();
  const std::string key_text = a.owner.country_code + "/" + a.owner.party_id + "/" + std::string(a.location_id);
  if (!has_cache && !a.cdr)
    return w.fail(status::server_error, field,
                  "location " + key_text + " not cached: GET it from IOP (locations SENDER) and retry (3.4.5)");
  auto& out = w.out;
  out.key("location");
  out.begin_object();
  std::string id(a.location_id);
  if (w.req.to == recipient::legacy_emsp)
    id = w.ctx.expose_location_id({a.owner, std::string(a.location_id)}, has_cache ? str(loc, "gireve_id") : "");
  out.field("id", id);
  out.field("type", location_type(has_cache ? str(loc, "parking_type") : ""));
  const cdr_location_snapshot* s = a.cdr;
  write_text(w, "name", s ? s->name : "", loc, has_cache);
  write_text(w, "address", s ? s->address : "", loc, has_cache, 45);
  write_text(w, "city", s ? s->city : "", loc, has_cache);
  const std::string_view postal = s ? s->postal_code : (has_cache ? str(loc, "postal_code") : "");
  out.field("postal_code", postal);
  write_text(w, "country", s ? s->country : "", loc, has_cache);
  if (s && s->coordinates) write_coordinates(out, "coordinates", s->latitude, s->longitude);
  else if (has_cache) write_coordinates(out, loc, "coordinates");

  const std::string_view evse_uid = s ? s->evse_uid : a.evse_uid;
  const std::string_view connector_id = s ? s->connector_id : a.connector_id;
  dom::element evse;
  const bool has_evse = has_cache && !find_by(loc, "evses", "uid", evse_uid, evse).empty();
  bool ok = true;
  if (evse_uid == "#NA" || connector_id == "#NA") {  // reservation without EVSE (§3.4.5, §3.5.4)
    out.key("evses");
    out.begin_array();
    out.end_array();
  } else if (s) {
    write_cdr_evse(w, *s, evse, has_evse, a.fallback_last_updated);
  } else if (!has_evse) {
    ok = w.fail(status::server_error, "evse_uid",
                "EVSE " + std::string(evse_uid) + " not in the cached location " + key_text +
                    ": refresh it from IOP and retry (3.4.5)");
  } else {
    ok = write_session_evse(w, evse, connector_id, a.owner);
  }
  if (!ok) return false;
  if (has_cache) copy_field(out, loc, "directions");
  write_operator(w, loc, has_cache, a.owner);
  if (has_cache) {
    copy_field(out, loc, "suboperator");
    copy_field(out, loc, "owner");
    filtered_strings(out, loc, "facilities", facilities_211);
    copy_field(out, loc, "time_zone");
    write_hours(out, loc);
    copy_field(out, loc, "charging_when_closed");
    copy_field(out, loc, "images");
    write_datetime(w, "last_updated", str(loc, "last_updated"));
  } else {
    w.lost(loss_kind::defaulted, field, "Location " + key_text + " not cached: type UNKNOWN, operator, status, ratings defaulted (3.5.4)");
    write_datetime(w, "last_updated", a.fallback_last_updated);
  }
  out.end_object();
  return true;
}

}  // namespace ocpi::mappings::sessions
