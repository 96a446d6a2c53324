// ocpi-hub-sim: a small OCPI 2.2.1 hub that behaves like Gireve IOP as its 2.2.1 guide describes it
// (/work/shared/spec/gireve-2.2.1): Base64 token, mandatory OCPI-from/to routing headers addressed to
// the IOP operator, mandatory X-Request-ID/X-Correlation-ID echoed on answers, paginated pulls
// capped per module, receiver interfaces storing pushed objects. See README in this directory.
#include "sim_common.hpp"

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

namespace sim {
extern const char* const builtin_hub_seed;
}

namespace {

using namespace sim;

struct hub_config {
  std::string token_accepted = "iop-token-B-1234";
  std::string token_to_bridge = "proxy-token-C-5678";
  std::string bridge_versions_url;
  std::string country = "FR", party = "107", business_name = "GIREVE";
  std::size_t page_limit = 100;
  std::string public_url;
  int command_timeout = 30;  // the `timeout` of its CommandResponse (seconds)
};

const char* const modules[] = {"locations", "tokens", "sessions", "cdrs", "tariffs", "commands"};

class hub_sim final : public sim_server {
 public:
  hub_sim(server_options o, hub_config c, std::vector<json> seed)
      : sim_server(std::move(o)), cfg_(std::move(c)), seed_(std::move(seed)) {}

 private:
  hub_config cfg() const {
    std::lock_guard lk(mu_);
    return cfg_;
  }
  std::string base() const {
    auto c = cfg();
    return c.public_url.empty() ? self_base() : c.public_url;
  }

  // /ocpi/2.2.1/{sender,receiver}/{module}/... and /ocpi/2.2.1/credentials.
  std::size_t module_depth(const std::vector<std::string>& segs) const override {
    if (segs.size() < 3 || segs[0] != "ocpi" || segs[1] != "2.2.1") return 0;
    if (segs[2] == "credentials") return 3;
    return segs.size() >= 4 && (segs[2] == "sender" || segs[2] == "receiver") ? 4 : 0;
  }

  bool is_configuration(const std::string& path) const override {
    return path == "/ocpi/versions" || path == "/ocpi/2.2.1" || path == "/ocpi/2.2.1/" || path.rfind("/ocpi/2.2.1/credentials", 0) == 0;
  }

  query_list default_send_headers(bool has_body) const override {
    auto c = cfg();
    query_list h = {{"Authorization", "Token " + base64_encode(c.token_to_bridge)},
                    {"OCPI-from-country-code", c.country},
                    {"OCPI-from-party-id", c.party},
                    {"X-Request-ID", new_uuid()},
                    {"X-Correlation-ID", new_uuid()}};
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
    if (b.contains("command_timeout")) cfg_.command_timeout = b["command_timeout"].get<int>();
    if (b.contains("trailing_slash")) trailing_slash_ = b["trailing_slash"].get<bool>();
    if (b.contains("known_tokens") && b["known_tokens"].is_array())
      known_tokens_ = b["known_tokens"].get<std::vector<json>>();
    if (b.contains("seed_locations") && b["seed_locations"].is_array()) seed_ = b["seed_locations"].get<std::vector<json>>();
    config_sender_seeds(b);
    json store = b.value("dump_store", false) ? store_.dump() : json(nullptr);
    return json_response(200, {{"token_accepted", cfg_.token_accepted}, {"token_to_bridge", cfg_.token_to_bridge},
                                {"bridge_versions_url", cfg_.bridge_versions_url}, {"page_limit", cfg_.page_limit},
                                {"seed_locations", seed_.size()}, {"trailing_slash", trailing_slash_.load()},
                                {"store", store}});
  }

  static response from_result(const op_result& r) { return ocpi_response(r.http, r.code, r.message, r.data); }

