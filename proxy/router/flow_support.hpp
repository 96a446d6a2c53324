#pragma once
// Helpers every flow uses: path segments, building upstream URLs, reading a few fields of a body
// without translating it, calling the translation, and relaying an upstream answer to the caller
// with the status mapping of MAPPING §1.6.4.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpi/mapping.hpp"
#include "proxy/net/upstream.hpp"
#include "proxy/pipeline/upstream_status.hpp"
#include "proxy/router/exchange.hpp"
#include "proxy/router/runtime.hpp"

namespace ocpi::proxy {

// endpoint URL + '/'-joined percent-encoded segments (§1.2.4) + "?" query (if any).
std::optional<url> endpoint_target(std::string_view endpoint, const std::vector<std::string>& segs,
                                   std::string_view query = {});
// The request's raw query string (after '?'), "" when none.
std::string query_string(const exchange& ex);
// The request's query string filtered to the pagination/filter parameters (§1.2.4).
std::string forwarded_query(std::string_view target);

// Top-level string/presence facts about a JSON object body, read without translating it.
struct body_facts {
  bool valid_object = false;
  std::vector<std::string> keys;
  std::optional<std::string> id, uid, status, last_updated;
  bool only(std::initializer_list<std::string_view> allowed) const;
};
body_facts peek(std::string_view json);


// A refused translation as the caller sees it.
response refusal(exchange& ex, const error& err, bool toward_211);

// ToIOP: relays IOP's answer to the legacy caller (§1.6.4 first table, decided by the pipeline's
// map_iop_answer_to_legacy); `data_211` is the down-converted data (empty for acknowledgements:
// `{}` is sent, Gireve 2.1.1 style).
response relay_iop_answer(runtime& rt, exchange& ex, const upstream_result& up, const std::optional<parsed_envelope>& env,
                          std::string_view data_211, bool get_object);
// FromIOP: relays the legacy backend's answer to IOP (§1.6.4 second table, map_legacy_answer_to_iop);
// `data_221` is the up-converted data (omitted for acknowledgements); `is_authorize`: an unknown
// token becomes HTTP 404 + 2004.
response relay_legacy_answer(exchange& ex, const upstream_result& up, const std::optional<parsed_envelope>& env,
                             std::string_view data_221, bool is_authorize = false);

// Pagination headers (§1.7): Link rewritten to `caller_endpoint`, X-Total-Count/X-Limit copied,
// or synthesised from the request when a legacy server omitted them (rule 3).
void relay_pagination(const response& upstream, response& out, std::string_view caller_endpoint,
                      std::string_view request_target, std::size_t count, bool synthesise);

// Sets OCPI-from/to on a message.
void set_routing(http::fields& h, const party& from, const party& to);
std::optional<party> routing_party(const http::fields& h, std::string_view prefix);  // "OCPI-from" | "OCPI-to"

// §1.4 "Routing FromIOP requests": the legacy party of `role` IOP addresses with OCPI-to (the only
// one of that role may be implied); nullptr + `why` otherwise.
const legacy_config* addressed(runtime& rt, exchange& ex, party_role role, std::string& why);
// Responses to IOP carry the routing pair swapped (§1.4 "Values on responses").
void answer_routing(runtime& rt, exchange& ex, response& res, const legacy_config& legacy);

// Number of elements of a JSON array text (for pagination synthesis).
std::size_t array_size(std::string_view json);

}  // namespace ocpi::proxy
