// The operator API (face.admin, loopback only): what `ocpi-bridge admin ...` calls. It hands out
// registration tokens A, starts and ends the handshakes the bridge initiates, and reports the
// state of every connection. Authorised by the secret in <data_dir>/admin.token; answers are OCPI
// envelopes so that one client reads every face the same way.
#include <simdjson.h>

#include "ocpi/json_writer.hpp"
#include "proxy/pipeline/token_codec.hpp"
#include "proxy/router/durability.hpp"
#include "proxy/router/key_rotation.hpp"
#include "proxy/router/peers.hpp"
#include "proxy/router/registration.hpp"
#include "proxy/router/routes.hpp"
#include "proxy/router/store_forward.hpp"

namespace ocpi::proxy {

namespace {

struct admin_body {
  std::string connection;  // "iop" | "legacy:CC*PID"
  std::optional<std::size_t> legacy;
  std::string versions_url, token;
};

// Accepts "iop", "CC*PID" and "legacy:CC*PID" (case-insensitive); "" when not configured.
std::string normalise_connection(const runtime& rt, std::string_view text, std::optional<std::size_t>& legacy) {
  if (text == "iop" || text == "IOP") return std::string(iop_connection);
  std::string_view id = text.starts_with("legacy:") ? text.substr(7) : text;
  const auto star = id.find('*');
  if (star == std::string_view::npos) return {};
  legacy = legacy_index_of(rt, connection_key(party{std::string(id.substr(0, star)), std::string(id.substr(star + 1))}));
  return legacy ? legacy_connection(rt, *legacy) : std::string{};
}

std::optional<admin_body> read_body(const runtime& rt, std::string_view body, std::string& why) {
  simdjson::dom::parser p;
  simdjson::dom::object o;
  if (p.parse(body.data(), body.size()).get(o)) {
    why = "expected a JSON object";
    return std::nullopt;
  }
  admin_body b;
  std::string_view v;
  if (o["connection"].get(v)) {
    why = "connection: required (\"iop\" or \"CC*PID\" of a [[legacy]] party)";
    return std::nullopt;
  }
  b.connection = normalise_connection(rt, v, b.legacy);
  if (b.connection.empty()) {
    why = "connection: '" + std::string(v) + "' is neither iop nor a configured [[legacy]] party";
    return std::nullopt;
  }
  if (!o["versions_url"].get(v)) b.versions_url = std::string(v);
  if (!o["token"].get(v)) b.token = std::string(v);
  return b;
}

std::string status_json(runtime& rt) {
  std::string out;
  json_writer w(out);
  auto connection = [&](const std::string& key, const std::string& party_text, const char* role, const std::string& url,
                        bool configured_tokens, std::size_t endpoints) {
    const auto creds = rt.state.credentials(key);
    w.begin_object();
    w.field("connection", key);
    w.field("party", party_text);
    w.field("role", role);
    // A stored record decides; without one the static tokens of the configuration do.
    const bool registered = creds ? !creds->token_from_peer.empty() : configured_tokens;
    w.field("registered", registered);
    w.field("source", creds ? "handshake" : configured_tokens ? "configuration" : "none");
    w.field("versions_url", url);
    if (creds) w.field("updated_at", creds->updated_at);
    w.key("endpoints");
    w.integer(static_cast<std::int64_t>(endpoints));
    w.key("pending_registration_tokens");
    w.integer(static_cast<std::int64_t>(rt.state.registration_tokens(key).size()));
    w.end_object();
  };
  w.begin_object();
  w.key("connections");
  w.begin_array();
  const auto iop_dir = rt.dirs.iop_all();
  connection(std::string(iop_connection), rt.cfg.mapping.iop.emi3(), "HUB", iop_versions_url(rt),
             !rt.cfg.iop.accepts_token.empty(), iop_dir ? iop_dir->urls.size() : 0);
  for (std::size_t i = 0; i < rt.cfg.legacy.size(); ++i) {
    const auto& l = rt.cfg.legacy[i];
    const auto dir = rt.dirs.legacy_all(i);
    connection(legacy_connection(rt, i), l.party.id.emi3(), l.party.role == party_role::cpo ? "CPO" : "EMSP",
               legacy_versions_url(rt, i), !l.accepts_token.empty(), dir ? dir->urls.size() : 0);
  }
  w.end_array();
  w.key("pending_commands");  // still waiting for their result, whatever their deadline
  w.integer(static_cast<std::int64_t>(rt.state.expired_pending(INT64_MAX).size()));
  w.end_object();
  return out;
}

}  // namespace

route_result admin_api(runtime& rt, exchange& ex, const segments& seg) {
  ex.route = "admin";
  const std::string_view known[] = {rt.admin_token};
  if (rt.admin_token.empty() || !match_authorization(ex.header("Authorization"), known, false))
    co_return envelope_response(ex, 401, status::client_error, "unknown admin token");
  const auto method = ex.in.req.method();
  if (seg.size() >= 2 && seg[0] == "admin" && (seg[1] == "queue" || seg[1] == "dead-letters"))
    co_return co_await store_forward_admin(rt, ex, seg);
  if (seg.size() != 2 || seg[0] != "admin") co_return envelope_response(ex, 404, status::client_error, "unknown route");
  const std::string& what = seg[1];
  ex.route = "admin " + what;
  if (what == "status") {
    if (method != http::verb::get) co_return envelope_response(ex, 405, status::client_error, "method not allowed");
    co_return envelope_response(ex, 200, status::success, "Success", status_json(rt));
  }
  if (method != http::verb::post) co_return envelope_response(ex, 405, status::client_error, "method not allowed");
  if (what == "rotate-key") {
    const auto r = co_await rotate_state_key(rt);
    ex.note = r.message;
    co_return envelope_response(ex, r.http, r.http == 200 ? status::success : r.http == 409 ? status::client_error : status::server_error,
                                r.message);
  }
  std::string why;
  const auto body = read_body(rt, ex.in.req.body(), why);
  if (!body) co_return envelope_response(ex, 400, status::invalid_parameters, why);

  if (what == "token-a") {
    // §2.3 step 1 / §2.4: a single-use token the peer's operator uses for its first calls.
    const std::string token = new_credentials_token();
    rt.state.add_registration_token(body->connection, token);
    co_await durable(rt.state);
    std::string out;
    json_writer w(out);
    w.begin_object();
    w.field("connection", body->connection);
    w.field("token", token);
    w.field("versions_url", body->legacy ? versions_url(rt.legacy_base, version::v2_1_1, rt.cfg.legacy[*body->legacy].party.role)
                                         : versions_url(rt.hub_base, version::v2_2_1));
    w.end_object();
    ex.note = "token A issued for " + body->connection;
    co_return envelope_response(ex, 200, status::success, "Success", out);
  }
  if (what == "register" || what == "unregister") {
    const bool reg = what == "register";
    if (reg && (body->versions_url.empty() || body->token.empty()))
      co_return envelope_response(ex, 400, status::invalid_parameters, "register needs versions_url and token (the peer's token A)");
    if (!rt.begin_handshake(body->connection))
      co_return envelope_response(ex, 409, status::client_error, "a handshake with " + body->connection + " is in progress");
    handshake_outcome outcome;
    try {
      // Plain if/else: GCC 12 mishandles co_await inside a conditional expression.
      if (body->legacy && reg)
        outcome = co_await register_with_legacy(rt, *body->legacy, body->versions_url, body->token);
      else if (body->legacy)
        outcome = co_await unregister_from_legacy(rt, *body->legacy);
      else if (reg)
        outcome = co_await register_with_iop(rt, body->versions_url, body->token);
      else
        outcome = co_await unregister_from_iop(rt);
    } catch (...) {
      rt.end_handshake(body->connection);
      throw;
    }
    rt.end_handshake(body->connection);
    ex.note = outcome.message;
    if (!outcome.ok) co_return envelope_response(ex, 502, status::server_error, outcome.message);
    co_return envelope_response(ex, 200, status::success, outcome.message);
  }
  co_return envelope_response(ex, 404, status::client_error, "unknown route");
}

}  // namespace ocpi::proxy
