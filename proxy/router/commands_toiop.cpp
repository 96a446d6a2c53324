// Commands, legacy side calling (MAPPING §3.3): C1 a legacy eMSP commands a CPO through IOP; C4 a
// legacy CPO reports the result of a command IOP sent it, on the bridge's 2.1.1 callback URL.
#include <simdjson.h>
#include <spdlog/spdlog.h>

#include "proxy/router/commands.hpp"
#include "proxy/router/durability.hpp"
#include "proxy/router/hops.hpp"
#include "proxy/router/peers.hpp"
#include "proxy/router/routes.hpp"

namespace ocpi::proxy {

namespace {

std::string party_text(const party& p) { return connection_key(p).substr(7); }  // "FR*EMP"

// OCPI-to of a command: IOP (TV-11), or with routing.directed_to=OWNER the CPO owning the
// Location it names (exposed id, §4.6).
party command_target(runtime& rt, std::string_view body_211) {
  if (rt.cfg.mapping.routing_directed_to != "OWNER") return rt.cfg.mapping.iop;
  simdjson::dom::parser p;
  std::string_view location_id;
  if (!p.parse(body_211.data(), body_211.size()).get_object()["location_id"].get(location_id))
    if (auto key = rt.state.location_by_exposed_id(location_id)) return key->owner;
  return rt.cfg.mapping.iop;
}

std::optional<std::string> string_member(std::string_view json, std::string_view key) {
  simdjson::dom::parser p;
  std::string_view v;
  if (p.parse(json.data(), json.size()).get_object()[key].get(v)) return std::nullopt;
  return std::string(v);
}

std::optional<std::int64_t> timeout_of(std::string_view response_221) {
  simdjson::dom::parser p;
  std::int64_t t = 0;
  if (p.parse(response_221.data(), response_221.size()).get_object()["timeout"].get(t) || t < 0) return std::nullopt;
  return t;
}

}  // namespace

route_result commands_from_legacy_emsp(runtime& rt, exchange& ex, const legacy_config& emsp, const segments& rest) {
  ex.route = "C1 command";
  if (ex.in.req.method() != http::verb::post) co_return envelope_response(ex, 405, status::client_error, "method not allowed", "{}");
  const auto command = rest.size() == 1 ? command_of(rest[0]) : std::nullopt;
  if (!command) co_return envelope_response(ex, 404, status::client_error, "unknown command", "{}");
  ex.route = "C1 " + *command;
  const legacy_party& me = rt.party_of(emsp);
  const auto& supported = rt.cfg.mapping.commands_iop_supported;
  // Gireve offers START_SESSION and STOP_SESSION only (§3.3): the others are answered here.
  if (std::find(supported.begin(), supported.end(), *command) == supported.end()) {
    ex.note = "not supported by IOP";
    co_return envelope_response(ex, 200, status::success, "Success", R"({"result":"NOT_SUPPORTED"})");
  }
  const auto endpoint = rt.dirs.iop("commands", "RECEIVER");
  if (!endpoint) co_return iop_endpoint_missing(rt, ex, "commands", "RECEIVER");
  std::string& body = ex.in.req.body();
  const auto original_url = string_member(body, "response_url");
  const party target_cpo = command_target(rt, body);
  translate_request tr{.kind = *command == "START_SESSION" ? object_kind::start_session
                               : *command == "STOP_SESSION" ? object_kind::stop_session
                               : *command == "RESERVE_NOW"  ? object_kind::reserve_now
                                                            : object_kind::unlock_connector,
                       .dir = direction::up, .legacy = &me, .owner = me.id, .to = recipient::hub, .command = *command};
  auto t = translate(tr, body, rt.state, body.capacity());
  if (!t.ok()) co_return refusal(ex, *t.err, true);
  if (!original_url) co_return envelope_response(ex, 200, status::invalid_parameters, "response_url: required", "{}");

  // §3.3.2: the result must come back through the bridge; the record exists before IOP can answer.
  pending_command cmd;
  cmd.id = new_credentials_token();
  cmd.command = *command;
  cmd.toward = "iop";
  cmd.response_url = *original_url;
  cmd.correlation_id = ex.ids.correlation_id;
  cmd.caller = party_text(me.id);
  cmd.executor = party_text(target_cpo);
  cmd.expires_at_ms = command_deadline_ms(rt, configured_timeout_s(rt, *command));
  const auto rewritten = with_string_member(t.body, "response_url", rt.hub_base + "/ocpi/2.2.1/callbacks/" + cmd.id);
  if (!rewritten) co_return envelope_response(ex, 500, status::server_error, "command not rewritable", "{}");
  rt.state.add_pending_command(cmd);
  if (!co_await durable_within(rt.state, rt.cfg.state.commit_timeout)) co_return store_unavailable(rt, ex, cmd, "{}");

  const auto target = endpoint_target(*endpoint, {*command});
  if (!target) co_return envelope_response(ex, 502, status::server_error, "IOP published an unusable commands URL", "{}");
  auto hop = co_await call_iop(rt, ex, http::verb::post, *target, *rewritten, me.id, target_cpo);
  std::string data;
  bool accepted = false;
  if (hop.up.ok() && hop.env && hop.env->status_code < 2000 && !hop.env->data.empty()) {
    translate_request down{.kind = object_kind::command_response, .dir = direction::down, .legacy = &me,
                           .to = recipient::legacy_emsp, .command = *command};
    auto d = translate(down, hop.env->data, rt.state, hop.env->data.capacity());
    if (d.ok()) data = std::move(d.body);
    accepted = string_member(hop.env->data, "result") == "ACCEPTED";
    // §3.3.2 step 1: the deadline IOP announces (its `timeout`) plus the grace.
    if (auto announced = timeout_of(hop.env->data); accepted && announced) {
      cmd.expires_at_ms = command_deadline_ms(rt, *announced);
      rt.state.add_pending_command(cmd);
    }
  }
  // §3.3.2 step 3: no callback will follow a command that was not accepted.
  if (!accepted) rt.state.finish_pending(cmd.id, "NOT_ACCEPTED");
  co_return relay_iop_answer(rt, ex, hop.up, hop.env, data, false);
}

route_result command_result_from_legacy_cpo(runtime& rt, exchange& ex, const legacy_config& cpo, const std::string& id) {
  ex.route = "C4 command result";
  if (ex.in.req.method() != http::verb::post) co_return envelope_response(ex, 405, status::client_error, "method not allowed", "{}");
  const auto cmd = rt.state.pending(id);
  // §3.3.2 step 4-5: only the CPO the command was sent to may answer it.
  if (!cmd || cmd->toward != "legacy" || cmd->executor != party_text(cpo.party.id))
    co_return envelope_response(ex, 404, status::invalid_parameters, "unknown command callback", "{}");
  ex.route = "C4 " + cmd->command + " result";
  // §3.3.2 step 4: a duplicate of a delivered result is acknowledged without re-posting; step 5: a
  // command past its deadline (TIMEOUT was sent in its place) or never accepted (step 3) is unknown.
  if (cmd->state == "DONE") {
    ex.note = "duplicate callback: not re-sent";
    co_return envelope_response(ex, 200, status::success, "Success", "{}");
  }
  if (cmd->state != "PENDING") {
    ex.note = "callback of a command " + cmd->state + ": refused";
    co_return envelope_response(ex, 404, status::invalid_parameters,
                                cmd->state == "TIMED_OUT" ? "command callback expired" : "unknown command callback",
                                "{}");
  }
  const legacy_party& me = rt.party_of(cpo);
  std::string& body = ex.in.req.body();
  translate_request tr{.kind = object_kind::command_result, .dir = direction::up, .legacy = &me, .to = recipient::hub,
                       .command = cmd->command};
  auto t = translate(tr, body, rt.state, body.capacity());
  if (!t.ok()) co_return refusal(ex, *t.err, true);
  // Relayed first, marked done after: a result IOP did not take stays pending, so the CPO's retry
  // (or the deadline's TIMEOUT) still reaches IOP.
  const auto r = co_await relay_result(rt, *cmd, std::move(t.body));
  if (!r.delivered) {
    ex.note = "result not accepted by IOP: " + r.why;
    co_return envelope_response(ex, 502, status::server_error, "IOP did not accept the result: " + r.why, "{}");
  }
  rt.state.finish_pending(id, "DONE");
  co_await durable(rt.state);
  co_return envelope_response(ex, 200, status::success, "Success", "{}");
}

}  // namespace ocpi::proxy