  response handle(const request& req, const std::string& path, const query_list& q) override {
    const auto c = cfg();
    // Authorization: OCPI 2.2.1 and Gireve require "Token <base64(token)>"; a raw token is refused.
    const auto auth = header(req, "Authorization");
    const auto sp = auth.find(' ');
    if (auth.empty()) return ocpi_response(401, 2000, "missing Authorization header");
    if (sp == std::string::npos || !iequals(auth.substr(0, sp), "Token"))
      return ocpi_response(401, 2000, "Authorization scheme must be 'Token'");
    auto value = auth.substr(auth.find_first_not_of(' ', sp));
    if (value != base64_encode(c.token_accepted)) {
      if (value == c.token_accepted) return ocpi_response(401, 2000, "unknown token (OCPI 2.2.1 requires the token Base64-encoded)");
      return ocpi_response(401, 2000, "unknown token");
    }

    const auto segs = split_path(path);
    const bool get = req.method() == http::verb::get;
    if (path == "/ocpi/versions" && get)
      return ocpi_response(200, 1000, "Success", json::array({{{"version", "2.2.1"}, {"url", base() + "/ocpi/2.2.1"}}}));
    if ((path == "/ocpi/2.2.1" || path == "/ocpi/2.2.1/") && get) return ocpi_response(200, 1000, "Success", details());
    if (segs.size() == 3 && segs[0] == "ocpi" && segs[1] == "2.2.1" && segs[2] == "credentials") return credentials(req);
    if (segs.size() >= 4 && segs[0] == "ocpi" && segs[1] == "2.2.1" && (segs[2] == "receiver" || segs[2] == "sender")) {
      auto res = functional(req, segs, q, c);
      // Answers carry the request ids and the routing headers reversed (Gireve: same X-Request-ID/X-Correlation-ID).
      for (auto h : {"X-Request-ID", "X-Correlation-ID"})
        if (auto v = header(req, h); !v.empty()) res.set(h, v);
      res.set("OCPI-from-country-code", c.country);
      res.set("OCPI-from-party-id", c.party);
      if (auto v = header(req, "OCPI-from-country-code"); !v.empty()) res.set("OCPI-to-country-code", v);
      if (auto v = header(req, "OCPI-from-party-id"); !v.empty()) res.set("OCPI-to-party-id", v);
      return res;
    }
    return ocpi_response(404, 2000, "unknown route " + std::string(req.method_string()) + " " + path);
  }

  json details() const {
    const auto b = base();
    json eps = json::array(
        {{{"identifier", "credentials"}, {"role", "SENDER"}, {"url", published(b + "/ocpi/2.2.1/credentials")}}});
    for (auto m : modules) {
      eps.push_back({{"identifier", m}, {"role", "SENDER"}, {"url", published(b + "/ocpi/2.2.1/sender/" + m)}});
      eps.push_back({{"identifier", m}, {"role", "RECEIVER"}, {"url", published(b + "/ocpi/2.2.1/receiver/" + m)}});
    }
    return {{"version", "2.2.1"}, {"endpoints", eps}};
  }

  std::string registration_version() const override { return "2.2.1"; }
  std::string authorization_for(const std::string& token) const override { return "Token " + base64_encode(token); }
  void registered(const std::string& token_to_bridge, const std::string& bridge_versions_url) override {
    std::lock_guard lk(mu_);
    cfg_.token_to_bridge = token_to_bridge;
    cfg_.bridge_versions_url = bridge_versions_url;
  }

  json own_credentials() const override {
    auto c = cfg();
    return {{"token", c.token_accepted},
            {"url", base() + "/ocpi/versions"},
            {"roles", json::array({{{"role", "HUB"}, {"party_id", c.party}, {"country_code", c.country},
                                    {"business_details", {{"name", c.business_name}}}}})}};
  }

  response credentials(const request& req) {
    switch (req.method()) {
      case http::verb::get: return ocpi_response(200, 1000, "Success", own_credentials());
      case http::verb::post:
      case http::verb::put: {
        auto b = json::parse(req.body(), nullptr, false);
        if (b.is_discarded() || !b.is_object()) return ocpi_response(400, 2000, "credentials body is not a JSON object");
        if (!b.contains("token") || !b["token"].is_string() || !b.contains("url") || !b["url"].is_string())
          return ocpi_response(200, 2001, "credentials need 'token' and 'url'");
        // As the spec's receiver: read the bridge's versions and details with its token first.
        if (auto refused = read_sender_endpoints(b)) return *refused;
        {
          std::lock_guard lk(mu_);
          cfg_.token_to_bridge = b["token"].get<std::string>();
          cfg_.bridge_versions_url = b["url"].get<std::string>();
        }
        return ocpi_response(200, 1000, "Success", own_credentials());
      }
      case http::verb::delete_: return ocpi_response(200, 1000, "Success");
      default: return ocpi_response(405, 2000, "method not allowed");
    }
  }

