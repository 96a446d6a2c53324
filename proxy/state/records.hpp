#pragma once
// The records the router keeps per connection and per forwarded command (MAPPING §2.5, §5.1,
// §5.4). Plain values: shared_state holds them in memory, a state_store keeps them on disk.
#include <cstdint>
#include <string>

namespace ocpi::proxy {

// What the bridge knows about one registered connection (MAPPING §2). `connection` keys are
// "iop" for the hub and "legacy:CC*PID" for a legacy backend (see connection_key()).
struct peer_credentials {
  std::string token_to_peer;    // the bridge presents it to the peer (raw; encoded per version)
  std::string token_from_peer;  // the peer presents it to the bridge
  std::string versions_url;     // the peer's versions endpoint
  std::string version;          // negotiated version ("2.2.1" toward IOP, "2.1.1" toward legacy)
  std::string credentials_json; // the peer's last Credentials object, as received
  std::string updated_at;       // RFC 3339 UTC
};

// A command the bridge forwarded with its own callback URL in place of the caller's response_url
// (MAPPING §3.3). `id` is the last segment of the bridge callback URL.
struct pending_command {
  std::string id;
  std::string command;          // START_SESSION, STOP_SESSION, ...
  std::string toward;           // "iop" (a legacy eMSP's command, IOP will call back) | "legacy"
  std::string response_url;     // the original caller's response_url
  std::string correlation_id;   // the original X-Correlation-ID, reused for the relayed result
  std::string caller;           // "CC*PID" of the party that sent the command
  std::string executor;         // "CC*PID" of the CPO executing it
  std::string context_json;     // what the relay needs later (e.g. authorization_reference), JSON object
  std::int64_t expires_at_ms = 0;  // unix ms; after it a TIMEOUT result is synthesised
  std::string state = "PENDING";   // PENDING | DONE | TIMED_OUT
};

// A row another component keeps in the store without the store knowing its shape (flow_tables:
// CDR links, Tariff variants and deliveries). `table` + `key` identify it; `value` is opaque text.
struct flow_row {
  std::string table;
  std::string key;
  std::string value;
};

}  // namespace ocpi::proxy
