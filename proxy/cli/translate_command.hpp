#pragma once
// `ocpi-bridge translate`: the mappings library offline, for migration work and testing.
#include <iosfwd>
#include <span>
#include <string_view>

namespace ocpi::proxy::cli {

// Runs the subcommand on `args` (everything after "translate"); returns the process exit code:
// 0 translated (or suppressed), 1 usage error, 2 input refused (the message names the field path).
int run_translate(std::span<const std::string_view> args, std::istream& in, std::ostream& out, std::ostream& err);

extern const std::string_view translate_help;

}  // namespace ocpi::proxy::cli