  response functional(const request& req, const std::vector<std::string>& segs, const query_list& q, const hub_config& c) {
    // Gireve: routing headers and request ids are mandatory on every functional request. The guide does
    // not say how IOP refuses a request without them; this sim answers HTTP 200 + OCPI 2001.
    std::string missing;
    for (auto h : {"OCPI-from-country-code", "OCPI-from-party-id", "OCPI-to-country-code", "OCPI-to-party-id", "X-Request-ID", "X-Correlation-ID"})
      if (header(req, h).empty()) missing += std::string(missing.empty() ? "" : ", ") + h;
    if (!missing.empty()) return ocpi_response(200, 2001, "missing mandatory header(s): " + missing);

    const auto to_cc = header(req, "OCPI-to-country-code"), to_pid = header(req, "OCPI-to-party-id");
    const bool to_hub = iequals(to_cc, c.country) && iequals(to_pid, c.party);
    const bool get = req.method() == http::verb::get;
    const std::string role = segs[2], module = segs[3];
    // Every request is addressed to the IOP operator. Exception tolerated here: a GET on a sender
    // interface addressed to one CPO is a directed pull (MAPPING A-03) and is filtered by owner.
    if (!to_hub && !(role == "sender" && get))
      return ocpi_response(200, 2001, "OCPI-to must be the IOP operator " + c.country + "/" + c.party + ", got " + to_cc + "/" + to_pid);

    const std::vector<std::string> rest(segs.begin() + 4, segs.end());
    std::optional<json> body;
    if (req.method() == http::verb::put || req.method() == http::verb::patch || req.method() == http::verb::post) {
      auto b = json::parse(req.body(), nullptr, false);
      if (b.is_discarded()) return ocpi_response(400, 2001, "request body is not valid JSON");
      body = std::move(b);
    }
    const std::string verb(req.method_string());
    const json* bp = body ? &*body : nullptr;

    if (role == "receiver") {
      if (module == "locations" && rest.size() >= 3 && rest.size() <= 5 && verb != "POST" && verb != "DELETE")
        return from_result(store_.locations(verb, rest, bp));
      if (module == "tokens" && rest.size() == 3 && (verb == "PUT" || verb == "PATCH" || verb == "GET"))
        return from_result(store_.flat("tokens", "uid", verb, rest, bp, query_get(q, "type").value_or("RFID")));
      if (module == "sessions" && rest.size() == 3 && (verb == "PUT" || verb == "PATCH" || verb == "GET"))
        return from_result(store_.flat("sessions", "id", verb, rest, bp));
      if (module == "tariffs" && rest.size() == 3) {
        if (verb == "PATCH") return ocpi_response(405, 2000, "Tariffs have no PATCH in OCPI 2.2.1");
        if (verb == "PUT" || verb == "GET" || verb == "DELETE") return from_result(store_.flat("tariffs", "id", verb, rest, bp));
      }
      if (module == "cdrs" && rest.empty() && verb == "POST") return receive_cdr(*bp);
      if (module == "cdrs" && rest.size() == 3 && get) {
        auto cdr = store_.get_cdr(rest[0] + "/" + rest[1] + "/" + rest[2]);
        return cdr ? ocpi_response(200, 1000, "Success", *cdr) : ocpi_response(404, 2000, "unknown CDR");
      }
      if (module == "commands" && rest.size() == 1 && verb == "POST")
        return ocpi_response(200, 1000, "Success", json{{"result", "ACCEPTED"}, {"timeout", c.command_timeout}});
    } else {
      if (module == "locations" && get) return sender_locations(rest, q, c, to_hub ? "" : to_cc, to_pid);
      if ((module == "sessions" || module == "cdrs" || module == "tariffs") && rest.empty() && get)
        return sender_pushed(module, q, c, to_hub ? "" : to_cc, to_pid);
      if (module == "tokens" && rest.empty() && get) {
        auto p = paginate({}, q, c.page_limit);
        auto res = ocpi_response(200, 1000, "Success", p.items);
        add_pagination_headers(res, p, published(base() + "/ocpi/2.2.1/sender/" + module));
        return res;
      }
      if (module == "tokens" && rest.size() == 2 && rest[1] == "authorize" && verb == "POST") {
        // Like IOP: a Token some eMSP pushed is authorised (its `valid` decides), the answer carries
        // the full Token and an authorization_reference; anything else is 404 + 2004.
        auto token = store_.find_token(rest[0]);
        if (!token) token = known_token(rest[0]);
        if (!token) return ocpi_response(404, 2004, "unknown token " + rest[0]);
        json info = {{"allowed", token->value("valid", true) ? "ALLOWED" : "BLOCKED"},
                     {"token", *token},
                     {"authorization_reference", "IOP-AUTH-" + rest[0]}};
        auto loc = json::parse(req.body(), nullptr, false);
        if (!loc.is_discarded() && loc.is_object() && loc.contains("location_id")) info["location"] = loc;
        return ocpi_response(200, 1000, "Success", info);
      }
      if (module == "commands" && verb == "POST") return ocpi_response(200, 1000, "Success");
    }
    return ocpi_response(404, 2000, "unknown route " + verb + " " + role + "/" + module);
  }

