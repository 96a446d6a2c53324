// CDR 2.2.1 -> 2.1.1, MAPPING §3.5.2, §3.5.4 (cdr_location -> full 2.1.1 Location), §3.5.5,
// §3.5.6 (signed_data), §3.5.8 (exposed id), §3.5.9 (credit CDRs). The begin hook peeks the owner
// and last_updated, which the exposed ids and the Location fallbacks need before those fields
// may have been read.
#include <array>

#include "cdrs/cdr_state.hpp"
#include "cdrs/entries.hpp"
#include "common/datetime.hpp"
#include "common/enums.hpp"
#include "common/text.hpp"
#include "sessions/charging_period.hpp"
#include "sessions/location_211.hpp"
#include "sessions/token_resolution.hpp"
#include "tariffs/tariff_rules.hpp"

namespace ocpi::mappings::cdrs {

using namespace sessions;

namespace {

party owner_of(const walk& w, const cdr_state& s) {
  if (w.req.owner) return *w.req.owner;
  return {std::string(s.country_code), std::string(s.party_id)};
}

bool begin_down(walk& w, object_state& st) {
  auto& s = state(st);
  if (!w.req.owner && (!peek_string(w, st, "country_code", s.country_code) || !peek_string(w, st, "party_id", s.party_id)))
    return false;
  return peek_string(w, st, "last_updated", s.last_updated) && peek_string(w, st, "credit_reference_id", s.credit_reference);
}

bool capture_id(walk& w, od::value v, std::size_t max, std::string_view& into) {
  if (!w.read_string(v, {}, into)) return false;
  if (into.size() > max) return w.fail(status::invalid_parameters, {}, "longer than " + std::to_string(max) + " characters");
  return true;
}

bool country_code_down(walk& w, const field_rule&, od::value v, object_state& st) { return capture_id(w, v, 2, state(st).country_code); }
bool party_id_down(walk& w, const field_rule&, od::value v, object_state& st) { return capture_id(w, v, 3, state(st).party_id); }

// §3.5.8: toward a legacy eMSP the id is made unique across CPOs (emsp.cdr_id_mode).
std::string exposed_id(walk& w, const cdr_state& s, std::string_view id) {
  if (w.req.to != recipient::legacy_emsp) return std::string(id);
  return w.ctx.expose_cdr_id({owner_of(w, s), std::string(id)});
}

bool id_down(walk& w, const field_rule&, od::value v, object_state& st) {
  std::string_view id;
  if (!capture_id(w, v, 39, id)) return false;
  const std::string out = exposed_id(w, state(st), id);
  if (out.size() > 36) w.lost(loss_kind::warning, {}, "id longer than the 36 characters of a 2.1.1 CDR id (3.5.8)");
  w.out.field("id", out);
  return true;
}

bool start_down(walk& w, const field_rule&, od::value v, object_state& st) {
  auto& s = state(st).start;
  if (!w.read_string(v, {}, s)) return false;
  std::string norm;
  if (!normalize_datetime(s, w.opts().time_strip_fraction_for_211, norm)) return w.fail(status::invalid_parameters, {}, "not a valid DateTime");
  w.out.field("start_date_time", norm);
  return true;
}

bool read_snapshot_field(walk& w, std::string_view k, od::value v, cdr_location_snapshot& s) {
  struct row {
    std::string_view key;
    std::size_t max;
    std::string_view cdr_location_snapshot::*member;
    const enum_map* values;
  };
  static constexpr std::array rows{
      row{"id", 36, &cdr_location_snapshot::id, nullptr},
      row{"name", 255, &cdr_location_snapshot::name, nullptr},
      row{"address", 255, &cdr_location_snapshot::address, nullptr},
      row{"city", 45, &cdr_location_snapshot::city, nullptr},
      row{"postal_code", 10, &cdr_location_snapshot::postal_code, nullptr},
      row{"state", 20, nullptr, nullptr},
      row{"country", 3, &cdr_location_snapshot::country, nullptr},
      row{"evse_uid", 36, &cdr_location_snapshot::evse_uid, nullptr},
      row{"evse_id", 48, &cdr_location_snapshot::evse_id, nullptr},
      row{"connector_id", 36, &cdr_location_snapshot::connector_id, nullptr},
      row{"connector_standard", 64, &cdr_location_snapshot::standard, &enums::connector_type_down},
      row{"connector_format", 16, &cdr_location_snapshot::format, &enums::connector_format},
      row{"connector_power_type", 32, &cdr_location_snapshot::power_type, &enums::power_type_down},
  };
  if (k == "coordinates") {
    od::object c;
    if (auto ec = v.get_object().get(c)) return w.fail_json({}, ec);
    s.coordinates = true;
    for (auto f : c) {
      std::string_view ck;
      if (auto ec = f.unescaped_key().get(ck)) return w.fail_json({}, ec);
      std::string_view val;
      od::value cv = f.value();
      w.push(ck);
      const bool ok = ck != "latitude" && ck != "longitude" ? true : capture_id(w, cv, 11, val);
      w.pop();
      if (!ok) return false;
      if (ck == "latitude") s.latitude = val;
      if (ck == "longitude") s.longitude = val;
    }
    if (s.latitude.empty() || s.longitude.empty()) return w.fail(status::invalid_parameters, {}, "latitude and longitude required (3.5.4)");
    return true;
  }
  for (const auto& r : rows) {
    if (r.key != k) continue;
    std::string_view val;
    if (!capture_id(w, v, r.max, val)) return false;
    if (r.values && !r.values->find(val))
      return w.fail(status::invalid_parameters, {}, "'" + std::string(val) + "' is not a valid " + std::string(r.values->name));
    if (!r.member) w.lost(loss_kind::dropped, {}, "no counterpart in a 2.1.1 Location (3.5.4)");
    else s.*r.member = val;
    return true;
  }
  w.lost(loss_kind::dropped, {}, "unknown field in CdrLocation (0.2)");
  return true;
}

bool cdr_location_down(walk& w, const field_rule&, od::value v, object_state& st) {
  cdr_location_snapshot snap;
  if (!w.each_member(v, [&](std::string_view k, od::value fv) { return read_snapshot_field(w, k, fv, snap); }))
    return false;
  for (std::string_view k : {"id", "address", "city", "country", "evse_uid", "connector_id"}) {
    const std::string_view* member = k == "id" ? &snap.id : k == "address" ? &snap.address : k == "city" ? &snap.city
                                   : k == "country" ? &snap.country : k == "evse_uid" ? &snap.evse_uid : &snap.connector_id;
    if (member->empty()) return w.fail(status::invalid_parameters, k, "missing mandatory field (3.5.4)");
  }
  if (!snap.coordinates) return w.fail(status::invalid_parameters, "coordinates", "missing mandatory field (3.5.4)");
  if (snap.standard.empty() || snap.format.empty() || snap.power_type.empty())
    return w.fail(status::invalid_parameters, "connector_standard", "connector_standard, connector_format and connector_power_type are mandatory (3.5.4)");
  const auto& s = state(st);
  location_211_args a{owner_of(w, s), snap.id, snap.evse_uid, snap.connector_id, &snap, s.last_updated};
  return write_location_211(w, {}, a);
}

bool periods_down(walk& w, const field_rule&, od::value v, object_state& st) {
  int kept = 0;
  if (!charging_periods(w, v, st, false, true, kept)) return false;
  state(st).periods_empty = kept == 0;
  return true;
}

// §3.5.6: byte for byte, unless this legacy eMSP must not receive it (emsp.forward_signed_data).
bool signed_data_down(walk& w, const field_rule& r, od::value v, object_state& st) {
  if (w.req.to == recipient::legacy_emsp && !w.opts().emsp_forward_signed_data) {
    w.lost(loss_kind::dropped, {}, "signed_data not forwarded: emsp.forward_signed_data=false (3.5.2)");
    return true;
  }
  static constexpr field_rule verbatim{.in = "signed_data", .k = kind::verbatim, .section = "3.5.6"};
  (void)r;
  return w.apply(verbatim, v, st);
}

bool number_down(walk& w, std::string_view key, od::value v, std::string_view& into) {
  if (!capture_number(w, v, into)) return false;
  w.out.field_raw(key, into);
  return true;
}
bool total_energy(walk& w, const field_rule& r, od::value v, object_state& st) { return number_down(w, r.in, v, state(st).total_energy); }
bool total_time(walk& w, const field_rule& r, od::value v, object_state& st) { return number_down(w, r.in, v, state(st).total_time); }
bool total_parking_time(walk& w, const field_rule& r, od::value v, object_state& st) {
  return number_down(w, r.in, v, state(st).total_parking_time);
}
bool total_cost_down(walk& w, const field_rule&, od::value v, object_state&) { return price_down(w, "total_cost", v); }

bool remark_down(walk& w, const field_rule&, od::value v, object_state& st) { return capture_id(w, v, 65535, state(st).remark); }
bool credit_down(walk& w, const field_rule&, od::value v, object_state& st) { return w.read_bool(v, {}, state(st).credit); }
bool credit_reference_down(walk& w, const field_rule&, od::value v, object_state& st) {
  return capture_id(w, v, 39, state(st).credit_reference);
}

// §3.5.9: a credit CDR crosses as a negative CDR whose remark names the CDR it corrects.
bool end_down(walk& w, object_state& st) {
  auto& s = state(st);
  std::string remark;
  if (s.credit) {
    remark = "CREDIT of " + exposed_id(w, s, s.credit_reference);
    if (!s.remark.empty()) remark.append("; ").append(s.remark);
    w.lost(loss_kind::warning, "credit", "credit_cdr_forwarded: 2.1.1 has no credit CDRs (3.5.9)");
  } else {
    remark.assign(s.remark);
  }
  if (!remark.empty()) {
    const std::string_view cut = utf8_prefix(remark, 255);
    if (cut.size() < remark.size()) w.lost(loss_kind::truncated, "remark", "truncated to 255 bytes (3.5.9)");
    w.out.field("remark", cut);
  }
  if (s.periods_empty) write_replacement_period(w, s);
  return true;
}

constexpr std::array down_fields{
    field_rule{.in = "country_code", .k = kind::custom, .required = true, .fn = country_code_down, .section = "3.5.2"},
    field_rule{.in = "party_id", .k = kind::custom, .required = true, .fn = party_id_down, .section = "3.5.2"},
    field_rule{.in = "id", .k = kind::custom, .required = true, .fn = id_down, .section = "3.5.8"},
    field_rule{.in = "start_date_time", .k = kind::custom, .required = true, .fn = start_down, .section = "3.5.2"},
    field_rule{.in = "end_date_time", .out = "stop_date_time", .k = kind::datetime, .required = true, .section = "3.5.2"},
    field_rule{.in = "session_id", .k = kind::drop, .section = "3.5.2"},
    field_rule{.in = "cdr_token", .k = kind::custom, .required = true, .fn = cdr_token_down, .section = "3.5.2"},
    field_rule{.in = "auth_method", .k = kind::custom, .required = true, .fn = auth_method_down, .section = "3.5.2"},
    field_rule{.in = "authorization_reference", .k = kind::custom, .fn = authorization_reference_down, .section = "4.1"},
    field_rule{.in = "cdr_location", .k = kind::custom, .required = true, .fn = cdr_location_down, .section = "3.5.4"},
    field_rule{.in = "meter_id", .k = kind::string, .max_len = 255, .section = "3.5.2"},
    field_rule{.in = "currency", .k = kind::string, .required = true, .max_len = 3, .section = "3.5.2"},
    field_rule{.in = "tariffs", .k = kind::object_array, .sub = &tariffs::tariff_rules_down, .section = "3.6"},
    field_rule{.in = "charging_periods", .k = kind::custom, .required = true, .fn = periods_down, .section = "3.5.5"},
    field_rule{.in = "signed_data", .k = kind::custom, .fn = signed_data_down, .section = "3.5.6"},
    field_rule{.in = "total_cost", .k = kind::custom, .required = true, .fn = total_cost_down, .section = "3.5.2"},
    field_rule{.in = "total_fixed_cost", .k = kind::drop, .section = "3.5.2"},
    field_rule{.in = "total_energy", .k = kind::custom, .required = true, .fn = total_energy, .section = "3.5.2"},
    field_rule{.in = "total_energy_cost", .k = kind::drop, .section = "3.5.2"},
    field_rule{.in = "total_time", .k = kind::custom, .required = true, .fn = total_time, .section = "3.5.2"},
    field_rule{.in = "total_time_cost", .k = kind::drop, .section = "3.5.2"},
    field_rule{.in = "total_parking_time", .k = kind::custom, .fn = total_parking_time, .section = "3.5.2"},
    field_rule{.in = "total_parking_cost", .k = kind::drop, .section = "3.5.2"},
    field_rule{.in = "total_reservation_cost", .k = kind::drop, .section = "3.5.2"},
    field_rule{.in = "remark", .k = kind::custom, .fn = remark_down, .section = "3.5.2"},
    field_rule{.in = "invoice_reference_id", .k = kind::drop, .section = "3.5.2"},
    field_rule{.in = "credit", .k = kind::custom, .fn = credit_down, .section = "3.5.9"},
    field_rule{.in = "credit_reference_id", .k = kind::custom, .fn = credit_reference_down, .section = "3.5.9"},
    field_rule{.in = "home_charging_compensation", .k = kind::drop, .section = "3.5.2"},
    field_rule{.in = "last_updated", .k = kind::datetime, .required = true, .section = "3.5.2"},
};

}  // namespace

const object_rules cdr_rules_down{"CDR 2.2.1", down_fields, begin_down, end_down};

bool cdr_down(walk& w, od::value root, bool* dropped) {
  cdr_state s;
  scoped_state scope(s);
  return w.object(root, cdr_rules_down, nullptr, dropped);
}

}  // namespace ocpi::mappings::cdrs
