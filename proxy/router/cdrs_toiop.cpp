// CDRs, legacy side calling (MAPPING §3.5.1): D1 a legacy CPO posts a CDR to IOP's receiver and D2
// reads it back through the URL the bridge handed out; D6 a legacy eMSP pulls CDRs from IOP's sender.
#include "proxy/router/hops.hpp"
#include "proxy/router/json_edit.hpp"
#include "proxy/router/pulls.hpp"
#include "proxy/router/routes.hpp"
#include "proxy/router/store_forward.hpp"

namespace ocpi::proxy {

namespace {

// D2: the CDR at IOP's URL, down-converted for its own CPO (no eMSP emulations, id unchanged);
// the bridge's copy while IOP's URL is not known.
route_result read_back(runtime& rt, exchange& ex, const legacy_config& cpo, std::string_view opaque) {
  const legacy_party& me = rt.party_of(cpo);
  const auto link = rt.tables.cdr_link_of(opaque);
  // Another connection's link is as unknown to this caller as a made-up one.
  if (!link || !link->at_iop || link->legacy != connection_key(cpo.party.id))
    co_return envelope_response(ex, 404, status::client_error, "unknown CDR", "{}");
  if (link->url.empty()) {  // still queued for IOP, or IOP gave no URL: the bridge's copy
    ex.note = link->queued_seq ? "served from the bridge's copy: queued for IOP"
                               : "served from the bridge's copy: IOP gave no URL";
    co_return envelope_response(ex, 200, status::success, "Success", link->copy);
  }
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
  // Queueable (§4.14). 2.1.1 mod_cdrs makes the `Location` header of the answer mandatory, so a
  // CDR the bridge took always gets a bridge URL: toward IOP's URL once IOP gave one, else
  // toward the bridge's copy of what the CPO sent (queued, or IOP answered without the header)
  // until the queued CDR is delivered (store_forward.cpp: cdr_delivered).
  const auto sent = co_await forward_to_iop(rt, ex, "cdrs", http::verb::post, *target, std::move(t.body), me.id,
                                            rt.cfg.mapping.iop);
  response res = forwarded_answer(rt, ex, sent);
  if (!taken(sent)) co_return res;
  std::string at_iop;
  if (accepted(sent.hop))
    if (const auto h = sent.hop.up.res.find(http::field::location); h != sent.hop.up.res.end())
      at_iop = std::string(h->value());
  if (at_iop.empty() && !sent.queued) ex.note = "IOP answered without a Location header: the bridge's copy serves it";
  const std::string opaque = rt.tables.add_cdr_link({.url = at_iop,
                                                     .legacy = connection_key(me.id),
                                                     .at_iop = true,
                                                     .owner = me.id,
                                                     .owner_id = cdr_id,
                                                     .queued_seq = sent.queued ? sent.seq : 0,
                                                     .copy = at_iop.empty() ? body : std::string()});
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
