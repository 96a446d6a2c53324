#pragma once
// One request/response pair crossing the bridge: what the router learns about it while handling
// it (caller, ids, upstream outcome) and what the exchange log line reports (STYLE: one line per
// exchange with correlation id, face, method, route, upstream status, OCPI status, latency).
#include <optional>
#include <string>

#include "ocpi/status.hpp"
#include "proxy/config/config.hpp"
#include "proxy/net/http.hpp"
#include "proxy/pipeline/request_ids.hpp"

namespace ocpi {
struct translation;
}

namespace ocpi::proxy {

struct exchange {
  explicit exchange(inbound& in);

  inbound& in;
  trace_ids ids;                              // as received (or generated, §1.5)
  std::string route;                          // route name for the log ("L1 location PUT")
  const legacy_config* legacy = nullptr;      // the legacy connection involved, if any
  std::optional<trace_ids> upstream_ids;      // ids used on the outbound hop
  int upstream_http = 0;                      // 0 = no upstream call
  int ocpi_status = 0;                        // what the caller got
  std::string note;                           // short reason for local answers / losses

  std::string_view header(std::string_view name) const;
};

// The exchange log line; never contains a token.
void log_exchange(const exchange& ex, const response& res);

// A peer quirk that let a translation through (`[iop] accept_patch_without_last_updated`) is
// named in the exchange log line, so an operator sees how often the peer needs it.
void note_quirks(exchange& ex, const translation& t);

// A response with an OCPI envelope body.
response envelope_response(exchange& ex, unsigned http_status, int ocpi_status, std::string_view message,
                           std::string_view data_json = {});

}  // namespace ocpi::proxy
