#include "proxy/router/flow_support.hpp"

#include <simdjson.h>

#include <array>
#include <cstdlib>

#include "proxy/net/http.hpp"
#include "proxy/pipeline/envelope.hpp"
#include "proxy/pipeline/url_mapping.hpp"
#include "proxy/router/json_edit.hpp"

namespace ocpi::proxy {

namespace {

static_assert(body_padding >= simdjson::SIMDJSON_PADDING, "bodies read by the server must be parseable in place");

simdjson::ondemand::parser& side_parser() {
  thread_local simdjson::ondemand::parser p;
  return p;
}

}  // namespace

std::optional<url> endpoint_target(std::string_view endpoint, const std::vector<std::string>& segs, std::string_view query) {
  // The URL a peer published is used as published: a trailing slash stays (FastAPI-style servers
  // answer 307 to the form without it), segments go after exactly one '/' (join_url).
  std::vector<std::string_view> parts(segs.begin(), segs.end());
  std::string text = join_url(endpoint, parts);
  if (!query.empty()) {
    text += '?';
    text += query;
  }
  return parse_url(text);
}

resend_hook renew_request_id(std::optional<trace_ids>* sent) {
  return [sent](request& req) {
    const auto correlation = req.find(correlation_id_header);
    auto ids = retry_outbound(correlation == req.end() ? std::string_view{} : std::string_view(correlation->value()));
    req.set(request_id_header, ids.request_id);
    req.set(correlation_id_header, ids.correlation_id);
    if (sent) *sent = std::move(ids);
  };
}

std::string forwarded_query(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  // Pagination/filter parameters only (§1.2.4); `type` belongs to Tokens calls, not Locations.
  static constexpr std::array<std::string_view, 4> allowed{"date_from", "date_to", "offset", "limit"};
  return filter_query(target.substr(q + 1), allowed).query;
}

bool body_facts::only(std::initializer_list<std::string_view> allowed) const {
  for (const auto& k : keys) {
    bool ok = false;
    for (auto a : allowed) ok = ok || k == a;
    if (!ok) return false;
  }
  return true;
}

body_facts peek(std::string_view json, std::size_t capacity) {
  body_facts f;
  simdjson::padded_string copy;
  simdjson::padded_string_view padded(json.data(), json.size(), capacity);
  if (capacity < json.size() + simdjson::SIMDJSON_PADDING) {
    copy = simdjson::padded_string(json);
    padded = copy;
  }
  simdjson::ondemand::document doc;
  if (side_parser().iterate(padded).get(doc)) return f;
  simdjson::ondemand::object obj;
  if (doc.get_object().get(obj)) return f;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return f;
    f.keys.emplace_back(key);
    std::string_view s;
    if ((key == "id" || key == "uid" || key == "status" || key == "last_updated") && !field.value().get_string().get(s)) {
      (key == "id" ? f.id : key == "uid" ? f.uid : key == "status" ? f.status : f.last_updated) = std::string(s);
    }
  }
  f.valid_object = true;
  return f;
}

std::optional<error> check_body_owner(std::string_view body_221, const party& url_owner) {
  const party in_body{string_at(body_221, {"country_code"}).value_or(""),
                      string_at(body_221, {"party_id"}).value_or("")};
  if (in_body.same(url_owner)) return std::nullopt;
  return error{status::invalid_parameters, 200, {}, "country_code/party_id in the body differ from the URL"};
}

std::string owner_location_id(runtime& rt, std::string_view exposed) {
  const auto key = rt.state.location_by_exposed_id(exposed);
  return key ? key->id : std::string(exposed);
}

response refusal(exchange& ex, const error& err, bool toward_211) {
  ex.note = err.describe();
  return envelope_response(ex, static_cast<unsigned>(err.http_status), err.status_code, err.describe(),
                           toward_211 && err.http_status == 200 ? "{}" : "");
}

