// Commands, IOP calling (MAPPING §3.3): C3 IOP commands a legacy CPO; C2 IOP reports the result of
// a legacy eMSP's command on the bridge's 2.2.1 callback URL.
#include <simdjson.h>

#include "proxy/router/commands.hpp"
#include "proxy/router/durability.hpp"
#include "proxy/router/hops.hpp"
#include "proxy/router/peers.hpp"
#include "proxy/router/routes.hpp"

namespace ocpi::proxy {

namespace {

std::string party_text(const party& p) { return connection_key(p).substr(7); }

object_kind kind_of(const std::string& command) {
  if (command == "START_SESSION") return object_kind::start_session;
  if (command == "STOP_SESSION") return object_kind::stop_session;
  if (command == "RESERVE_NOW") return object_kind::reserve_now;
  if (command == "CANCEL_RESERVATION") return object_kind::cancel_reservation;
  return object_kind::unlock_connector;
}

// §4.1: a START_SESSION carries the Token and the authorization_reference the CPO's Session and
// CDR will quote; remember them like an authorize answer.
void learn_from_start_session(runtime& rt, const party& cpo, std::string_view body_221) {
  simdjson::dom::parser p;
  simdjson::dom::object o, token;
  std::string_view reference, location_id, evse_uid, connector_id;
  if (p.parse(body_221.data(), body_221.size()).get(o) || o["token"].get(token)) return;
  const std::string token_json = simdjson::minify(token);
  rt.state.put_token(token_json);
  if (o["authorization_reference"].get(reference) || reference.empty()) return;
  authorization_record rec;
  rec.token_json = token_json;
  rec.source = "START_SESSION";
  if (!o["location_id"].get(location_id)) rec.location_id = std::string(location_id);
  if (!o["evse_uid"].get(evse_uid)) rec.evse_uids.emplace_back(evse_uid);
  if (!o["connector_id"].get(connector_id)) rec.connector_id = std::string(connector_id);
  rt.state.put_authorization(cpo, std::string(reference), std::move(rec));
}

}  // namespace

route_result commands_to_legacy_cpo(runtime& rt, exchange& ex, const segments& rest) {
  ex.route = "C3 command";
  std::string why;
  const legacy_config* cpo = addressed(rt, ex, party_role::cpo, why);
  if (!cpo) co_return envelope_response(ex, 200, status::invalid_parameters, why);
  ex.legacy = cpo;
  const legacy_party& me = rt.party_of(*cpo);
  auto finish = [&](response res) {
    answer_routing(rt, ex, res, *cpo);
    return res;
  };
  if (ex.in.req.method() != http::verb::post) co_return finish(envelope_response(ex, 405, status::client_error, "method not allowed"));
  const auto command = rest.size() == 1 ? command_of(rest[0]) : std::nullopt;
  if (!command) co_return finish(envelope_response(ex, 404, status::client_error, "unknown command"));
  ex.route = "C3 " + *command;
  std::string& body = ex.in.req.body();
  simdjson::dom::parser p;
  std::string_view original_url;
  if (p.parse(body).get_object()["response_url"].get(original_url) || original_url.empty()) {
    translate_request check{.kind = kind_of(*command), .dir = direction::down, .legacy = &me, .to = recipient::legacy_cpo};
    auto t = translate(check, body, rt.state, body.capacity());
    co_return finish(refusal(ex, t.err.value_or(error{status::invalid_parameters, 200, "response_url", "required"}), false));
  }
  translate_request tr{.kind = kind_of(*command), .dir = direction::down, .legacy = &me, .owner = me.id,
                       .to = recipient::legacy_cpo, .command = *command};
  auto t = translate(tr, body, rt.state, body.capacity());
  if (!t.ok()) co_return finish(refusal(ex, *t.err, false));
  // A 2.1.1 CPO has no CANCEL_RESERVATION: the bridge answers for it (§3.3.3).
  if (t.suppressed) co_return finish(envelope_response(ex, 200, status::success, "Success", R"({"result":"NOT_SUPPORTED","timeout":0})"));
  const auto endpoint = rt.dirs.legacy(rt.legacy_index(*cpo), "commands");
  if (!endpoint) co_return finish(legacy_endpoint_missing(rt, ex, *cpo, "commands"));

  pending_command cmd;
  cmd.id = new_credentials_token();
  cmd.command = *command;
  cmd.toward = "legacy";
  cmd.response_url = std::string(original_url);
  cmd.correlation_id = ex.ids.correlation_id;
  cmd.caller = party_text(routing_party(ex.in.req, "OCPI-from").value_or(rt.cfg.mapping.iop));
  cmd.executor = party_text(me.id);
  cmd.expires_at_ms = command_deadline_ms(rt, configured_timeout_s(rt, *command));
  const auto rewritten = with_string_member(t.body, "response_url", rt.legacy_base + "/ocpi/2.1.1/callbacks/" + cmd.id);
  if (!rewritten) co_return finish(envelope_response(ex, 500, status::server_error, "command not rewritable"));
  if (*command == "START_SESSION") learn_from_start_session(rt, me.id, body);
  rt.state.add_pending_command(cmd);
  if (!co_await durable_within(rt.state, rt.cfg.state.commit_timeout)) co_return finish(store_unavailable(rt, ex, cmd));

  const auto target = endpoint_target(*endpoint, {*command});
  if (!target) co_return finish(envelope_response(ex, 502, status::server_error, "legacy backend published an unusable URL"));
  auto hop = co_await call_legacy(rt, ex, *cpo, http::verb::post, *target, *rewritten);
  std::string data;
  bool accepted = false;
  if (hop.up.ok() && hop.env && hop.env->status_code < 2000 && !hop.env->data.empty()) {
    translate_request up{.kind = object_kind::command_response, .dir = direction::up, .legacy = &me, .to = recipient::hub,
                         .command = *command};
    auto u = translate(up, hop.env->data, rt.state, hop.env->data.capacity());
    if (!u.ok()) co_return finish(envelope_response(ex, 502, status::server_error, "legacy answer not translatable: " + u.err->describe()));
    simdjson::dom::parser rp;
    std::string_view result;
    accepted = !rp.parse(hop.env->data).get_object()["result"].get(result) && result == "ACCEPTED";
    data = std::move(u.body);
  }
  if (!accepted) rt.state.finish_pending(cmd.id, "NOT_ACCEPTED");  // §3.3.2 step 3
  co_return finish(relay_legacy_answer(ex, hop.up, hop.env, data));
}

route_result command_result_from_iop(runtime& rt, exchange& ex, const std::string& id) {
  ex.route = "C2 command result";
  if (ex.in.req.method() != http::verb::post) co_return envelope_response(ex, 405, status::client_error, "method not allowed");
  const auto cmd = rt.state.pending(id);
  if (!cmd || cmd->toward != "iop") co_return envelope_response(ex, 404, status::invalid_parameters, "unknown command callback");
  ex.route = "C2 " + cmd->command + " result";
  auto finish = [&](response res) {
    if (auto p = cmd->caller.find('*'); p != std::string::npos)
      set_routing(res, {cmd->caller.substr(0, p), cmd->caller.substr(p + 1)},
                  routing_party(ex.in.req, "OCPI-from").value_or(rt.cfg.mapping.iop));
    return res;
  };
  // §3.3.2 step 4: a duplicate of a delivered result is acknowledged without re-posting; step 5: a
  // command past its deadline (TIMEOUT was sent in its place) or never accepted (step 3) is unknown.
  if (cmd->state == "DONE") {
    ex.note = "duplicate callback: not re-sent";
    co_return finish(envelope_response(ex, 200, status::success, "Success"));
  }
  if (cmd->state != "PENDING") {
    ex.note = "callback of a command " + cmd->state + ": refused";
    co_return finish(
        envelope_response(ex, 404, status::invalid_parameters,
                          cmd->state == "TIMED_OUT" ? "command callback expired" : "unknown command callback"));
  }
  const auto index = legacy_index_of(rt, "legacy:" + cmd->caller);
  if (!index) co_return finish(envelope_response(ex, 404, status::invalid_parameters, "the commanding party is not connected"));
  ex.legacy = &rt.cfg.legacy[*index];
  std::string& body = ex.in.req.body();
  translate_request tr{.kind = object_kind::command_result, .dir = direction::down, .legacy = &rt.party_of(*ex.legacy),
                       .to = recipient::legacy_emsp, .command = cmd->command};
  auto t = translate(tr, body, rt.state, body.capacity());
  if (!t.ok()) co_return finish(refusal(ex, *t.err, false));
  const auto r = co_await relay_result(rt, *cmd, std::move(t.body));
  if (!r.delivered) {
    ex.note = "result not accepted by the legacy eMSP: " + r.why;
    co_return finish(envelope_response(ex, r.http == 0 ? 502 : 200, status::server_error,
                                       "the legacy eMSP did not accept the result: " + r.why));
  }
  rt.state.finish_pending(id, "DONE");
  co_await durable(rt.state);
  co_return finish(envelope_response(ex, 200, status::success, "Success"));
}

}  // namespace ocpi::proxy
