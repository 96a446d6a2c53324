// ocpi-legacy-sim: a small OCPI 2.1.1 backend in the CPO or the eMSP role (one party per process,
// as 2.1.1 connections are). Raw "Token <token>" authorization, no routing headers, pagination
// headers that can be switched off to exercise the bridge's synthesis. See README in this directory.
#include "sim_common.hpp"

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>

namespace sim {
extern const char* const builtin_legacy_cpo_seed;
}

namespace {

using namespace sim;

struct legacy_config {
  std::string role = "CPO";  // CPO | EMSP
  std::string country = "FR", party = "CPO", business_name;
  std::string token_accepted, token_to_bridge, bridge_versions_url;
  std::size_t page_limit = 100;
  bool pagination_headers = true;
  bool with_tariffs = false;        // eMSP role: publish a tariffs endpoint (Gireve's 2.1.1 example has none)
  bool cdr_location_header = true;  // eMSP role: answer POST cdrs with a Location header
  std::string public_url;
};

class legacy_sim final : public sim_server {
 public:
  legacy_sim(server_options o, legacy_config c, std::vector<json> seed)
      : sim_server(std::move(o)), cfg_(std::move(c)), seed_(std::move(seed)) {
    seg_ = cfg_.role == "CPO" ? "cpo" : "emsp";
  }

 private:
  legacy_config cfg() const {
    std::lock_guard lk(mu_);
    return cfg_;
  }
  std::string base() const {
    auto c = cfg();
    return (c.public_url.empty() ? self_base() : c.public_url) + "/ocpi/" + seg_;
  }
  bool is_cpo() const { return seg_ == "cpo"; }

  // /ocpi/{cpo|emsp}/2.1.1/{module}/...
  std::size_t module_depth(const std::vector<std::string>& segs) const override {
    return segs.size() >= 4 && segs[0] == "ocpi" && segs[1] == seg_ && segs[2] == "2.1.1" ? 4 : 0;
  }

  bool is_configuration(const std::string& path) const override {
    const std::string p = "/ocpi/" + seg_;
    return path == p + "/versions" || path == p + "/2.1.1" || path == p + "/2.1.1/" || path.rfind(p + "/2.1.1/credentials", 0) == 0;
  }

  query_list default_send_headers(bool has_body) const override {
    query_list h = {{"Authorization", "Token " + cfg().token_to_bridge}};  // 2.1.1: the token itself
    if (has_body) h.emplace_back("Content-Type", "application/json");
    return h;
  }

  std::string bridge_base() const override {
    auto url = cfg().bridge_versions_url;
    auto p = url.find("://");
    if (p == std::string::npos) return url;
    auto slash = url.find('/', p + 3);
    return slash == std::string::npos ? url : url.substr(0, slash);
  }

  response admin_config(const json& b) override {
    std::lock_guard lk(mu_);
    if (b.contains("token_accepted")) cfg_.token_accepted = b["token_accepted"].get<std::string>();
    if (b.contains("token_to_bridge")) cfg_.token_to_bridge = b["token_to_bridge"].get<std::string>();
    if (b.contains("bridge_versions_url")) cfg_.bridge_versions_url = b["bridge_versions_url"].get<std::string>();
    if (b.contains("page_limit")) cfg_.page_limit = b["page_limit"].get<std::size_t>();
    if (b.contains("pagination_headers")) cfg_.pagination_headers = b["pagination_headers"].get<bool>();
    if (b.contains("trailing_slash")) trailing_slash_ = b["trailing_slash"].get<bool>();
    if (b.contains("seed_locations") && b["seed_locations"].is_array()) seed_ = b["seed_locations"].get<std::vector<json>>();
    config_module_seeds(b);
    json store = b.value("dump_store", false) ? store_.dump() : json(nullptr);
    return json_response(200, {{"role", cfg_.role}, {"token_accepted", cfg_.token_accepted}, {"token_to_bridge", cfg_.token_to_bridge},
                                {"bridge_versions_url", cfg_.bridge_versions_url}, {"page_limit", cfg_.page_limit},
                                {"pagination_headers", cfg_.pagination_headers}, {"seed_locations", seed_.size()},
                                {"trailing_slash", trailing_slash_.load()}, {"store", store}});
  }