namespace {

upstream_failure failure_of(const upstream_result& up) {
  using f = upstream_result::failure;
  switch (up.fail) {
    case f::none: return upstream_failure::none;
    case f::connect: return upstream_failure::connect;
    case f::timeout: return upstream_failure::timeout;
    case f::reset: return upstream_failure::reset;
    case f::tls: return upstream_failure::tls;
    case f::protocol: return upstream_failure::protocol;
  }
  return upstream_failure::protocol;
}

}  // namespace

std::optional<std::string> redirect_note(const upstream_result& up) {
  if (!up.ok()) return std::nullopt;
  const auto location = up.res.find(http::field::location);
  return redirect_note(up.res.result_int(),
                       location == up.res.end() ? std::string_view{} : std::string_view(location->value()));
}

namespace {

// The decision of the pipeline's §1.6.4 tables, as a response; `data` goes along only when the
// table says the upstream data is relayed (an acknowledgement toward 2.1.1 carries `{}`).
response answer(exchange& ex, const upstream_result& up, const caller_answer& a, std::string_view data, bool toward_211) {
  if (up.ok()) ex.upstream_http = static_cast<int>(up.res.result_int());
  else ex.note = std::string("upstream ") + to_string(up.fail) + ": " + up.detail;
  // An alert leads the log note; what the hop noted (a redirect's target) stays after it.
  if (a.alert) ex.note = "alert: " + a.status_message + (ex.note.empty() ? "" : "; " + ex.note);
  std::string_view body;
  if (a.relay_data) body = data.empty() && toward_211 ? std::string_view("{}") : data;
  return envelope_response(ex, a.http_status, a.status_code, a.status_message, body);
}

}  // namespace

response relay_iop_answer(runtime& rt, exchange& ex, const upstream_result& up, const std::optional<parsed_envelope>& env,
                          std::string_view data_211, bool get_object) {
  const unsigned http = up.ok() ? up.res.result_int() : 0;
  const auto a = map_iop_answer_to_legacy(http, env ? &*env : nullptr, failure_of(up), rt.cfg.mapping.status_strict_211_codes,
                                          get_object);
  return answer(ex, up, a, data_211, true);
}

response relay_legacy_answer(exchange& ex, const upstream_result& up, const std::optional<parsed_envelope>& env,
                             std::string_view data_221, bool is_authorize) {
  const unsigned http = up.ok() ? up.res.result_int() : 0;
  const auto a = map_legacy_answer_to_iop(http, env ? &*env : nullptr, failure_of(up), is_authorize);
  return answer(ex, up, a, data_221, false);
}

void relay_pagination(const response& upstream, response& out, std::string_view caller_endpoint,
                      std::string_view request_target, std::size_t count, bool synthesise) {
  bool have_total = false, have_limit = false;
  if (auto it = upstream.find("X-Total-Count"); it != upstream.end()) out.set("X-Total-Count", it->value()), have_total = true;
  if (auto it = upstream.find("X-Limit"); it != upstream.end()) out.set("X-Limit", it->value()), have_limit = true;
  if (auto it = upstream.find(http::field::link); it != upstream.end()) {
    // §1.7 rule 1: the caller gets the bridge endpoint it used with the upstream's query byte for
    // byte; the upstream's path (published with or without a trailing '/') is not compared to
    // anything. Only the rel="next" link counts, wherever it stands among others.
    const auto next = parse_next_link(it->value());
    if (const auto rewritten = next ? rewrite_next_link(*next, caller_endpoint) : std::nullopt)
      out.set(http::field::link, next_link_header(*rewritten));
  } else if (synthesise && !have_total && !have_limit) {
    // §1.7 rule 3: the legacy server sent no pagination headers.
    auto param = [&](std::string_view name) -> std::optional<std::size_t> {
      const auto q = request_target.find('?');
      if (q == std::string_view::npos) return std::nullopt;
      std::string_view rest = request_target.substr(q + 1);
      while (!rest.empty()) {
        const auto amp = rest.find('&');
        const auto pair = rest.substr(0, amp);
        if (pair.substr(0, pair.find('=')) == name && pair.find('=') != std::string_view::npos)
          return std::strtoull(std::string(pair.substr(pair.find('=') + 1)).c_str(), nullptr, 10);
        if (amp == std::string_view::npos) break;
        rest = rest.substr(amp + 1);
      }
      return std::nullopt;
    };
    const std::size_t offset = param("offset").value_or(0);
    const auto limit = param("limit");
    out.set("X-Limit", std::to_string(limit.value_or(count)));
    if (limit && count == *limit && count > 0) {
      out.set("X-Total-Count", std::to_string(offset + count + 1));
      out.set(http::field::link, "<" + std::string(caller_endpoint) + "?offset=" + std::to_string(offset + count) +
                                     "&limit=" + std::to_string(*limit) + ">; rel=\"next\"");
    } else {
      out.set("X-Total-Count", std::to_string(offset + count));
    }
  }
}

