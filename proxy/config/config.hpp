#pragma once
// The bridge configuration (config/bridge.example.toml is the contract and the embedded default).
// Loading throws std::runtime_error naming the key path ("legacy[1].role: expected CPO or EMSP");
// nothing after start-up throws.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ocpi/options.hpp"

namespace ocpi::proxy {

// "host:port" / "[v6]:port"; port 0 = any free port.
struct listen_address {
  std::string host;
  std::uint16_t port = 0;
  std::string str() const;
};

// How the bridge verifies (and authenticates to) one https upstream.
struct tls_client_files {
  std::string ca_file;  // empty = system default paths
  bool verify_peer = true;
  std::string client_cert_file;  // mutual TLS; both or neither
  std::string client_key_file;
};

struct face_config {
  listen_address listen;
  std::string public_url;  // as configured; may be empty, see public_base()
  bool tls = false;
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;  // non-empty = require client certificates

  // Base URL advertised to peers: public_url, else scheme://host:bound_port.
  std::string public_base(std::uint16_t bound_port) const;
};

struct iop_config {
  std::string versions_url;
  std::string token;          // sent to IOP (never logged)
  std::string accepts_token;  // IOP sends it to the bridge (never logged)
  std::string auth_encoding = "BASE64";  // BASE64 | RAW | AUTO
  // Peer quirk: IOP's 2.2.1 PATCHes without the mandatory `last_updated` are translated (with a
  // warning) instead of refused with 2001. Off: the spec's rule.
  bool accept_patch_without_last_updated = false;
  tls_client_files tls;
};

struct legacy_config {
  legacy_party party;  // also mirrored, in order, into bridge_config::mapping.legacy
  std::string versions_url;
  std::string token;
  std::string accepts_token;
  tls_client_files tls;
  // `modules`: what the bridge publishes to IOP for this party (MAPPING §2.2), all six business
  // modules unless narrowed (e.g. an eMSP without a tariffs receiver). Configured because IOP reads
  // the bridge's details once, at its registration, possibly before this backend registered.
  std::vector<std::string> modules{"locations", "tariffs", "sessions", "cdrs", "tokens", "commands"};
};

struct bridge_settings {
  unsigned threads = 2;
  std::string data_dir = "var";
  std::string log_level = "info";  // trace | debug | info | warn | error
  std::size_t body_limit = 4194304;
  std::chrono::milliseconds client_timeout{30000};
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds upstream_timeout{30000};
  std::chrono::milliseconds authorize_timeout{5000};
  std::size_t upstream_pool_size = 16;
  std::chrono::milliseconds upstream_idle_timeout{30000};
  std::chrono::milliseconds shutdown_grace{10000};
  // [mapping] commands.timeout_grace_s: added to a command's announced timeout before TIMEOUT is
  // synthesised (MAPPING §3.3.2 step 1). Router timing, not a translation rule: kept here.
  std::chrono::seconds command_timeout_grace{30};
};

// [state]: where MAPPING §5 state lives. "sqlite" = <bridge.data_dir>/bridge.sqlite3, survives
// restarts; "memory" = lost at exit (throw-away runs only).
struct state_settings {
  std::string store = "sqlite";
  // How long a request waits for a promise to reach the disk (a queued request, a pending
  // command, a handshake) before it is answered HTTP 503 + 3000 "state store unavailable".
  std::chrono::milliseconds commit_timeout{5000};
  // The key sealing the store's tokens (issue 12); "" = <data_dir>.key. OCPI_BRIDGE_STATE_KEY wins.
  std::string key_file;
};

struct bridge_config {
  bridge_settings bridge;
  state_settings state;
  face_config hub;          // [face.hub]: the 2.2.1 face
  face_config legacy_face;  // [face.legacy]: the 2.1.1 face
  face_config admin_face;   // [face.admin]: operator API, plain HTTP on a loopback address only
  iop_config iop;
  std::vector<legacy_config> legacy;  // [[legacy]]
  mapping_options mapping;            // [mapping] + iop identity + legacy parties
  std::string origin;                 // where it was loaded from (for messages)
};

// A file only needs the keys it changes: it is applied over the embedded default. A file with
// [[legacy]] tables replaces the default legacy list as a whole.
bridge_config load_config_file(const std::string& path);
bridge_config load_config_text(std::string_view text, const std::string& origin);
bridge_config embedded_default_config();
std::string_view embedded_default_config_text();

}  // namespace ocpi::proxy
