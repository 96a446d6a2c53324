#include "generated_inputs.hpp"

#include <cstdint>
#include <cstdio>

#include "golden_cases.hpp"
#include "nlohmann_baseline.hpp"

namespace ocpi::bench {

namespace {

using nlohmann::json;
// Generated objects keep their members in the order the OCPI 2.2.1 object tables list them, as
// IOP sends them.
using ojson = nlohmann::ordered_json;

// splitmix64: the same sequence everywhere (std distributions are implementation-defined).
class rng {
 public:
  explicit rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  int between(int lo, int hi) { return lo + static_cast<int>(next() % static_cast<std::uint64_t>(hi - lo + 1)); }
  template <class T, std::size_t N>
  const T& pick(const T (&items)[N]) {
    return items[next() % N];
  }

 private:
  std::uint64_t s_;
};

std::string fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string stamp(int day, int minute) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "2024-05-%02dT%02d:%02d:%02dZ", 1 + day % 28, (minute / 60) % 24, minute % 60,
                (day * 7 + minute) % 60);
  return buf;
}

const char* const cities[] = {"Paris", "Lyon", "Marseille", "Toulouse", "Nantes", "Bordeaux", "Lille", "Rennes"};
const char* const streets[] = {"Rue de la Paix",   "Avenue des Champs", "Boulevard Voltaire", "Quai de Seine",
                               "Place de la Gare", "Rue du Commerce",   "Chemin des Vignes"};
const char* const parking[] = {"ON_STREET", "PARKING_GARAGE", "UNDERGROUND_GARAGE", "PARKING_LOT", "ALONG_MOTORWAY"};
const char* const cpos[][3] = {{"FR", "TNM", "TotalEnergies Marketing"},
                               {"FR", "IZI", "Izivia"},
                               {"FR", "FR1", "Freshmile"},
                               {"FR", "SDE", "SDEY Mobilite"}};
const char* const statuses[] = {"AVAILABLE", "AVAILABLE", "AVAILABLE", "CHARGING", "OUTOFORDER", "BLOCKED"};
const char* const capabilities[] = {"RFID_READER",
                                    "REMOTE_START_STOP_CAPABLE",
                                    "RESERVABLE",
                                    "UNLOCK_CAPABLE",
                                    "CREDIT_CARD_PAYABLE",
                                    "CONTACTLESS_CARD_SUPPORT",
                                    "CHARGING_PROFILE_CAPABLE"};
const char* const facilities[] = {"HOTEL", "RESTAURANT", "CAFE", "MALL", "SUPERMARKET", "PARKING_LOT", "WIFI"};
struct plug {
  const char* standard;
  const char* format;
  const char* power_type;
  int voltage, amperage, power;
};
const plug plugs[] = {{"IEC_62196_T2", "SOCKET", "AC_3_PHASE", 400, 32, 22000},
                      {"IEC_62196_T2", "SOCKET", "AC_1_PHASE", 230, 32, 7400},
                      {"IEC_62196_T2_COMBO", "CABLE", "DC", 920, 200, 150000},
                      {"CHADEMO", "CABLE", "DC", 500, 125, 50000},
                      {"DOMESTIC_E", "SOCKET", "AC_1_PHASE", 230, 16, 3700}};

ojson energy_mix(rng& r) {
  const int green = r.between(20, 80), nuclear = r.between(0, 100 - green);
  return {{"is_green_energy", green > 50},
          {"energy_sources",
           {{{"source", "GENERAL_GREEN"}, {"percentage", green}},
            {{"source", "NUCLEAR"}, {"percentage", nuclear}},
            {{"source", "GENERAL_FOSSIL"}, {"percentage", 100 - green - nuclear}}}},
          {"environ_impact",
           {{{"category", "NUCLEAR_WASTE"}, {"amount", r.between(0, 9) * 0.0001}},
            {{"category", "CARBON_DIOXIDE"}, {"amount", r.between(10, 400)}}}},
          {"supplier_name", "EDF"},
          {"energy_product_name", "Vert Electrique"}};
}

