#pragma once
// The "typical nlohmann-based translation" baseline of issue 6: the same MAPPING rules, written the
// straightforward way (parse the whole document into a DOM, build a new DOM, dump it). It covers
// what the generated inputs exercise: Locations 2.2.1 -> 2.1.1 toward a legacy eMSP with the
// default options (emsp.location_id_mode=GIREVE_ID, emsp.operator_name_mode=EMI3_PARTY, no cached
// Tariffs) and EVSE PATCH bodies 2.1.1 -> 2.2.1. It doubles as the expected output of the
// generated Location page, so it is itself checked against the golden Location pairs first.
#include <string>

namespace ocpi::bench {

std::string nlohmann_location_down(const std::string& location_json);
// A page (JSON array); Locations with publish=false are left out (MAPPING 3.1.7).
std::string nlohmann_location_page_down(const std::string& page_json);
// `now` fills a missing last_updated (MAPPING 3.1.7).
std::string nlohmann_evse_patch_up(const std::string& patch_json, const std::string& now);

}  // namespace ocpi::bench
