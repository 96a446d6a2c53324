#include "proxy/router/exchange.hpp"

#include <spdlog/spdlog.h>

#include "ocpi/mapping.hpp"

#include "proxy/pipeline/envelope.hpp"

namespace ocpi::proxy {

exchange::exchange(inbound& in_) : in(in_) {
  ids = inbound_ids(header(request_id_header), header(correlation_id_header));
}

std::string_view exchange::header(std::string_view name) const {
  auto it = in.req.find(name);
  return it == in.req.end() ? std::string_view{} : std::string_view(it->value().data(), it->value().size());
}

void log_exchange(const exchange& ex, const response& res) {
  const auto latency = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - ex.in.received);
  spdlog::info("exchange cid={} rid={} face={} {} {} route=\"{}\" party={} upstream={} up_rid={} http={} ocpi={} latency_us={}{}{}",
               ex.ids.correlation_id, ex.ids.request_id, to_string(ex.in.which), std::string_view(ex.in.req.method_string()),
               std::string_view(ex.in.req.target()), ex.route, ex.legacy ? ex.legacy->party.id.emi3() : "-",
               ex.upstream_http ? std::to_string(ex.upstream_http) : "-",
               ex.upstream_ids ? ex.upstream_ids->request_id : "-", res.result_int(), ex.ocpi_status, latency.count(),
               ex.note.empty() ? "" : " note=", ex.note);
}

void note_quirks(exchange& ex, const translation& t) {
  if (t.losses.empty()) return;
  for (const auto& l : t.losses)
    if (l.kind == loss_kind::warning && l.reason.find("accept_patch_without_last_updated") != std::string::npos) {
      ex.note = "quirk accept_patch_without_last_updated: a PATCH without last_updated let through";
      return;
    }
}

response envelope_response(exchange& ex, unsigned http_status, int ocpi_status, std::string_view message,
                           std::string_view data_json) {
  response res{static_cast<http::status>(http_status), ex.in.req.version()};
  res.set(http::field::content_type, "application/json");
  // One shape for errors on both faces (issue 13): no `data`. 2.1.1 (`*`) and 2.2.1 (`?`) both
  // allow it out, their own error examples leave it out, and `{}` on a list route reads as a
  // page that is not an array. 2.1.1 acknowledgements (1000) keep `{}` (MAPPING §1.6.1).
  if (ocpi_status >= 2000) data_json = {};
  res.body() = write_envelope(ocpi_status, message, utc_now(), data_json);
  ex.ocpi_status = ocpi_status;
  if (ocpi_status != 1000 && ex.note.empty()) ex.note = std::string(message);
  return res;
}

}  // namespace ocpi::proxy
