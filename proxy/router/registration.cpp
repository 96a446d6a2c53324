#include "proxy/router/registration.hpp"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include "ocpi/json_writer.hpp"
#include "proxy/net/upstream.hpp"
#include "proxy/pipeline/request_ids.hpp"
#include "proxy/pipeline/token_codec.hpp"
#include "proxy/pipeline/upstream_status.hpp"
#include "proxy/router/discovery.hpp"
#include "proxy/router/durability.hpp"
#include "proxy/router/flow_support.hpp"
#include "proxy/router/peers.hpp"

namespace ocpi::proxy {

namespace {

const char* role_name(party_role r) { return r == party_role::cpo ? "CPO" : "EMSP"; }

// The business_details a legacy party registered with (its own words), else {name} from config.
void write_business_details(json_writer& w, const runtime& rt, std::size_t index) {
  w.key("business_details");
  if (auto c = rt.state.credentials(legacy_connection(rt, index)); c && !c->credentials_json.empty()) {
    simdjson::dom::parser p;
    simdjson::dom::object bd;
    if (!p.parse(c->credentials_json).get_object().get(bd) && !bd["business_details"].get(bd)) {
      w.raw(simdjson::minify(bd));
      return;
    }
  }
  w.begin_object();
  w.field("name", rt.cfg.legacy[index].party.business_name);
  w.end_object();
}

struct peer_answer {
  bool ok = false;
  std::string data;  // the envelope's data when status 1000
  std::string why;
};

// One request of a handshake the bridge initiates, authorised with `auth`.
boost::asio::awaitable<peer_answer> call(runtime& rt, http::verb method, const std::string& address, const std::string& auth,
                                         std::string body, std::shared_ptr<const client_tls> tls) {
  peer_answer out;
  const auto target = parse_url(address);
  if (!target) {
    out.why = "not a valid URL: " + address;
    co_return out;
  }
  request req{method, "/", 11};
  req.set(http::field::authorization, auth);
  req.set(http::field::accept, "application/json");
  const auto ids = proxy_initiated();
  req.set(request_id_header, ids.request_id);
  req.set(correlation_id_header, ids.correlation_id);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = std::move(body);
  }
  auto res = co_await rt.upstream.send(*target, std::move(req), rt.cfg.bridge.upstream_timeout, std::move(tls),
                                       renew_request_id());
  if (!res.ok()) {
    out.why = address + ": " + to_string(res.fail) + " " + res.detail;
    co_return out;
  }
  const auto env = parse_upstream_envelope(res.res.body());
  if (!env || res.res.result_int() >= 300 || env->status_code != 1000) {
    out.why = address + ": " +
              redirect_note(res).value_or("HTTP " + std::to_string(res.res.result_int()) +
                                          (env ? " OCPI " + std::to_string(env->status_code) + " " + env->status_message
                                               : " (no OCPI envelope)"));
    co_return out;
  }
  out.ok = true;
  out.data = env->data;
  co_return out;
}

std::optional<std::string> token_of(std::string_view credentials_json) {
  simdjson::dom::parser p;
  std::string_view token;
  if (p.parse(credentials_json).get_object()["token"].get(token) || token.empty() || token.size() > 64) return std::nullopt;
  return std::string(token);
}

}  // namespace

void record_registration(runtime& rt, std::string_view connection, std::string token_to_peer, std::string token_from_peer,
                         std::string versions_url, std::string_view version, std::string credentials_json) {
  peer_credentials creds;
  creds.token_to_peer = std::move(token_to_peer);
  creds.token_from_peer = std::move(token_from_peer);
  creds.versions_url = std::move(versions_url);
  creds.version = std::string(version);
  creds.credentials_json = std::move(credentials_json);
  creds.updated_at = rt.state.now();
  rt.state.set_credentials(connection, std::move(creds));
  rt.state.erase_registration_tokens(connection);
}

