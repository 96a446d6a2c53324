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

using segments = std::vector<std::string>;

// endpoint URL + '/'-joined percent-encoded segments (§1.2.4) + "?" query (if any).
std::optional<url> endpoint_target(std::string_view endpoint, const std::vector<std::string>& segs,
                                   std::string_view query = {});
// A resend_hook for upstream_pool::send: the resent request carries a new X-Request-ID and its
// X-Correlation-ID unchanged (§1.5, every attempt that leaves the bridge); `sent`, when given, is
// updated to the ids of that last attempt (the exchange log line's up_rid).
resend_hook renew_request_id(std::optional<trace_ids>* sent = nullptr);

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
body_facts peek(std::string_view json, std::size_t capacity = 0);  // capacity: see translate()

// §1.8.2 (2.2.1): the object's country_code/party_id must equal the URL's: HTTP 200 + 2001.
std::optional<error> check_body_owner(std::string_view body_221, const party& url_owner);

// §4.6 reversed: the owner's id of a Location a legacy eMSP knows by its exposed id; `exposed`
// itself when the map has no entry.
std::string owner_location_id(runtime& rt, std::string_view exposed);

// A refused translation as the caller sees it.
response refusal(exchange& ex, const error& err, bool toward_211);

// redirect_note() of an upstream answer (its Location header), nullopt when it is no 3xx.
std::optional<std::string> redirect_note(const upstream_result& up);

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

// FromIOP: addressed() recorded in ex.legacy; when no party fits, `refused` holds IOP's answer
// (HTTP 200 + 2001: the bridge is not a hub and does not use the 4xxx codes).
const legacy_config* fromiop_party(runtime& rt, exchange& ex, party_role role, response& refused);
// FromIOP: `res` with answer_routing() of the addressed party (ex.legacy), when there is one.
response to_iop(runtime& rt, exchange& ex, response res);

// ToIOP: IOP publishes no (`module`, `role`) endpoint (§1.2.2, §2.2): HTTP 200 + 3003 naming the
// module and IOP once IOP's endpoints are known, else 503 + 3000 "not discovered yet".
response iop_endpoint_missing(runtime& rt, exchange& ex, std::string_view module, std::string_view role);
// FromIOP: the addressed legacy connection publishes no `module` endpoint: the same rule, naming the
// module and the legacy party (the caller adds the routing pair with to_iop()).
response legacy_endpoint_missing(runtime& rt, exchange& ex, const legacy_config& legacy, std::string_view module);

// The URL of `segs` (and `query`) below IOP's (`module`, `role`) endpoint; when IOP publishes none
// or an unusable one, `refused` holds the legacy caller's answer (§1.2.2).
std::optional<url> iop_url(runtime& rt, exchange& ex, std::string_view module, std::string_view role,
                           const segments& segs, std::string_view query, response& refused);
// The same below a legacy connection's `module` endpoint; `refused` is IOP's answer
// (legacy_endpoint_missing() when the module is not offered), with the routing pair.
std::optional<url> legacy_url(runtime& rt, exchange& ex, const legacy_config& legacy, std::string_view module,
                              const segments& segs, std::string_view query, response& refused);

// FromIOP push or check of a client-owned object {cc}/{pid}/{id} at the addressed legacy eMSP
// (§1.4, §1.8.1): the party and its `module` URL for the same path, or IOP's answer in `refused`.
struct fromiop_object {
  const legacy_config* emsp = nullptr;
  url target;
};
std::optional<fromiop_object> emsp_object_url(runtime& rt, exchange& ex, std::string_view module, const segments& rest,
                                              response& refused);

// Received, nothing to forward: HTTP 200 + 1000, with the reason in the exchange log.
response acknowledged(exchange& ex, std::string why);

// ToIOP push or check of a client-owned object {cc}/{pid}/{id} (§1.8.1-§1.8.2): the URL segments
// must be the caller's own, then iop_url(module, RECEIVER).
std::optional<url> iop_receiver_url(runtime& rt, exchange& ex, const legacy_party& caller, std::string_view module,
                                    const segments& rest, response& refused);

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
