#include "tariffs/scan.hpp"

#include <cmath>

namespace ocpi::mappings::tariffs {

namespace {

constexpr std::uint8_t dim_energy = 1U, dim_flat = 2U, dim_parking = 4U, dim_time = 8U;

struct element_info {
  std::uint8_t dims = 0;
  bool current = false, other = false, reservation = false;
  int time_n = 0, parking_n = 0;
  double time_price = NAN, parking_price = NAN;
  std::int64_t time_step = -1, parking_step = -1;
};

bool is_null(od::value& v, bool& null) { return !v.is_null().get(null); }

// A restriction that constrains something: non-null, and not an empty day_of_week list.
bool restricts(od::value v, bool& ok) {
  bool null = false;
  ok = is_null(v, null);
  if (!ok || null) return false;
  od::json_type t;
  if (v.type().get(t) || t != od::json_type::array) return true;
  od::array a;
  if (v.get_array().get(a)) return true;
  for (auto e : a) {
    (void)e;
    return true;
  }
  return false;
}

bool scan_restrictions(od::value v, element_info& e) {
  od::object o;
  if (v.get_object().get(o)) return true;  // wrong type: reported by the main pass
  for (auto f : o) {
    od::raw_json_string k;
    if (f.key().get(k)) return false;
    bool ok = true;
    const bool r = restricts(f.value(), ok);
    if (!ok) return false;
    if (!r) continue;
    if (k.unsafe_is_equal("min_current") || k.unsafe_is_equal("max_current")) e.current = true;
    else if (k.unsafe_is_equal("reservation")) e.reservation = true;
    else e.other = true;
  }
  return true;
}

bool scan_component(od::value v, element_info& e) {
  od::object o;
  if (v.get_object().get(o)) return true;
  std::string_view type;
  double price = NAN;
  std::int64_t step = -1;
  for (auto f : o) {
    od::raw_json_string k;
    if (f.key().get(k)) return false;
    od::value fv = f.value();
    if (k.unsafe_is_equal("type")) {
      if (fv.get_string().get(type)) type = {};
    } else if (k.unsafe_is_equal("price")) {
      if (fv.get_double().get(price)) price = NAN;
    } else if (k.unsafe_is_equal("step_size")) {
      if (fv.get_int64().get(step)) step = -1;
    }
  }
  if (type == "ENERGY") e.dims |= dim_energy;
  else if (type == "FLAT") e.dims |= dim_flat;
  else if (type == "TIME") {
    e.dims |= dim_time;
    ++e.time_n;
    e.time_price = price;
    e.time_step = step;
  } else if (type == "PARKING_TIME") {
    e.dims |= dim_parking;
    ++e.parking_n;
    e.parking_price = price;
    e.parking_step = step;
  }
  return true;
}

bool scan_element(od::value v, element_info& e) {
  od::object o;
  if (v.get_object().get(o)) return true;
  for (auto f : o) {
    od::raw_json_string k;
    if (f.key().get(k)) return false;
    if (k.unsafe_is_equal("restrictions")) {
      if (!scan_restrictions(f.value(), e)) return false;
    } else if (k.unsafe_is_equal("price_components")) {
      od::array a;
      if (f.value().get_array().get(a)) continue;
      for (auto c : a) {
        od::value cv;
        if (c.get(cv)) return false;
        if (!scan_component(cv, e)) return false;
      }
    }
  }
  return true;
}

std::string_view short_string(od::value v) {
  std::string_view s;
  if (v.get_string().get(s)) return {};
  return s;
}

}  // namespace

bool scan_tariff(walk& w, od::object& obj, bool collapse, tariff_scan& out) {
  thread_local std::vector<element_info> elements;
  elements.clear();
  out = {};
  out.actions.clear();
  for (auto f : obj) {
    od::raw_json_string k;
    if (auto ec = f.key().get(k)) return w.fail_json({}, ec);
    od::value v = f.value();
    bool null = false;
    if (auto ec = v.is_null().get(null)) return w.fail_json({}, ec);
    if (null) continue;
    if (k.unsafe_is_equal("min_price") || k.unsafe_is_equal("max_price")) out.inexact = true;
    else if (k.unsafe_is_equal("type")) out.type = short_string(v);
    else if (k.unsafe_is_equal("target_operator_country_code")) out.target_country_code = short_string(v);
    else if (k.unsafe_is_equal("target_operator_party_id")) out.target_party_id = short_string(v);
    else if (k.unsafe_is_equal("elements")) {
      od::array a;
      if (v.get_array().get(a)) continue;
      for (auto e : a) {
        od::value ev;
        if (auto ec = e.get(ev)) return w.fail_json({}, ec);
        elements.emplace_back();
        if (!scan_element(ev, elements.back())) return w.fail_json({}, simdjson::TAPE_ERROR);
      }
    }
  }
  if (auto ec = obj.reset().error()) return w.fail_json({}, ec);

  // §3.6.4: from the last element back, so "a later element prices the same dimension" only
  // counts elements that are kept.
  out.actions.assign(elements.size(), keep);
  std::uint8_t later_dims = 0;
  for (std::size_t i = elements.size(); i-- > 0;) {
    const element_info& e = elements[i];
    std::uint8_t& a = out.actions[i];
    if (e.reservation) {
      a = drop_reservation;
      continue;
    }
    if (e.current) {
      out.inexact = true;
      if (!e.other && (e.dims & later_dims)) {
        a = drop_current;
        continue;
      }
      a = remove_current;
    }
    if (collapse && e.time_n == 1 && e.parking_n == 1 && e.time_step >= 0 && e.time_step == e.parking_step &&
        e.time_price == e.parking_price)
      a |= collapse_session_time;
    later_dims |= e.dims;
  }
  return true;
}

}  // namespace ocpi::mappings::tariffs
