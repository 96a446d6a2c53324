// Endpoint discovery (MAPPING §1.2.2): from each peer's versions URL, the version the bridge
// speaks with it, then its version details. Never hard-coded; a failed refresh keeps the last
// good directory; peers not yet known are retried.
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <simdjson.h>
#include <spdlog/spdlog.h>

#include "proxy/net/upstream.hpp"
#include "proxy/pipeline/request_ids.hpp"
#include "proxy/pipeline/token_codec.hpp"
#include "proxy/router/bridge.hpp"
#include "proxy/router/flow_support.hpp"

namespace ocpi::proxy {

namespace {

using endpoints_221 = std::map<std::pair<std::string, std::string>, std::string>;
using endpoints_211 = std::map<std::string, std::string>;

boost::asio::awaitable<std::optional<std::string>> get_data(runtime& rt, const std::string& address, const std::string& auth,
                                                            std::shared_ptr<const client_tls> tls, std::string& why) {
  const auto target = parse_url(address);
  if (!target) {
    why = "not a valid URL: " + address;
    co_return std::nullopt;
  }
  request req{http::verb::get, "/", 11};
  req.set(http::field::authorization, auth);
  const auto ids = proxy_initiated();
  req.set(request_id_header, ids.request_id);
  req.set(correlation_id_header, ids.correlation_id);
  auto res = co_await rt.upstream.send(*target, std::move(req), rt.cfg.bridge.upstream_timeout, std::move(tls));
  if (!res.ok()) {
    why = std::string(to_string(res.fail)) + " " + res.detail;
    co_return std::nullopt;
  }
  const auto env = parse_upstream_envelope(res.res.body());
  if (res.res.result_int() != 200 || !env || env->status_code != 1000 || env->data.empty()) {
    why = "HTTP " + std::to_string(res.res.result_int()) + (env ? " OCPI " + std::to_string(env->status_code) : " no envelope");
    co_return std::nullopt;
  }
  co_return env->data;
}

// Picks the URL of exactly `version` from a versions list (never "2.2" for "2.2.1").
std::optional<std::string> pick_version(std::string_view data, std::string_view version) {
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  simdjson::dom::array list;
  if (p.parse(data).get(doc) || doc.get(list)) return std::nullopt;
  for (auto v : list) {
    std::string_view number, address;
    if (!v["version"].get(number) && !v["url"].get(address) && number == version) return std::string(address);
  }
  return std::nullopt;
}

template <typename Map>
bool parse_details(std::string_view data, Map& out, bool with_role) {
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  simdjson::dom::array endpoints;
  if (p.parse(data).get(doc) || doc["endpoints"].get(endpoints)) return false;
  for (auto e : endpoints) {
    std::string_view identifier, address, role;
    if (e["identifier"].get(identifier) || e["url"].get(address)) continue;
    if constexpr (std::is_same_v<Map, endpoints_221>) {
      if (!with_role || e["role"].get(role)) continue;
      out.emplace(std::pair{std::string(identifier), std::string(role)}, std::string(address));  // first wins
    } else {
      out.emplace(std::string(identifier), std::string(address));
    }
  }
  return true;
}

boost::asio::awaitable<bool> discover_iop(runtime& rt) {
  std::string why;
  const std::string auth = authorization_value(rt.cfg.iop.token, rt.cfg.iop.auth_encoding != "RAW");
  auto versions = co_await get_data(rt, rt.cfg.iop.versions_url, auth, rt.iop_tls, why);
  std::optional<std::string> details_url = versions ? pick_version(*versions, "2.2.1") : std::nullopt;
  std::optional<std::string> details;
  if (details_url) details = co_await get_data(rt, *details_url, auth, rt.iop_tls, why);
  endpoints_221 eps;
  if (!details || !parse_details(*details, eps, true)) {
    spdlog::warn("discovery: IOP endpoints not available ({}{})", versions && !details_url ? "no 2.2.1 in versions; " : "", why);
    co_return false;
  }
  spdlog::info("discovery: IOP publishes {} endpoints", eps.size());
  rt.dirs.set_iop(std::move(eps));
  co_return true;
}

boost::asio::awaitable<bool> discover_legacy(runtime& rt, std::size_t i) {
  const auto& l = rt.cfg.legacy[i];
  std::string why;
  const std::string auth = authorization_value(l.token, false);
  auto tls = i < rt.legacy_tls.size() ? rt.legacy_tls[i] : nullptr;
  auto versions = co_await get_data(rt, l.versions_url, auth, tls, why);
  std::optional<std::string> details_url = versions ? pick_version(*versions, "2.1.1") : std::nullopt;
  std::optional<std::string> details;
  if (details_url) details = co_await get_data(rt, *details_url, auth, tls, why);
  endpoints_211 eps;
  if (!details || !parse_details(*details, eps, false)) {
    spdlog::warn("discovery: legacy {} endpoints not available ({}{})", l.party.id.emi3(),
                 versions && !details_url ? "no 2.1.1 in versions; " : "", why);
    co_return false;
  }
  spdlog::info("discovery: legacy {} publishes {} endpoints", l.party.id.emi3(), eps.size());
  rt.dirs.set_legacy(i, std::move(eps));
  co_return true;
}

}  // namespace

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