const legacy_config* fromiop_party(runtime& rt, exchange& ex, party_role role, response& refused) {
  std::string why;
  const legacy_config* l = addressed(rt, ex, role, why);
  if (!l) refused = envelope_response(ex, 200, status::invalid_parameters, why);
  ex.legacy = l;
  return l;
}

response to_iop(runtime& rt, exchange& ex, response res) {
  if (ex.legacy) answer_routing(rt, ex, res, *ex.legacy);
  return res;
}

std::optional<url> iop_url(runtime& rt, exchange& ex, std::string_view module, std::string_view role,
                           const segments& segs, std::string_view query, response& refused) {
  const auto endpoint = rt.dirs.iop(module, role);
  if (!endpoint) {
    refused = iop_endpoint_missing(rt, ex, module, role);
    return std::nullopt;
  }
  auto target = endpoint_target(*endpoint, segs, query);
  if (!target)
    refused = envelope_response(ex, 502, status::server_error,
                                "IOP published an unusable " + std::string(module) + " URL", "{}");
  return target;
}

std::optional<url> legacy_url(runtime& rt, exchange& ex, const legacy_config& legacy, std::string_view module,
                              const segments& segs, std::string_view query, response& refused) {
  const auto endpoint = rt.dirs.legacy(rt.legacy_index(legacy), module);
  if (!endpoint) {
    refused = to_iop(rt, ex, legacy_endpoint_missing(rt, ex, legacy, module));
    return std::nullopt;
  }
  auto target = endpoint_target(*endpoint, segs, query);
  if (!target)
    refused =
        to_iop(rt, ex, envelope_response(ex, 502, status::server_error, "legacy backend published an unusable URL"));
  return target;
}

std::optional<fromiop_object> emsp_object_url(runtime& rt, exchange& ex, std::string_view module, const segments& rest,
                                              response& refused) {
  const legacy_config* emsp = fromiop_party(rt, ex, party_role::emsp, refused);
  if (!emsp) return std::nullopt;
  if (rest.size() != 3) {
    refused = to_iop(rt, ex, envelope_response(ex, 404, status::client_error, "unknown route"));
    return std::nullopt;
  }
  auto target = legacy_url(rt, ex, *emsp, module, rest, {}, refused);
  if (!target) return std::nullopt;
  return fromiop_object{emsp, std::move(*target)};
}

response acknowledged(exchange& ex, std::string why) {
  ex.note = std::move(why);
  return envelope_response(ex, 200, status::success, "Success");
}

std::optional<url> iop_receiver_url(runtime& rt, exchange& ex, const legacy_party& caller, std::string_view module,
                                    const segments& rest, response& refused) {
  if (rest.size() != 3) {
    refused = envelope_response(ex, 404, status::client_error, "unknown route", "{}");
    return std::nullopt;
  }
  if (auto err = check_url_owner({rest[0], rest[1]}, caller.id)) {
    refused = refusal(ex, *err, true);
    return std::nullopt;
  }
  return iop_url(rt, ex, module, "RECEIVER", rest, {}, refused);
}

