#include "nlohmann_baseline.hpp"

#include <algorithm>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string_view>

namespace ocpi::bench {

namespace {

using nlohmann::json;

bool one_of(const json& v, std::initializer_list<std::string_view> values) {
  if (!v.is_string()) return false;
  const auto& s = v.get_ref<const std::string&>();
  return std::find(values.begin(), values.end(), s) != values.end();
}

// MAPPING 3.1.4: connectors of a plug type 2.1.1 lacks are dropped.
bool convertible_standard(const json& standard) {
  return !one_of(standard, {"CHAOJI", "DOMESTIC_M", "DOMESTIC_N", "DOMESTIC_O", "GBT_AC", "GBT_DC", "NEMA_5_20",
                            "NEMA_6_30", "NEMA_6_50", "NEMA_10_30", "NEMA_10_50", "NEMA_14_30", "NEMA_14_50",
                            "PANTOGRAPH_BOTTOM_UP", "PANTOGRAPH_TOP_DOWN"});
}

json connector_down(const json& in) {
  json out = json::object();
  for (auto it = in.begin(); it != in.end(); ++it) {
    const std::string& k = it.key();
    if (k == "max_voltage")
      out["voltage"] = it.value();
    else if (k == "max_amperage")
      out["amperage"] = it.value();
    else if (k == "max_electric_power")
      continue;
    else if (k == "tariff_ids") {
      if (!it.value().empty()) out["tariff_id"] = it.value().front();  // 4.4: no cached Tariff, first id
    } else if (k == "power_type" && one_of(it.value(), {"AC_2_PHASE", "AC_2_PHASE_SPLIT"}))
      out["power_type"] = "AC_1_PHASE";
    else
      out[k] = it.value();
  }
  return out;
}

json evse_down(const json& in) {
  json out = json::object();
  for (auto it = in.begin(); it != in.end(); ++it) {
    const std::string& k = it.key();
    if (k == "capabilities") {
      json caps = json::array();
      for (const auto& c : it.value())
        if (one_of(c, {"CHARGING_PROFILE_CAPABLE", "CREDIT_CARD_PAYABLE", "REMOTE_START_STOP_CAPABLE", "RESERVABLE",
                       "RFID_READER", "UNLOCK_CAPABLE"}))
          caps.push_back(c);
      out[k] = caps;
    } else if (k == "connectors") {
      json conns = json::array();
      for (const auto& c : it.value())
        if (convertible_standard(c["standard"])) conns.push_back(connector_down(c));
      out[k] = conns;
    } else {
      out[k] = it.value();
    }
  }
  return out;
}

json location_down(const json& in) {
  json out = json::object();
  const std::string owner = in["country_code"].get<std::string>() + "*" + in["party_id"].get<std::string>();
  out["type"] = "UNKNOWN";
  out["postal_code"] = "";
  for (auto it = in.begin(); it != in.end(); ++it) {
    const std::string& k = it.key();
    const json& v = it.value();
    if (k == "country_code" || k == "party_id" || k == "publish" || k == "publish_allowed_to" || k == "state" ||
        k == "gireve_id") {
      continue;
    } else if (k == "id") {
      // 4.6, GIREVE_ID: the gireve_id when present and short enough, else the owner's id.
      const auto g = in.find("gireve_id");
      out["id"] = g != in.end() && g->is_string() && g->get_ref<const std::string&>().size() <= 39 ? *g : v;
    } else if (k == "parking_type") {
      out["type"] = one_of(v, {"ALONG_MOTORWAY", "ON_DRIVEWAY"}) ? json("OTHER") : v;
    } else if (k == "address") {
      out[k] = v.get<std::string>().substr(0, 45);
    } else if (k == "evses") {
      json evses = json::array();
      for (const auto& e : v) {
        json d = evse_down(e);
        if (!d["connectors"].empty()) evses.push_back(std::move(d));
      }
      out[k] = evses;
    } else if (k == "operator") {
      json op = v;
      op["name"] = owner;  // 4.2, EMI3_PARTY
      out[k] = op;
    } else if (k == "facilities") {
      json f = json::array();
      for (const auto& x : v)
        if (!one_of(x, {"BIKE_SHARING", "TRAM_STOP", "METRO_STATION", "PARKING_LOT"})) f.push_back(x);
      out[k] = f;
    } else if (k == "opening_times") {
      json h = v;
      if (h.value("twentyfourseven", false) == false) h.erase("twentyfourseven");  // 3.1.6: a choice in 2.1.1
      out[k] = h;
    } else if (k == "energy_mix") {
      json mix = v;
      if (mix.contains("environ_impact"))
        for (auto& i : mix["environ_impact"])
          if (i.contains("category")) {
            i["source"] = i["category"];
            i.erase("category");
          }
      out[k] = mix;
    } else {
      out[k] = v;
    }
  }
  return out;
}

}  // namespace

std::string nlohmann_location_down(const std::string& location_json) {
  return location_down(json::parse(location_json)).dump();
}

std::string nlohmann_location_page_down(const std::string& page_json) {
  const json page = json::parse(page_json);
  json out = json::array();
  for (const auto& loc : page)
    if (loc.value("publish", true)) out.push_back(location_down(loc));
  return out.dump();
}

std::string nlohmann_evse_patch_up(const std::string& patch_json, const std::string& now) {
  json patch = json::parse(patch_json);
  if (!patch.contains("last_updated")) patch["last_updated"] = now;
  return patch.dump();
}

}  // namespace ocpi::bench