  // Tokens of other eMSPs IOP knows (the ones it pushes to CPOs), set with /_sim/config known_tokens.
  std::optional<json> known_token(const std::string& uid) const {
    std::lock_guard lk(mu_);
    for (const auto& t : known_tokens_)
      if (t.is_object() && iequals(t.value("uid", ""), uid)) return t;
    return std::nullopt;
  }

  // POST receiver/cdrs: a CDR must name a Location IOP knows (pushed or seeded), else 2003
  // "Unknown Location"; a stored CDR is answered 201 with its URL in `Location`.
  response receive_cdr(const json& body) {
    const json loc = body.is_object() ? body.value("cdr_location", json::object()) : json::object();
    const std::string cc = body.is_object() ? body.value("country_code", "") : "",
                      pid = body.is_object() ? body.value("party_id", "") : "";
    const std::string id = loc.is_object() ? loc.value("id", "") : "";
    bool known = store_.has_location(cc, pid, id);
    {
      std::lock_guard lk(mu_);
      for (auto& l : seed_)
        known = known || (iequals(l.value("country_code", ""), cc) && iequals(l.value("party_id", ""), pid) &&
                          iequals(l.value("id", ""), id));
    }
    if (body.is_object() && body.contains("id") && !known)
      return ocpi_response(200, 2003, "unknown location " + cc + "/" + pid + "/" + id);
    std::string key;
    auto r = store_.post_cdr(body, key);
    auto res = from_result(r);
    if (r.code == 1000) {
      res.result(http::status::created);
      res.set(http::field::location, base() + "/ocpi/2.2.1/receiver/cdrs/" + key);
    }
    return res;
  }

  // /_sim/config seed_sessions / seed_cdrs / seed_tariffs (2.2.1 objects served first by the sender
  // lists) and clear_store (forget every pushed object).
  void config_sender_seeds(const json& b) {
    for (const char* m : {"sessions", "cdrs", "tariffs"})
      if (auto k = std::string("seed_") + m; b.contains(k) && b[k].is_array())
        sender_seeds_[m] = b[k].get<std::vector<json>>();
    if (b.value("clear_store", false)) store_.clear();
  }

  // GET sender/{sessions,cdrs,tariffs}: the seeded objects, then what was pushed to the receiver.
  response sender_pushed(const std::string& module, const query_list& q, const hub_config& c,
                         const std::string& owner_cc, const std::string& owner_pid) {
    std::vector<json> objects;
    {
      std::lock_guard lk(mu_);
      objects = sender_seeds_[module];
    }
    for (auto& o : store_.list(module)) objects.push_back(o);
    std::erase_if(objects, [&](const json& o) {
      return !owner_cc.empty() &&
             !(iequals(o.value("country_code", ""), owner_cc) && iequals(o.value("party_id", ""), owner_pid));
    });
    auto p = paginate(objects, q, c.page_limit);
    auto res = ocpi_response(200, 1000, "Success", p.items);
    add_pagination_headers(res, p, published(base() + "/ocpi/2.2.1/sender/" + module));
    return res;
  }