// Both faces publish every module the configured roles serve (MAPPING §2.2), so a call can reach a
// module the peer behind it does not offer. The request addresses a resource the bridge published
// and reached the OCPI layer, where OCPI 2.1.1/2.2.1 forbid an HTTP error status: HTTP 200 with
// 3003 ("expected endpoints missing between parties"), which both versions define; the caller did
// nothing wrong, so no 2xxx. A peer not discovered yet (not registered, or discovery pending) is a
// passing state: 503 + 3000, as for IOP since §5 (callers and tests retry on it).
response iop_endpoint_missing(runtime& rt, exchange& ex, std::string_view module, std::string_view role) {
  const auto& iop = rt.cfg.mapping.iop;
  const std::string peer = "IOP " + iop.country_code + "/" + iop.party_id;
  const std::string endpoint = std::string(module) + " " + std::string(role);
  return rt.dirs.iop_known()
             ? envelope_response(ex, 200, status::no_matching_endpoints,
                                 peer + " does not offer " + endpoint + " (not in its 2.2.1 version details)", "{}")
             : envelope_response(ex, 503, status::server_error,
                                 "IOP endpoints not discovered yet: " + peer + " has not registered, " + endpoint +
                                     " unknown",
                                 "{}");
}

response legacy_endpoint_missing(runtime& rt, exchange& ex, const legacy_config& legacy, std::string_view module) {
  const std::string peer =
      std::string("legacy ") + (legacy.party.role == party_role::cpo ? "CPO " : "eMSP ") + legacy.party.id.emi3();
  return rt.dirs.legacy_known(rt.legacy_index(legacy))
             ? envelope_response(ex, 200, status::no_matching_endpoints,
                                 peer + " does not offer " + std::string(module) + " (not in its 2.1.1 version details)")
             : envelope_response(ex, 503, status::server_error,
                                 "endpoints of " + peer + " not discovered yet (not registered): " + std::string(module) +
                                     " unknown");
}

void set_routing(http::fields& h, const party& from, const party& to) {
  h.set("OCPI-from-country-code", from.country_code);
  h.set("OCPI-from-party-id", from.party_id);
  h.set("OCPI-to-country-code", to.country_code);
  h.set("OCPI-to-party-id", to.party_id);
}

std::optional<party> routing_party(const http::fields& h, std::string_view prefix) {
  const std::string p(prefix);
  auto cc = h.find(p + "-country-code");
  auto pid = h.find(p + "-party-id");
  if (cc == h.end() || pid == h.end()) return std::nullopt;
  return party{std::string(cc->value()), std::string(pid->value())};
}

std::size_t array_size(std::string_view json) {
  simdjson::padded_string padded(json);
  simdjson::ondemand::document doc;
  if (side_parser().iterate(padded).get(doc)) return 0;
  simdjson::ondemand::array a;
  size_t n = 0;
  if (doc.get_array().get(a) || a.count_elements().get(n)) return 0;
  return n;
}

const legacy_config* addressed(runtime& rt, exchange& ex, party_role role, std::string& why) {
  const auto to = routing_party(ex.in.req, "OCPI-to");
  const legacy_config* only = nullptr;
  int count = 0;
  for (const auto& l : rt.cfg.legacy) {
    if (l.party.role != role) continue;
    if (to && l.party.id.same(*to)) return &l;
    only = &l;
    ++count;
  }
  if (to) why = "unknown OCPI-to party";
  else if (count == 1) return only;
  else why = "OCPI-to headers required";
  return nullptr;
}

void answer_routing(runtime& rt, exchange& ex, response& res, const legacy_config& legacy) {
  const auto from = routing_party(ex.in.req, "OCPI-from");
  set_routing(res, legacy.party.id, from.value_or(rt.cfg.mapping.iop));
}

std::string query_string(const exchange& ex) {
  const std::string_view t = ex.in.req.target();
  const auto q = t.find('?');
  return q == std::string_view::npos ? std::string() : std::string(t.substr(q + 1));
}

}  // namespace ocpi::proxy
