#pragma once
// Every golden pair of tests/data (golden_cases.json) in each direction it is translated, as
// benchmark cases; inputs the manifest marks refused or suppressed are left out (nothing to time).
#include <string>
#include <vector>

#include "bench_case.hpp"

namespace ocpi::bench {

std::vector<bench_case> golden_cases(const std::string& data_dir);

// The manifest's fixture party as the translate CLI and the conformance test configure it; `role`
// unless the manifest gives one.
legacy_party manifest_party(const nlohmann::json& parties, const std::string& name, party_role role,
                            mapping_options& opts);

}  // namespace ocpi::bench
