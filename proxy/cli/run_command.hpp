#pragma once
#include <span>
#include <string_view>

namespace ocpi::proxy::cli {

// `ocpi-bridge [run] [--config FILE]`: serves both faces until SIGTERM/SIGINT; returns the exit code.
int run_bridge(std::span<const std::string_view> args);

}  // namespace ocpi::proxy::cli
