#pragma once
// The pre-read a 2.2.1 Tariff needs before its first element is written (MAPPING §3.6.3, §3.6.4):
// `exact_price_component` depends on min_price/max_price and on current restrictions anywhere in
// the tariff (possibly after the elements), and dropping a current-restricted element depends on
// the dimensions later elements price. One extra pass over the tariff object, keys compared raw
// (nothing unescaped except the few short strings it decides on), then the object is reset.
#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/walk.hpp"

namespace ocpi::mappings::tariffs {

// What the down-conversion does with one TariffElement.
enum element_action : std::uint8_t {
  keep = 0,
  drop_reservation = 1U << 0,  // a reservation restriction: the element is dropped (exact)
  drop_current = 1U << 1,      // current-only restriction shadowing a later element: dropped
  remove_current = 1U << 2,    // min/max_current removed, the rest of the element kept
  collapse_session_time = 1U << 3,  // TIME + PARKING_TIME with equal price/step -> SESSION_TIME
};

struct tariff_scan {
  bool inexact = false;  // some price-relevant information cannot be expressed in 2.1.1
  std::string_view type;
  std::string_view target_country_code;
  std::string_view target_party_id;
  std::vector<std::uint8_t> actions;  // one per entry of `elements`, in order
};

// Reads `obj` once and rewinds it. `collapse` enables the SESSION_TIME decision
// (tariffs.session_time_to_211). False (with the error recorded in `w`) on malformed JSON only;
// type mismatches are left for the main pass to report with their path.
bool scan_tariff(walk& w, od::object& obj, bool collapse, tariff_scan& out);

}  // namespace ocpi::mappings::tariffs
