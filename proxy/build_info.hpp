#pragma once
#include <string_view>

namespace ocpi::proxy {
// Shown by `ocpi-bridge --version` and in the startup log line.
std::string_view build_version() noexcept;
}  // namespace ocpi::proxy
