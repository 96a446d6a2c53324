#include "proxy/cli/run_command.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <iostream>
#include <memory>
#include <optional>
#include <spdlog/spdlog.h>

#include "proxy/cli/admin_token.hpp"
#include "proxy/config/config.hpp"
#include "proxy/net/server.hpp"
#include "proxy/router/bridge.hpp"
#include "proxy/router/key_rotation.hpp"
#include "proxy/state/data_dir.hpp"
#include "proxy/state/sqlite_store.hpp"

namespace ocpi::proxy::cli {

namespace {
// Start-up after an interrupted rotation (key_rotation.hpp): the key file still lists the old
// keys after the new one, and the store has just re-sealed every value with the new one.
void finish_rotation(state_keys& keys) {
  if (keys.keys.size() < 2) return;
  if (keys.file.empty()) {
    spdlog::info("state key: every value is sealed with {}; {} is no longer needed", state_key_env, previous_state_key_env);
    return;
  }
  keys.keys.resize(1);
  write_key_file(keys.file, keys.keys);
  spdlog::info("state key: finished an interrupted rotation; {} holds only key {}", keys.file, token_seal::key_id(keys.keys[0]));
}
}  // namespace

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
    std::optional<state_keys> keys;
    shared_state state(srv.config().mapping);
    if (srv.config().state.store == "sqlite") {  // before serving: MAPPING §5.8 step 1
      data_dir.emplace(srv.config().bridge.data_dir);
      keys = load_state_keys(srv.config().state.key_file, srv.config().bridge.data_dir);
      state.attach(std::make_unique<sqlite_store>(data_dir->file("bridge.sqlite3"), std::make_shared<const token_seal>(keys->keys)));
      finish_rotation(*keys);  // the store has re-sealed everything with keys[0] by now
    }
    bridge router(srv.config(), state, srv.upstream());
    router.rt().admin_token = load_or_create_admin_token(srv.config().bridge.data_dir);
    if (keys) router.rt().state_keys = std::make_shared<state_key_ring>(std::move(*keys));
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