ojson opening_times(rng& r) {
  if (r.between(0, 2) == 0) return {{"twentyfourseven", true}};
  ojson hours = ojson::array();
  for (int day = 1; day <= 7; ++day)
    hours.push_back({{"weekday", day}, {"period_begin", day < 6 ? "07:00" : "09:00"}, {"period_end", "21:00"}});
  return {
      {"twentyfourseven", false},
      {"regular_hours", hours},
      {"exceptional_closings", {{{"period_begin", "2024-12-25T00:00:00Z"}, {"period_end", "2024-12-26T00:00:00Z"}}}}};
}

ojson location(rng& r, int i) {
  const auto& cpo = cpos[r.next() % std::size(cpos)];
  const std::string id = std::string(cpo[1]) + "-LOC-" + std::to_string(10000 + i);
  const std::string city = r.pick(cities);
  const int day = r.between(0, 27);
  ojson evses = ojson::array();
  const int n_evses = r.between(1, 4);
  for (int e = 0; e < n_evses; ++e) {
    const std::string uid = id + "-E" + std::to_string(e + 1);
    ojson connectors = ojson::array();
    const int n_conn = r.between(1, 3);
    for (int c = 0; c < n_conn; ++c) {
      const plug& p = plugs[r.next() % std::size(plugs)];
      ojson tariffs = {std::string(cpo[1]) + "-T" + std::to_string(r.between(1, 6))};
      if (r.between(0, 3) == 0) tariffs.push_back(std::string(cpo[1]) + "-SUB");
      connectors.push_back({{"id", std::to_string(c + 1)},
                            {"standard", p.standard},
                            {"format", p.format},
                            {"power_type", p.power_type},
                            {"max_voltage", p.voltage},
                            {"max_amperage", p.amperage},
                            {"max_electric_power", p.power},
                            {"tariff_ids", tariffs},
                            {"last_updated", stamp(day, r.between(0, 1439))}});
    }
    ojson caps = ojson::array();
    for (int k = r.between(2, 5); k-- > 0;) caps.push_back(r.pick(capabilities));
    evses.push_back({{"uid", uid},
                     {"evse_id", std::string(cpo[0]) + "*" + cpo[1] + "*E" + std::to_string(100000 + i * 10 + e)},
                     {"status", r.pick(statuses)},
                     {"capabilities", caps},
                     {"connectors", connectors},
                     {"floor_level", std::to_string(r.between(-2, 1))},
                     {"physical_reference", std::to_string(e + 1)},
                     {"parking_restrictions", {"EV_ONLY"}},
                     {"last_updated", stamp(day, r.between(0, 1439))}});
  }
  ojson loc = {{"country_code", cpo[0]},
               {"party_id", cpo[1]},
               {"id", id},
               {"publish", true},
               {"name", city + std::string(" ") + r.pick(streets) + " " + std::to_string(i)},
               {"address", std::to_string(r.between(1, 250)) + " " + r.pick(streets)},
               {"city", city},
               {"postal_code", std::to_string(r.between(10000, 95999))},
               {"country", "FRA"},
               {"coordinates",
                {{"latitude", fixed(43.0 + r.between(0, 6000000) / 1e6, 6)},
                 {"longitude", fixed(-1.0 + r.between(0, 8000000) / 1e6, 6)}}},
               {"parking_type", r.pick(parking)},
               {"evses", evses},
               {"directions", {{{"language", "fr"}, {"text", "Suivre les panneaux de recharge"}}}},
               {"operator", {{"name", cpo[2]}, {"website", "https://www.example.fr/" + std::string(cpo[1])}}},
               {"facilities", {r.pick(facilities), r.pick(facilities)}},
               {"time_zone", "Europe/Paris"},
               {"opening_times", opening_times(r)},
               {"charging_when_closed", true},
               {"energy_mix", energy_mix(r)},
               {"last_updated", stamp(day, r.between(0, 1439))},
               {"gireve_id", "FR*GIR*L" + std::to_string(500000 + i)}};
  return loc;
}

// `n` charging periods, 15 minutes apart, with the 2.2.1-only period tariff_id or without it.
json charging_periods(int n, bool with_tariff_id) {
  rng r(0xcd2);
  json periods = json::array();
  for (int i = 0; i < n; ++i) {
    char start[32];
    std::snprintf(start, sizeof start, "2024-05-14T%02d:%02d:00Z", 8 + i / 4, (i % 4) * 15);
    json p = {{"start_date_time", start},
              {"dimensions",
               {{{"type", "ENERGY"}, {"volume", r.between(500, 5000) / 1000.0}},
                {{"type", "TIME"}, {"volume", 0.25}},
                {{"type", "MAX_CURRENT"}, {"volume", r.between(16, 32)}}}}};
    if (with_tariff_id) p["tariff_id"] = "T-12";
    periods.push_back(p);
  }
  return periods;
}