std::string bridge_credentials_221(const runtime& rt, const std::string& token) {
  std::string out;
  json_writer w(out);
  w.begin_object();
  w.field("token", token);
  w.field("url", versions_url(rt.hub_base, version::v2_2_1));
  w.key("roles");
  w.begin_array();
  for (std::size_t i = 0; i < rt.cfg.legacy.size(); ++i) {
    const auto& p = rt.cfg.legacy[i].party;
    w.begin_object();
    w.field("role", role_name(p.role));
    w.field("party_id", p.id.party_id);
    w.field("country_code", p.id.country_code);
    write_business_details(w, rt, i);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

std::string bridge_credentials_211(const runtime& rt, std::size_t legacy_index, const std::string& token) {
  std::string out;
  json_writer w(out);
  w.begin_object();
  w.field("token", token);
  w.field("url", versions_url(rt.legacy_base, version::v2_1_1, rt.cfg.legacy.at(legacy_index).party.role));
  w.key("business_details");
  w.begin_object();
  w.field("name", rt.cfg.mapping.iop_business_name);
  w.end_object();
  // The legacy backend keeps seeing the peer it registered with before the migration (§2.4).
  w.field("party_id", rt.cfg.mapping.iop.party_id);
  w.field("country_code", rt.cfg.mapping.iop.country_code);
  w.end_object();
  return out;
}

std::string missing_iop_endpoints(const runtime& rt, const iop_directory& dir) {
  std::string missing;
  for (const party_role role : {party_role::cpo, party_role::emsp}) {
    bool configured = false, served = false;
    for (const auto& l : rt.cfg.legacy) configured = configured || l.party.role == role;
    if (!configured) continue;
    for (auto m : bridged_modules())
      if (auto need = iop_endpoint_for(role, m); need && dir.find(need->identifier, need->role)) served = true;
    if (!served) missing += std::string(missing.empty() ? "" : ", ") + role_name(role);
  }
  return missing;
}

std::string missing_legacy_endpoints(party_role role, const legacy_directory& dir) {
  // Gireve requires every CPO to publish its Locations; an eMSP needs at least one module.
  if (role == party_role::cpo && !dir.find("locations")) return "locations";
  for (auto m : bridged_modules())
    if (dir.find(m)) return "";
  return "any of locations, tariffs, sessions, cdrs, tokens, commands";
}

boost::asio::awaitable<handshake_outcome> register_with_iop(runtime& rt, const std::string& versions_url,
                                                            const std::string& token_a) {
  auto found = co_await fetch_iop_directory(rt, versions_url, token_a);
  if (!found.ok()) co_return handshake_outcome{false, "IOP versions/details: " + found.why};
  if (auto missing = missing_iop_endpoints(rt, found.directory); !missing.empty())
    co_return handshake_outcome{false, "IOP publishes none of the endpoints needed for " + missing};
  const std::string* credentials_url = found.directory.find_any("credentials");
  if (!credentials_url) co_return handshake_outcome{false, "IOP publishes no credentials endpoint"};
  const std::string token_b = new_credentials_token();
  rt.offer_in_flight_token(std::string(iop_connection), token_b);  // IOP reads our endpoints with it first
  const bool base64 = rt.cfg.iop.auth_encoding != "RAW";
  auto answer = co_await call(rt, http::verb::post, *credentials_url, authorization_value(token_a, base64),
                              bridge_credentials_221(rt, token_b), rt.iop_tls);
  if (!answer.ok) co_return handshake_outcome{false, "POST credentials: " + answer.why};
  const auto token_c = token_of(answer.data);
  if (!token_c) co_return handshake_outcome{false, "POST credentials: IOP's answer has no usable token"};
  record_registration(rt, iop_connection, *token_c, token_b, versions_url, "2.2.1", answer.data);
  rt.dirs.set_iop(std::move(found.directory));
  co_await durable(rt.state);
  spdlog::info("credentials: registered with IOP at {}", versions_url);
  co_return handshake_outcome{true, "registered with IOP"};
}

boost::asio::awaitable<handshake_outcome> register_with_legacy(runtime& rt, std::size_t index,
                                                               const std::string& versions_url,
                                                               const std::string& token_a) {
  const auto& legacy = rt.cfg.legacy.at(index);
  auto found = co_await fetch_legacy_directory(rt, index, versions_url, token_a);
  if (!found.ok()) co_return handshake_outcome{false, "legacy versions/details: " + found.why};
  if (auto missing = missing_legacy_endpoints(legacy.party.role, found.directory); !missing.empty())
    co_return handshake_outcome{false, "the legacy backend lacks " + missing};
  const std::string* credentials_url = found.directory.find("credentials");
  if (!credentials_url) co_return handshake_outcome{false, "the legacy backend publishes no credentials endpoint"};
  const std::string token_b = new_credentials_token();
  rt.offer_in_flight_token(legacy_connection(rt, index), token_b);  // the backend reads our endpoints with it first
  auto tls = index < rt.legacy_tls.size() ? rt.legacy_tls[index] : nullptr;
  auto answer = co_await call(rt, http::verb::post, *credentials_url, authorization_value(token_a, false),
                              bridge_credentials_211(rt, index, token_b), tls);
  if (!answer.ok) co_return handshake_outcome{false, "POST credentials: " + answer.why};
  const auto token_c = token_of(answer.data);
  if (!token_c) co_return handshake_outcome{false, "POST credentials: the answer has no usable token"};
  record_registration(rt, legacy_connection(rt, index), *token_c, token_b, versions_url, "2.1.1", answer.data);
  rt.dirs.set_legacy(index, std::move(found.directory));
  co_await durable(rt.state);
  spdlog::info("credentials: registered with legacy {} at {}", legacy.party.id.emi3(), versions_url);
  co_return handshake_outcome{true, "registered with " + legacy.party.id.emi3()};
}

boost::asio::awaitable<handshake_outcome> unregister_from_iop(runtime& rt) {
  handshake_outcome out{true, "unregistered from IOP"};
  const auto dir = rt.dirs.iop_all();
  const std::string token = iop_token_out(rt);
  if (const std::string* url = dir ? dir->find_any("credentials") : nullptr; url && !token.empty()) {
    auto answer = co_await call(rt, http::verb::delete_, *url, authorization_value(token, rt.cfg.iop.auth_encoding != "RAW"),
                                {}, rt.iop_tls);
    if (!answer.ok) out.message += " locally; IOP did not confirm: " + answer.why;
  }
  peer_credentials gone;
  gone.versions_url = iop_versions_url(rt);
  gone.updated_at = rt.state.now();
  rt.state.set_credentials(iop_connection, std::move(gone));
  rt.dirs.forget_iop();
  co_await durable(rt.state);
  co_return out;
}

boost::asio::awaitable<handshake_outcome> unregister_from_legacy(runtime& rt, std::size_t index) {
  const auto& legacy = rt.cfg.legacy.at(index);
  handshake_outcome out{true, "unregistered from " + legacy.party.id.emi3()};
  const std::string token = legacy_token_out(rt, index);
  if (auto url = rt.dirs.legacy(index, "credentials"); url && !token.empty()) {
    auto tls = index < rt.legacy_tls.size() ? rt.legacy_tls[index] : nullptr;
    auto answer = co_await call(rt, http::verb::delete_, *url, authorization_value(token, false), {}, tls);
    if (!answer.ok) out.message += " locally; the backend did not confirm: " + answer.why;
  }
  peer_credentials gone;
  gone.versions_url = legacy_versions_url(rt, index);
  gone.updated_at = rt.state.now();
  rt.state.set_credentials(legacy_connection(rt, index), std::move(gone));
  rt.dirs.forget_legacy(index);
  co_await durable(rt.state);
  co_return out;
}

}  // namespace ocpi::proxy
