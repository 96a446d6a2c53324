// CDRs, legacy side calling (MAPPING §3.5.1): D1 a legacy CPO posts a CDR to IOP's receiver and D2
// reads it back through the URL the bridge handed out; D6 a legacy eMSP pulls CDRs from IOP's sender.
#include "proxy/router/hops.hpp"
#include "proxy/router/json_edit.hpp"
#include "proxy/router/pulls.hpp"
#include "proxy/router/routes.hpp"
#include "proxy/router/store_forward.hpp"

namespace ocpi::proxy {

namespace {

// D2: the CDR at IOP's URL, down-converted for its own CPO (no eMSP emulations, id unchanged).
route_result read_back(runtime& rt, exchange& ex, const legacy_config& cpo, std::string_view opaque) {
  const legacy_party& me = rt.party_of(cpo);
  const auto link = rt.tables.cdr_link_of(opaque);
  // Another connection's link is as unknown to this caller as a made-up one.
  if (!link || !link->at_iop || link->legacy != connection_key(cpo.party.id))
    co_return envelope_response(ex, 404, status::client_error, "unknown CDR", "{}");
  const auto target = parse_url(link->url);
  if (!target) co_return envelope_response(ex, 502, status::server_error, "IOP handed out an unusable CDR URL", "{}");
  auto hop = co_await call_iop(rt, ex, http::verb::get, *target, {}, me.id, rt.cfg.mapping.iop);
  const translate_request tr{.kind = object_kind::cdr,
                             .dir = direction::down,
                             .legacy = &me,
                             .owner = link->owner,
                             .to = recipient::legacy_cpo};
  co_return relay_iop_object(rt, ex, hop, tr);
}

// D1: the CDR up-converted and POSTed; IOP's `Location` is replaced by a bridge URL (§3.5.7).
route_result post_cdr(runtime& rt, exchange& ex, const legacy_config& cpo) {
  const legacy_party& me = rt.party_of(cpo);
  response refused;
  const auto target = iop_url(rt, ex, "cdrs", "RECEIVER", {}, {}, refused);
  if (!target) co_return refused;
  std::string& body = ex.in.req.body();
  translate_request tr{
      .kind = object_kind::cdr, .dir = direction::up, .legacy = &me, .owner = me.id, .to = recipient::hub};
  auto t = translate(tr, body, rt.state, body.capacity());
  if (!t.ok()) co_return refusal(ex, *t.err, true);
  if (!t.losses.empty()) ex.note = std::to_string(t.losses.size()) + " field(s) not carried over";
  const std::string cdr_id = string_at(t.body, {"id"}).value_or("");
  // Queueable (§4.14). A queued CDR has no IOP `Location` yet, so none is relayed: the CPO gets
  // the acknowledgement only (2.1.1 makes the header optional for the eMSP's answer).
  const auto sent = co_await forward_to_iop(rt, ex, "cdrs", http::verb::post, *target, std::move(t.body), me.id,
                                            rt.cfg.mapping.iop);
  response res = forwarded_answer(rt, ex, sent);
  const hop_result& hop = sent.hop;
  if (sent.queued || !accepted(hop)) co_return res;
  const auto at_iop = hop.up.res.find(http::field::location);
  if (at_iop == hop.up.res.end() || at_iop->value().empty()) {
    ex.note = "IOP answered without a Location header: none relayed (3.5.7)";
    co_return res;
  }
  const std::string opaque = rt.tables.add_cdr_link({.url = std::string(at_iop->value()),
                                                     .legacy = connection_key(me.id),
                                                     .at_iop = true,
                                                     .owner = me.id,
                                                     .owner_id = cdr_id});
  res.set(http::field::location, rt.legacy_base + "/ocpi/emsp/2.1.1/cdrs/" + opaque);
  co_return res;
}

}  // namespace

route_result cdrs_from_legacy_cpo(runtime& rt, exchange& ex, const legacy_config& cpo, const segments& rest) {
  const auto method = ex.in.req.method();
  if (method == http::verb::post && rest.empty()) {
    ex.route = "D1 cdr POST";
    co_return co_await post_cdr(rt, ex, cpo);
  }
  if (method == http::verb::get && rest.size() == 1) {
    ex.route = "D2 cdr GET";
    co_return co_await read_back(rt, ex, cpo, rest[0]);
  }
  ex.route = "D1/D2 cdrs";
  if (rest.size() > 1) co_return envelope_response(ex, 404, status::client_error, "unknown route", "{}");
  co_return envelope_response(ex, 405, status::client_error, "method not allowed", "{}");
}

route_result cdrs_pull_by_legacy_emsp(runtime& rt, exchange& ex, const legacy_config& emsp, const segments& rest) {
  static constexpr pull_spec spec{
      .route = "D6 cdrs GET list", .module = "cdrs", .kind = object_kind::cdr, .location = embedded_location::cdr};
  co_return co_await pull_by_legacy_emsp(rt, ex, emsp, spec, rest);
}

}  // namespace ocpi::proxy
