#include "proxy/build_info.hpp"

namespace ocpi::proxy {
std::string_view build_version() noexcept { return "ocpi-bridge 0.1.0 (OCPI 2.1.1 <-> 2.2.1)"; }
}  // namespace ocpi::proxy
