#include "proxy/cli/run_command.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <iostream>
#include <memory>
#include <optional>

#include "proxy/cli/admin_token.hpp"
#include "proxy/config/config.hpp"
#include "proxy/net/server.hpp"
#include "proxy/router/bridge.hpp"
#include "proxy/state/data_dir.hpp"
#include "proxy/state/sqlite_store.hpp"

namespace ocpi::proxy::cli {

int run_bridge(std::span<const std::string_view> args) {
  std::string config_path;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config" && i + 1 < args.size()) {
      config_path = std::string(args[++i]);
    } else {
      std::cerr << "ocpi-bridge run: unknown argument '" << args[i] << "'\n";
      return 1;
    }
  }
  try {
    bridge_config cfg = config_path.empty() ? embedded_default_config() : load_config_file(config_path);
    server srv(std::move(cfg));
    // Declared before `state`, so released after the store is closed.
    std::optional<data_dir_lock> data_dir;
    shared_state state(srv.config().mapping);
    if (srv.config().state.store == "sqlite") {  // before serving: MAPPING §5.8 step 1
      data_dir.emplace(srv.config().bridge.data_dir);
      state.attach(std::make_unique<sqlite_store>(data_dir->file("bridge.sqlite3")));
    }
    bridge router(srv.config(), state, srv.upstream());
    router.rt().admin_token = load_or_create_admin_token(srv.config().bridge.data_dir);
    router.rt().iop_tls = srv.iop_tls();
    for (std::size_t i = 0; i < srv.config().legacy.size(); ++i) router.rt().legacy_tls.push_back(srv.legacy_tls(i));
    srv.set_handler([&router](inbound& in) { return router.handle(in); });
    srv.open();
    router.set_public_bases(srv.public_url(face::hub), srv.public_url(face::legacy));
    boost::asio::co_spawn(srv.context(), router.discovery_loop(std::chrono::seconds(2)), boost::asio::detached);
    boost::asio::co_spawn(srv.context(), router.command_deadlines(), boost::asio::detached);
    router.start_store_forward(srv.context().get_executor());
    const int rc = srv.run();
    state.detach();  // commits what the last exchanges queued
    return rc;
  } catch (const std::exception& e) {
    std::cerr << "ocpi-bridge: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace ocpi::proxy::cli
