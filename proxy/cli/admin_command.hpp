#pragma once
// `ocpi-bridge admin`: the operator's client of a running bridge's admin API (face.admin).
#include <iosfwd>
#include <span>
#include <string_view>

namespace ocpi::proxy::cli {

// Everything after "admin"; returns 0 on success, 1 on usage errors, 2 when the bridge refused or
// could not be reached (the message says why).
int run_admin(std::span<const std::string_view> args, std::ostream& out, std::ostream& err);

extern const std::string_view admin_help;

}  // namespace ocpi::proxy::cli