  // 2.1.1 acknowledgements carry "data": {} (what Gireve 2.1.1 clients were built against).
  static response from_result(const op_result& r) {
    return ocpi_response(r.http, r.code, r.message, r.data ? r.data : (r.code == 1000 ? std::optional<json>(json::object()) : std::nullopt));
  }

  response handle(const request& req, const std::string& path, const query_list& q) override {
    const auto c = cfg();
    const auto auth = header(req, "Authorization");
    const auto sp = auth.find(' ');
    if (auth.empty()) return ocpi_response(401, 2000, "missing Authorization header");
    if (sp == std::string::npos || !iequals(auth.substr(0, sp), "Token")) return ocpi_response(401, 2000, "Authorization scheme must be 'Token'");
    if (auth.substr(auth.find_first_not_of(' ', sp)) != c.token_accepted) return ocpi_response(401, 2000, "unknown token");

    const auto segs = split_path(path);  // ocpi, cpo|emsp, 2.1.1, module, ...
    const bool get = req.method() == http::verb::get;
    if (segs.size() < 3 || segs[0] != "ocpi" || segs[1] != seg_) return ocpi_response(404, 2000, "unknown route " + path);
    if (segs.size() == 3 && segs[2] == "versions" && get)
      return ocpi_response(200, 1000, "Success", json::array({{{"version", "2.1.1"}, {"url", base() + "/2.1.1"}}}));
    if (segs[2] != "2.1.1") return ocpi_response(404, 2000, "unknown route " + path);
    if (segs.size() == 3 && get) return ocpi_response(200, 1000, "Success", details());
    if (segs.size() < 4) return ocpi_response(404, 2000, "unknown route " + path);

    const std::string module = segs[3], verb(req.method_string());
    const std::vector<std::string> rest(segs.begin() + 4, segs.end());
    std::optional<json> body;
    if (verb == "PUT" || verb == "PATCH" || verb == "POST") {
      auto b = json::parse(req.body(), nullptr, false);
      if (b.is_discarded()) return ocpi_response(400, 2001, "request body is not valid JSON");
      body = std::move(b);
    }
    const json* bp = body ? &*body : nullptr;

    if (module == "credentials" && rest.empty()) return credentials(verb, bp);
    if (is_cpo()) {
      if (module == "locations" && get) return cpo_locations(rest, q, c);
      if ((module == "tariffs" || module == "sessions" || module == "cdrs") && rest.empty() && get)
        return paged(seeded(module), q, c, module);
      if (module == "tokens" && rest.size() == 3 && (verb == "PUT" || verb == "PATCH" || verb == "GET"))
        return from_result(store_.flat("tokens", "uid", verb, rest, bp));
      if (module == "commands" && rest.size() == 1 && verb == "POST") return ocpi_response(200, 1000, "Success", json{{"result", "ACCEPTED"}});
    } else {
      if (module == "locations" && rest.size() >= 3 && rest.size() <= 5 && (verb == "PUT" || verb == "PATCH" || get))
        return from_result(store_.locations(verb, rest, bp));
      if (module == "sessions" && rest.size() == 3 && (verb == "PUT" || verb == "PATCH" || get))
        return from_result(store_.flat("sessions", "id", verb, rest, bp));
      if (module == "tariffs" && rest.size() == 3 && (verb == "PUT" || verb == "PATCH" || verb == "DELETE" || get))
        return from_result(store_.flat("tariffs", "id", verb, rest, bp));
      if (module == "cdrs" && rest.empty() && verb == "POST") return receive_cdr(*bp, c);
      if (module == "cdrs" && rest.size() == 1 && get) {
        auto cdr = store_.get_cdr(rest[0]);
        return cdr ? ocpi_response(200, 1000, "Success", *cdr) : ocpi_response(404, 2000, "unknown CDR");
      }
      if (module == "tokens" && rest.empty() && get) return paged({}, q, c, module);
      if (module == "tokens" && rest.size() == 2 && rest[1] == "authorize" && verb == "POST") {
        // The eMSP knows every driver except uids starting with UNKNOWN (Gireve 2.1.1 answer shape,
        // with its authorization_id extension).
        if (rest[0].rfind("UNKNOWN", 0) == 0) return ocpi_response(404, 2000, "unknown token " + rest[0]);
        json info = {{"allowed", "ALLOWED"}, {"authorization_id", "EMSP-AUTH-" + rest[0]}};
        if (bp && bp->is_object() && bp->contains("location_id")) info["location"] = *bp;
        return ocpi_response(200, 1000, "Success", info);
      }
      if (module == "commands" && verb == "POST") return ocpi_response(200, 1000, "Success", json::object());  // command results
    }
    return ocpi_response(404, 2000, "unknown route " + verb + " " + path);
  }

