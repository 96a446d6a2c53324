#pragma once
// Deterministic, realistic inputs beside the golden ones (issue 6): a 100-Location page as a Gireve
// pull returns it, a CDR with 10 charging periods, an EVSE status PATCH and a Session PUT. Each
// comes with its expected translation: the Location page's from the nlohmann baseline (itself
// checked against the golden Location pairs), the others from a golden pair whose charging
// periods are replaced by generated ones in both versions.
#include <string>
#include <vector>

#include "bench_case.hpp"

namespace ocpi::bench {

// A page of `n` 2.2.1 Locations owned by a few French CPOs, as IOP returns them to an eMSP's
// pull: 1-4 EVSEs, 1-3 connectors each, opening times, energy mix, gireve_id. Same bytes for the
// same `n`, on every machine.
std::string location_page_v221(int n);

// The generated cases: "generated/location_page_100/down", "generated/cdr_10_periods/up|down",
// "generated/evse_status_patch/up", "generated/session_put/up|down".
std::vector<bench_case> generated_cases(const std::string& data_dir);

}  // namespace ocpi::bench