bench_case case_from(const std::string& name, const json& manifest, const std::string& party, direction dir,
                     object_kind kind, input_shape shape, const std::string& input, json expected) {
  mapping_options opts;
  const party_role role = dir == direction::up ? party_role::cpo : party_role::emsp;
  opts.legacy.push_back(manifest_party(manifest["parties"], party, role, opts));
  bench_case b;
  b.name = name;
  b.ctx = std::make_unique<memory_context>(opts, manifest["now"].get<std::string>());
  b.req.kind = kind;
  b.req.dir = dir;
  b.req.shape = shape;
  b.req.legacy = &b.ctx->options().legacy.front();
  if (dir == direction::up) b.req.owner = b.req.legacy->id;
  b.req.to = dir == direction::up ? recipient::hub : recipient::legacy_emsp;
  b.input = padded_input(input);
  b.expected = std::move(expected);
  return b;
}

// A golden pair whose charging periods are replaced by `n` generated ones on both sides.
bench_case with_periods(const std::string& data_dir, const json& manifest, const std::string& golden, direction dir,
                        object_kind kind, const std::string& name, int n) {
  const bool up = dir == direction::up;
  json in = json::parse(read_file(data_dir + "/" + golden + (up ? ".v211.json" : ".v221.json")));
  json out = json::parse(read_file(data_dir + "/" + golden + (up ? ".v221.json" : ".v211.json")));
  in["charging_periods"] = charging_periods(n, !up);
  out["charging_periods"] = charging_periods(n, false);  // a period's tariff_id never crosses (3.5.5)
  json spec;
  for (const auto& c : manifest["cases"])
    if (c["case"] == golden) spec = c[up ? "up" : "down"];
  bench_case b = case_from(name, manifest, spec["party"].get<std::string>(), dir, kind, input_shape::object, in.dump(),
                           std::move(out));
  if (spec.contains("owner") && spec["owner"].is_string()) {
    const std::string o = spec["owner"].get<std::string>();
    b.req.owner = party{o.substr(0, o.find('*')), o.substr(o.find('*') + 1)};
  } else if (spec.contains("owner")) {
    b.req.owner.reset();
  }
  if (spec.contains("context")) b.ctx->load(read_file(data_dir + "/" + spec["context"].get<std::string>()));
  return b;
}

}  // namespace

std::string location_page_v221(int n) {
  rng r(20240601);
  ojson page = ojson::array();
  for (int i = 0; i < n; ++i) page.push_back(location(r, i));
  return page.dump();
}

std::vector<bench_case> generated_cases(const std::string& data_dir) {
  const json manifest = json::parse(read_file(data_dir + "/golden_cases.json"));
  std::vector<bench_case> cases;

  const std::string page = location_page_v221(100);
  cases.push_back(case_from("generated/location_page_100/down", manifest, "EMSP-A", direction::down,
                            object_kind::location, input_shape::list, page,
                            json::parse(nlohmann_location_page_down(page))));

  cases.push_back(with_periods(data_dir, manifest, "cdrs/tv16a_post", direction::up, object_kind::cdr,
                               "generated/cdr_10_periods/up", 10));
  cases.push_back(with_periods(data_dir, manifest, "cdrs/tv17_post", direction::down, object_kind::cdr,
                               "generated/cdr_10_periods/down", 10));
  cases.push_back(with_periods(data_dir, manifest, "sessions/tv13_put", direction::up, object_kind::session,
                               "generated/session_put/up", 4));
  cases.push_back(with_periods(data_dir, manifest, "sessions/tv15_put", direction::down, object_kind::session,
                               "generated/session_put/down", 4));

  const std::string patch = R"({"status":"CHARGING","last_updated":"2024-06-01T11:58:17Z"})";
  cases.push_back(case_from("generated/evse_status_patch/up", manifest, "CPO-B", direction::up, object_kind::evse,
                            input_shape::patch, patch,
                            json::parse(nlohmann_evse_patch_up(patch, manifest["now"].get<std::string>()))));
  return cases;
}

}  // namespace ocpi::bench