  json details() const {
    json eps = json::array();
    for (auto m : {"credentials", "locations", "tokens", "sessions", "cdrs", "commands", "tariffs"}) {
      if (std::string(m) == "tariffs" && !is_cpo() && !cfg().with_tariffs)
        continue;  // like Gireve's 2.1.1 eMSP example
      eps.push_back({{"identifier", m}, {"url", published(base() + "/2.1.1/" + m)}});
    }
    return {{"version", "2.1.1"}, {"endpoints", eps}};
  }

  std::string registration_version() const override { return "2.1.1"; }
  std::string authorization_for(const std::string& token) const override { return "Token " + token; }
  void registered(const std::string& token_to_bridge, const std::string& bridge_versions_url) override {
    std::lock_guard lk(mu_);
    cfg_.token_to_bridge = token_to_bridge;
    cfg_.bridge_versions_url = bridge_versions_url;
  }
  json own_credentials() const override {
    auto c = cfg();
    return {{"token", c.token_accepted}, {"url", base() + "/versions"}, {"business_details", {{"name", c.business_name}}},
            {"party_id", c.party}, {"country_code", c.country}};
  }

  response credentials(const std::string& verb, const json* body) {
    const json own = own_credentials();
    if (verb == "GET" || verb == "DELETE") return ocpi_response(200, 1000, "Success", verb == "GET" ? own : json::object());
    if (verb == "POST" || verb == "PUT") {
      if (!body || !body->is_object() || !body->contains("token") || !body->contains("url") ||
          !(*body)["token"].is_string() || !(*body)["url"].is_string())
        return ocpi_response(200, 2001, "credentials need 'token' and 'url'");
      // As the spec's receiver: read the bridge's versions and details with its token first.
      if (auto refused = read_sender_endpoints(*body)) return *refused;
      std::lock_guard lk(mu_);
      cfg_.token_to_bridge = (*body)["token"].get<std::string>();
      cfg_.bridge_versions_url = (*body)["url"].get<std::string>();
      return ocpi_response(200, 1000, "Success", own);
    }
    return ocpi_response(405, 2000, "method not allowed");
  }

  // /_sim/config seed_sessions / seed_cdrs / seed_tariffs: the 2.1.1 objects the CPO role serves in
  // its lists; cdr_location_header: whether the eMSP role answers POST cdrs with a Location header.
  void config_module_seeds(const json& b) {
    for (const char* m : {"sessions", "cdrs", "tariffs"})
      if (auto k = std::string("seed_") + m; b.contains(k) && b[k].is_array())
        module_seeds_[m] = b[k].get<std::vector<json>>();
    if (b.contains("cdr_location_header")) cfg_.cdr_location_header = b["cdr_location_header"].get<bool>();
  }

  std::vector<json> seeded(const std::string& module) const {
    std::lock_guard lk(mu_);
    auto it = module_seeds_.find(module);
    return it == module_seeds_.end() ? std::vector<json>{} : it->second;
  }

  response receive_cdr(const json& body, const legacy_config& c) {
    std::string key;
    auto r = store_.post_cdr(body, key);
    auto res = from_result(r);
    if (r.code == 1000) {
      res.result(http::status::created);
      if (c.cdr_location_header) res.set(http::field::location, base() + "/2.1.1/cdrs/" + key);
    }
    return res;
  }

  response paged(const std::vector<json>& all, const query_list& q, const legacy_config& c, const std::string& module) {
    auto p = paginate(all, q, c.page_limit);
    auto res = ocpi_response(200, 1000, "Success", p.items);
    if (c.pagination_headers) add_pagination_headers(res, p, published(base() + "/2.1.1/" + module));
    return res;
  }

