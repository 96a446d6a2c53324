// Credentials handshakes on both faces (MAPPING §2.3-§2.6): the hub registers with the bridge
// (Gireve "Register FromIOP") on /ocpi/2.2.1/credentials, a legacy backend registers exactly as it
// used to with Gireve 2.1.1 on /ocpi/{emsp,cpo}/2.1.1/credentials. Each face runs its own handshake:
// credentials objects never cross the bridge (§2.1). State is made durable before the answer, so a
// peer never holds a token the bridge forgot.
#include <simdjson.h>
#include <spdlog/spdlog.h>

#include "ocpi/json_writer.hpp"
#include "proxy/net/url.hpp"
#include "proxy/router/discovery.hpp"
#include "proxy/router/durability.hpp"
#include "proxy/router/peers.hpp"
#include "proxy/router/registration.hpp"
#include "proxy/router/routes.hpp"

namespace ocpi::proxy {

namespace {

// The two string fields every Credentials object has; `why` names the offending field.
struct credentials_in {
  std::string token, url;
  std::string country_code, party_id;  // 2.1.1 top level, or the HUB role in 2.2.1
};

bool read_string(simdjson::dom::object o, std::string_view key, std::string& out, std::size_t max, std::string& why) {
  std::string_view v;
  if (o[key].get(v) || v.empty() || v.size() > max) {
    why = std::string(key) + ": expected a non-empty string of at most " + std::to_string(max) + " characters";
    return false;
  }
  out = std::string(v);
  return true;
}

// 2.2.1 Credentials from IOP: token, url and exactly one role HUB with the configured identity
// (§2.3 step 4). nullopt + `why` -> OCPI 2001.
std::optional<credentials_in> parse_221(const runtime& rt, std::string_view body, std::string& why) {
  simdjson::dom::parser p;
  simdjson::dom::object o;
  if (p.parse(body.data(), body.size()).get(o)) {
    why = "expected a Credentials object";
    return std::nullopt;
  }
  credentials_in c;
  if (!read_string(o, "token", c.token, 64, why) || !read_string(o, "url", c.url, 255, why)) return std::nullopt;
  if (!parse_url(c.url)) {
    why = "url: expected an http(s) URL";
    return std::nullopt;
  }
  simdjson::dom::array roles;
  if (o["roles"].get(roles) || roles.size() != 1) {
    why = "roles: IOP presents exactly one role, HUB";
    return std::nullopt;
  }
  simdjson::dom::object role;
  std::string_view name;
  if (roles.at(0).get(role) || role["role"].get(name) || name != "HUB" ||
      !read_string(role, "country_code", c.country_code, 2, why) || !read_string(role, "party_id", c.party_id, 3, why) ||
      !party{c.country_code, c.party_id}.same(rt.cfg.mapping.iop)) {
    why = "roles: expected one role HUB " + rt.cfg.mapping.iop.emi3();
    return std::nullopt;
  }
  return c;
}

// 2.1.1 Credentials from a legacy backend: token, url, party_id, country_code, business_details.
std::optional<credentials_in> parse_211(std::string_view body, std::string& why) {
  simdjson::dom::parser p;
  simdjson::dom::object o;
  if (p.parse(body.data(), body.size()).get(o)) {
    why = "expected a Credentials object";
    return std::nullopt;
  }
  credentials_in c;
  if (!read_string(o, "token", c.token, 64, why) || !read_string(o, "url", c.url, 255, why) ||
      !read_string(o, "country_code", c.country_code, 2, why) || !read_string(o, "party_id", c.party_id, 3, why))
    return std::nullopt;
  if (!parse_url(c.url)) {
    why = "url: expected an http(s) URL";
    return std::nullopt;
  }
  simdjson::dom::object bd;
  if (o["business_details"].get(bd)) {
    why = "business_details: required";
    return std::nullopt;
  }
  return c;
}

response ack(exchange& ex, bool toward_211) {
  return envelope_response(ex, 200, status::success, "Success", toward_211 ? "{}" : "");
}

response not_registered(exchange& ex, bool toward_211) {
  return envelope_response(ex, 405, status::client_error, "not registered", toward_211 ? "{}" : "");
}

// Serialises concurrent handshakes of one connection: the losers get 409 Conflict (RFC 9110
// §15.5.10: the request conflicts with the current state, the handshake the winner is running).
// Not 405: the method is allowed, and a peer retrying after the winner's answer is right to.
struct handshake_slot {
  runtime& rt;
  std::string connection;
  bool held;
  handshake_slot(runtime& r, std::string c) : rt(r), connection(std::move(c)), held(r.begin_handshake(connection)) {}
  ~handshake_slot() {
    if (held) rt.end_handshake(connection);
  }
};

}  // namespace

route_result credentials_221(runtime& rt, exchange& ex, bool with_registration_token) {
  const auto method = ex.in.req.method();
  ex.route = std::string("credentials ") + std::string(http::to_string(method)) + " 2.2.1";
  const bool registered = !with_registration_token;
  if (method == http::verb::get) {
    if (!registered) co_return not_registered(ex, false);
    co_return envelope_response(ex, 200, status::success, "Success", bridge_credentials_221(rt, iop_token_in(rt)));
  }
  if (method == http::verb::delete_) {
    if (!registered) co_return not_registered(ex, false);
    // §2.6: drop token C and stop calling IOP; queued traffic is kept for the next registration.
    auto creds = rt.state.credentials(iop_connection).value_or(peer_credentials{});
    creds.token_from_peer.clear();
    creds.token_to_peer.clear();
    creds.updated_at = rt.state.now();
    rt.state.set_credentials(iop_connection, std::move(creds));
    rt.dirs.forget_iop();
    co_await durable(rt.state);
    spdlog::warn("credentials: IOP unregistered (DELETE); calls toward IOP stop until it registers again");
    co_return ack(ex, false);
  }
  if (method != http::verb::post && method != http::verb::put)
    co_return envelope_response(ex, 405, status::client_error, "method not allowed");
  // POST registers (only with token A), PUT updates (only once registered), §1.6.3.
  if (method == http::verb::post && registered) co_return envelope_response(ex, 405, status::client_error, "already registered");
  if (method == http::verb::put && !registered) co_return not_registered(ex, false);
  handshake_slot slot(rt, std::string(iop_connection));
  if (!slot.held) co_return envelope_response(ex, 409, status::client_error, "a registration is in progress");
  std::string why;
  const auto in = parse_221(rt, ex.in.req.body(), why);
  if (!in) co_return envelope_response(ex, 200, status::invalid_parameters, why);
  auto found = co_await fetch_iop_directory(rt, in->url, in->token);
  if (!found.ok()) co_return envelope_response(ex, 200, found.ocpi_status(), "cannot use IOP's API: " + found.why);
  if (auto missing = missing_iop_endpoints(rt, found.directory); !missing.empty())
    co_return envelope_response(ex, 200, 3003, "IOP publishes none of the endpoints needed for " + missing);
  const std::string token_c = new_credentials_token();
  record_registration(rt, iop_connection, in->token, token_c, in->url, "2.2.1", ex.in.req.body());
  rt.dirs.set_iop(std::move(found.directory));
  co_await durable(rt.state);
  spdlog::info("credentials: IOP {} ({})", method == http::verb::post ? "registered" : "updated its credentials", in->url);
  co_return envelope_response(ex, 200, status::success, "Success", bridge_credentials_221(rt, token_c));
}

route_result credentials_211(runtime& rt, exchange& ex, std::size_t index, bool with_registration_token) {
  const auto method = ex.in.req.method();
  ex.route = std::string("credentials ") + std::string(http::to_string(method)) + " 2.1.1";
  const auto& legacy = rt.cfg.legacy.at(index);
  const std::string connection = legacy_connection(rt, index);
  const bool registered = !with_registration_token;
  if (method == http::verb::get) {
    if (!registered) co_return not_registered(ex, true);
    co_return envelope_response(ex, 200, status::success, "Success", bridge_credentials_211(rt, index, legacy_token_in(rt, index)));
  }
  if (method == http::verb::delete_) {
    if (!registered) co_return not_registered(ex, true);
    // §2.6: forget this connection only; IOP keeps the shared 2.2.1 connection.
    peer_credentials gone;
    gone.versions_url = legacy_versions_url(rt, index);
    gone.updated_at = rt.state.now();
    rt.state.set_credentials(connection, std::move(gone));
    rt.dirs.forget_legacy(index);
    co_await durable(rt.state);
    spdlog::warn("credentials: legacy {} unregistered (DELETE)", legacy.party.id.emi3());
    co_return ack(ex, true);
  }
  if (method != http::verb::post && method != http::verb::put)
    co_return envelope_response(ex, 405, status::client_error, "method not allowed", "{}");
  if (method == http::verb::post && registered)
    co_return envelope_response(ex, 405, status::client_error, "already registered", "{}");
  if (method == http::verb::put && !registered) co_return not_registered(ex, true);
  handshake_slot slot(rt, connection);
  if (!slot.held) co_return envelope_response(ex, 409, status::client_error, "a registration is in progress", "{}");
  std::string why;
  const auto in = parse_211(ex.in.req.body(), why);
  if (!in) co_return envelope_response(ex, 200, status::invalid_parameters, why, "{}");
  // §2.4: the identity is bound to the token A / the connection; changing it needs Gireve.
  if (!party{in->country_code, in->party_id}.same(legacy.party.id))
    co_return envelope_response(ex, 200, status::invalid_parameters,
                                "country_code/party_id differ from this connection's party " + legacy.party.id.emi3(), "{}");
  auto found = co_await fetch_legacy_directory(rt, index, in->url, in->token);
  if (!found.ok()) co_return envelope_response(ex, 200, found.ocpi_status(), "cannot use your API: " + found.why, "{}");
  if (auto missing = missing_legacy_endpoints(legacy.party.role, found.directory); !missing.empty())
    co_return envelope_response(ex, 200, 3003, "missing endpoint(s): " + missing, "{}");
  const std::string token_c = new_credentials_token();
  record_registration(rt, connection, in->token, token_c, in->url, "2.1.1", ex.in.req.body());
  rt.dirs.set_legacy(index, std::move(found.directory));
  co_await durable(rt.state);
  spdlog::info("credentials: legacy {} {} ({})", legacy.party.id.emi3(),
               method == http::verb::post ? "registered" : "updated its credentials", in->url);
  co_return envelope_response(ex, 200, status::success, "Success", bridge_credentials_211(rt, index, token_c));
}

}  // namespace ocpi::proxy
