// ocpi-bridge: the binary. Subcommands are thin: each lives in proxy/cli/.
#include <iostream>
#include <string_view>
#include <vector>

#include "proxy/build_info.hpp"
#include "proxy/cli/admin_command.hpp"
#include "proxy/cli/run_command.hpp"
#include "proxy/cli/translate_command.hpp"

namespace {

constexpr std::string_view usage = R"(usage: ocpi-bridge [run] [--config FILE]     serve both faces (embedded defaults without --config)
       ocpi-bridge translate ...                translate one object offline (see translate --help)
       ocpi-bridge admin ...                    operate a running bridge: registration tokens,
                                                registrations, status (see admin --help)
       ocpi-bridge --version | --help
)";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << usage;
    return 0;
  }
  if (!args.empty() && args[0] == "--version") {
    std::cout << ocpi::proxy::build_version() << "\n";
    return 0;
  }
  if (!args.empty() && args[0] == "translate")
    return ocpi::proxy::cli::run_translate(std::span(args).subspan(1), std::cin, std::cout, std::cerr);
  if (!args.empty() && args[0] == "admin") return ocpi::proxy::cli::run_admin(std::span(args).subspan(1), std::cout, std::cerr);
  if (args.empty() || args[0] == "run") return ocpi::proxy::cli::run_bridge(std::span(args).subspan(args.empty() ? 0 : 1));
  if (args[0] == "--config") return ocpi::proxy::cli::run_bridge(args);
  std::cerr << usage;
  return 1;
}
