// Endpoint discovery (MAPPING §1.2.2). Never hard-coded; a failed refresh keeps the last good
// directory; peers not yet known are retried; a peer without a token (not registered yet) is
// skipped until a handshake gives one.
#include "proxy/router/discovery.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "proxy/net/upstream.hpp"
#include "proxy/pipeline/request_ids.hpp"
#include "proxy/pipeline/token_codec.hpp"
#include "proxy/router/bridge.hpp"
#include "proxy/router/flow_support.hpp"
#include "proxy/router/peers.hpp"

namespace ocpi::proxy {

namespace {

// One GET of a configuration endpoint; nullopt (and `why`) on a transport failure.
boost::asio::awaitable<std::optional<std::string>> get_body(runtime& rt, const std::string& address, const std::string& auth,
                                                            std::shared_ptr<const client_tls> tls, std::string& why) {
  const auto target = parse_url(address);
  if (!target) {
    why = "not a valid URL: " + address;
    co_return std::nullopt;
  }
  request req{http::verb::get, "/", 11};
  req.set(http::field::authorization, auth);
  req.set(http::field::accept, "application/json");
  const auto ids = proxy_initiated();
  req.set(request_id_header, ids.request_id);
  req.set(correlation_id_header, ids.correlation_id);
  auto res = co_await rt.upstream.send(*target, std::move(req), rt.cfg.bridge.upstream_timeout, std::move(tls),
                                       renew_request_id());
  if (!res.ok()) {
    why = address + ": " + to_string(res.fail) + " " + res.detail;
    co_return std::nullopt;
  }
  if (res.res.result_int() != 200) {
    why = address + ": " + redirect_note(res).value_or("HTTP " + std::to_string(res.res.result_int()));
    co_return std::nullopt;
  }
  co_return std::move(res.res.body());
}

template <class Directory, class Parse>
boost::asio::awaitable<discovery<Directory>> fetch(runtime& rt, const std::string& versions_url, const std::string& auth,
                                                   std::shared_ptr<const client_tls> tls, version wanted, Parse parse) {
  discovery<Directory> out;
  out.err = discovery_error::invalid_answer;
  const auto versions = co_await get_body(rt, versions_url, auth, tls, out.why);
  if (!versions) co_return out;
  const auto pick = pick_version(*versions, wanted);
  if (pick.err != discovery_error::none) {
    out.err = pick.err;
    out.why = versions_url + (pick.err == discovery_error::version_not_offered ? ": version not offered" : ": not a versions answer");
    co_return out;
  }
  const auto details = co_await get_body(rt, pick.url, auth, tls, out.why);
  if (!details) co_return out;
  auto parsed = parse(*details);
  if (parsed.err != discovery_error::none) {
    out.why = pick.url + ": not a version details answer";
    co_return out;
  }
  out.directory = std::move(parsed.directory);
  out.err = discovery_error::none;
  co_return out;
}

// The bridge publishes what the configuration says (MAPPING §2.2), so what a peer lacks shows up
// only when a call needs it (3003): say it once per discovery, where an operator looks first.
void warn_unoffered(const runtime& rt, const iop_directory& dir) {
  std::string missing;
  for (const auto& l : rt.cfg.legacy)
    for (const auto& m : l.modules)
      if (const auto need = iop_endpoint_for(l.party.role, m); need && !dir.find(need->identifier, need->role)) {
        const std::string entry = std::string(need->identifier) + " " + std::string(to_string(need->role));
        if (missing.find(entry) == std::string::npos) missing += (missing.empty() ? "" : ", ") + entry;
      }
  if (!missing.empty())
    spdlog::warn("discovery: IOP does not offer {}: legacy calls that need them get OCPI 3003", missing);
}

void warn_unoffered(const runtime& rt, std::size_t index, const legacy_directory& dir) {
  const auto& l = rt.cfg.legacy[index];
  std::string missing;
  for (const auto& m : l.modules)
    if (!dir.find(m)) missing += (missing.empty() ? "" : ", ") + m;
  if (!missing.empty())
    spdlog::warn("discovery: legacy {} does not offer {}, published to IOP for it: IOP's calls get OCPI 3003 "
                 "(narrow legacy modules to stop publishing them)",
                 l.party.id.emi3(), missing);
}

boost::asio::awaitable<bool> discover_iop(runtime& rt) {
  const std::string token = iop_token_out(rt);
  if (token.empty()) co_return true;  // not registered: nothing to discover until a handshake
  auto d = co_await fetch_iop_directory(rt, iop_versions_url(rt), token);
  if (!d.ok()) {
    spdlog::warn("discovery: IOP endpoints not available ({})", d.why);
    co_return false;
  }
  spdlog::info("discovery: IOP publishes {} endpoints", d.directory.urls.size());
  rt.dirs.set_iop(std::move(d.directory));
  co_return true;
}

boost::asio::awaitable<bool> discover_legacy(runtime& rt, std::size_t i) {
  const std::string token = legacy_token_out(rt, i);
  if (token.empty()) co_return true;
  auto d = co_await fetch_legacy_directory(rt, i, legacy_versions_url(rt, i), token);
  const auto who = rt.cfg.legacy[i].party.id.emi3();
  if (!d.ok()) {
    spdlog::warn("discovery: legacy {} endpoints not available ({})", who, d.why);
    co_return false;
  }
  spdlog::info("discovery: legacy {} publishes {} endpoints", who, d.directory.urls.size());
  rt.dirs.set_legacy(i, std::move(d.directory));
  co_return true;
}

}  // namespace

boost::asio::awaitable<discovery<iop_directory>> fetch_iop_directory(runtime& rt, const std::string& versions_url,
                                                                     const std::string& token) {
  const std::string auth = authorization_value(token, rt.cfg.iop.auth_encoding != "RAW");
  auto d = co_await fetch<iop_directory>(rt, versions_url, auth, rt.iop_tls, version::v2_2_1,
                                         [](std::string_view b) { return parse_details_221(b); });
  if (d.ok()) warn_unoffered(rt, d.directory);
  co_return d;
}

boost::asio::awaitable<discovery<legacy_directory>> fetch_legacy_directory(runtime& rt, std::size_t index,
                                                                           const std::string& versions_url,
                                                                           const std::string& token) {
  auto tls = index < rt.legacy_tls.size() ? rt.legacy_tls[index] : nullptr;
  auto d = co_await fetch<legacy_directory>(rt, versions_url, authorization_value(token, false), std::move(tls),
                                            version::v2_1_1, [](std::string_view b) { return parse_details_211(b); });
  if (d.ok()) warn_unoffered(rt, index, d.directory);
  co_return d;
}

boost::asio::awaitable<void> bridge::discovery_loop(std::chrono::milliseconds retry) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  for (;;) {
    bool all = co_await discover_iop(rt_);
    for (std::size_t i = 0; i < rt_.cfg.legacy.size(); ++i) all = (co_await discover_legacy(rt_, i)) && all;
    timer.expires_after(all ? std::chrono::milliseconds(std::chrono::hours(24)) : retry);
    auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (ec) co_return;
  }
}

}  // namespace ocpi::proxy
