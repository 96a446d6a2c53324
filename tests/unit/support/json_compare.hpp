#pragma once
// Test helpers: JSON compared as values (member order irrelevant, numbers numeric, MAPPING §6.0),
// file loading from tests/data, and a one-call translate.
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "ocpi/mapping.hpp"
#include "ocpi/memory_context.hpp"

namespace ocpi::test {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string data(const std::string& rel) { return read_file(std::string(OCPI_TEST_DATA) + "/" + rel); }

// Numbers compare by value: 2, 2.0 and 2.00 are equal (§0.2 r4).
inline nlohmann::json normalise(const nlohmann::json& j) {
  if (j.is_object()) {
    nlohmann::json o = nlohmann::json::object();
    for (auto it = j.begin(); it != j.end(); ++it) o[it.key()] = normalise(it.value());
    return o;
  }
  if (j.is_array()) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& e : j) a.push_back(normalise(e));
    return a;
  }
  if (j.is_number()) return j.get<double>();
  return j;
}

inline bool same_json(const std::string& a, const std::string& b) {
  return normalise(nlohmann::json::parse(a)) == normalise(nlohmann::json::parse(b));
}

inline mapping_options fixture_options() {
  // MAPPING §6.0 fixture parties.
  mapping_options o;
  o.legacy.push_back({party_role::cpo, {"FR", "CPO"}, "Example CPO", "FR*CPO", "Europe/Paris", ""});
  o.legacy.push_back({party_role::cpo, {"BE", "BEC"}, "BeCharged", "BE*BEC", "Europe/Brussels", ""});
  o.legacy.push_back({party_role::emsp, {"FR", "EMP"}, "Example eMSP", "", "", ""});
  return o;
}

}  // namespace ocpi::test