  response sender_locations(const std::vector<std::string>& rest, const query_list& q, const hub_config& c,
                            const std::string& owner_cc, const std::string& owner_pid) {
    std::vector<json> objects;
    {
      std::lock_guard lk(mu_);
      for (auto& l : seed_)
        if (owner_cc.empty() || (iequals(l.value("country_code", ""), owner_cc) && iequals(l.value("party_id", ""), owner_pid)))
          objects.push_back(l);
    }
    if (rest.empty()) {
      auto p = paginate(objects, q, c.page_limit);
      auto res = ocpi_response(200, 1000, "Success", p.items);
      add_pagination_headers(res, p, published(base() + "/ocpi/2.2.1/sender/locations"));
      return res;
    }
    if (rest.size() > 3) return ocpi_response(404, 2000, "unknown route");
    for (auto& l : objects) {
      if (!iequals(l.value("id", ""), rest[0])) continue;
      if (rest.size() == 1) return ocpi_response(200, 1000, "Success", l);
      for (auto& e : l.value("evses", json::array())) {
        if (!iequals(e.value("uid", ""), rest[1])) continue;
        if (rest.size() == 2) return ocpi_response(200, 1000, "Success", e);
        for (auto& cn : e.value("connectors", json::array()))
          if (iequals(cn.value("id", ""), rest[2])) return ocpi_response(200, 1000, "Success", cn);
      }
    }
    return ocpi_response(404, 2003, "unknown location");
  }

  mutable std::mutex mu_;
  hub_config cfg_;
  std::vector<json> seed_;
  std::vector<json> known_tokens_;
  std::map<std::string, std::vector<json>> sender_seeds_;
  object_store store_{true};
};

std::vector<json> load_seed(const std::string& file) {
  json j;
  if (file.empty()) {
    j = json::parse(builtin_hub_seed);
  } else {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot read " + file);
    j = json::parse(in);
  }
  if (!j.is_array()) throw std::runtime_error("seed locations must be a JSON array");
  return j.get<std::vector<json>>();
}

}  // namespace

int main(int argc, char** argv) try {
  std::signal(SIGTERM, [](int) { std::_Exit(0); });
  std::signal(SIGINT, [](int) { std::_Exit(0); });
  std::signal(SIGPIPE, SIG_IGN);
  args a(argc, argv);
  if (a.has("--help")) {
    std::cout << "ocpi-hub-sim --port N --token-accepted T --token-to-bridge T --bridge-versions-url URL\n"
                 "             --country FR --party 107 --page-limit 100 --seed-locations FILE\n"
                 "             [--tls-cert PEM --tls-key PEM] [--ca-file PEM] [--public-url URL] [--trailing-slash]\n";
    return 0;
  }
  server_options o;
  o.port = static_cast<unsigned short>(a.get_int("--port", 9221));
  o.tls_cert = a.get("--tls-cert");
  o.tls_key = a.get("--tls-key");
  o.ca_file = a.get("--ca-file");
  o.name = "hub-sim";
  hub_config c;
  c.token_accepted = a.get("--token-accepted", c.token_accepted);
  c.token_to_bridge = a.get("--token-to-bridge", c.token_to_bridge);
  c.bridge_versions_url = a.get("--bridge-versions-url", "http://127.0.0.1:8221/ocpi/versions");
  c.country = a.get("--country", c.country);
  c.party = a.get("--party", c.party);
  c.page_limit = static_cast<std::size_t>(a.get_int("--page-limit", 100));
  c.public_url = a.get("--public-url");
  hub_sim sim(o, c, load_seed(a.get("--seed-locations")));
  sim.set_trailing_slash(a.has("--trailing-slash"));
  sim.run();
  return 0;
} catch (const std::exception& e) {
  std::cerr << "ocpi-hub-sim: " << e.what() << std::endl;
  return 1;
}