  response cpo_locations(const std::vector<std::string>& rest, const query_list& q, const legacy_config& c) {
    std::vector<json> objects;
    {
      std::lock_guard lk(mu_);
      objects = seed_;
    }
    if (rest.empty()) return paged(objects, q, c, "locations");
    if (rest.size() > 3) return ocpi_response(404, 2000, "unknown route");
    for (auto& l : objects) {
      if (l.value("id", "") != rest[0]) continue;
      if (rest.size() == 1) return ocpi_response(200, 1000, "Success", l);
      for (auto& e : l.value("evses", json::array())) {
        if (e.value("uid", "") != rest[1]) continue;
        if (rest.size() == 2) return ocpi_response(200, 1000, "Success", e);
        for (auto& cn : e.value("connectors", json::array()))
          if (cn.value("id", "") == rest[2]) return ocpi_response(200, 1000, "Success", cn);
      }
    }
    return ocpi_response(404, 2003, "unknown location");
  }

  mutable std::mutex mu_;
  legacy_config cfg_;
  std::vector<json> seed_;
  std::map<std::string, std::vector<json>> module_seeds_;
  std::string seg_;
  object_store store_{false};
};

}  // namespace

int main(int argc, char** argv) try {
  std::signal(SIGTERM, [](int) { std::_Exit(0); });
  std::signal(SIGINT, [](int) { std::_Exit(0); });
  std::signal(SIGPIPE, SIG_IGN);
  args a(argc, argv);
  if (a.has("--help")) {
    std::cout
        << "ocpi-legacy-sim --port N --role CPO|EMSP --country CC --party PID --token-accepted T --token-to-bridge T\n"
           "                --bridge-versions-url URL --seed-locations FILE --page-limit N [--no-pagination-headers] "
           "[--with-tariffs] [--trailing-slash]\n"
           "                [--tls-cert PEM --tls-key PEM] [--ca-file PEM] [--business-name NAME] [--public-url URL]\n";
    return 0;
  }
  legacy_config c;
  c.role = to_lower(a.get("--role", "CPO")) == "emsp" ? "EMSP" : "CPO";
  const bool cpo = c.role == "CPO";
  c.country = a.get("--country", "FR");
  c.party = a.get("--party", cpo ? "CPO" : "EMP");
  c.business_name = a.get("--business-name", cpo ? "Example CPO" : "Example eMSP");
  c.token_accepted = a.get("--token-accepted", cpo ? "cpoa-legacy-token" : "emsp-legacy-token");
  c.token_to_bridge = a.get("--token-to-bridge", cpo ? "cpoa-calls-proxy" : "emsp-calls-proxy");
  c.bridge_versions_url = a.get("--bridge-versions-url", cpo ? "http://127.0.0.1:8211/ocpi/emsp/versions" : "http://127.0.0.1:8211/ocpi/cpo/versions");
  c.page_limit = static_cast<std::size_t>(a.get_int("--page-limit", 100));
  c.pagination_headers = !a.has("--no-pagination-headers");
  c.with_tariffs = a.has("--with-tariffs");
  c.public_url = a.get("--public-url");

  server_options o;
  o.port = static_cast<unsigned short>(a.get_int("--port", cpo ? 9211 : 9212));
  o.tls_cert = a.get("--tls-cert");
  o.tls_key = a.get("--tls-key");
  o.ca_file = a.get("--ca-file");
  o.name = cpo ? "legacy-cpo-sim" : "legacy-emsp-sim";

  std::vector<json> seed;
  if (cpo) {
    json j;
    if (auto file = a.get("--seed-locations"); !file.empty()) {
      std::ifstream in(file);
      if (!in) throw std::runtime_error("cannot read " + file);
      j = json::parse(in);
    } else {
      j = json::parse(builtin_legacy_cpo_seed);
    }
    if (!j.is_array()) throw std::runtime_error("seed locations must be a JSON array");
    seed = j.get<std::vector<json>>();
  }
  legacy_sim sim(o, c, std::move(seed));
  sim.set_trailing_slash(a.has("--trailing-slash"));
  sim.run();
  return 0;
} catch (const std::exception& e) {
  std::cerr << "ocpi-legacy-sim: " << e.what() << std::endl;
  return 1;
}
