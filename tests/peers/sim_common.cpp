#include "sim_common.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

namespace sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;

// ---- small utilities ---------------------------------------------------------------------------

std::string base64_encode(std::string_view in) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
    out += alphabet[v >> 18 & 63]; out += alphabet[v >> 12 & 63];
    out += alphabet[v >> 6 & 63];  out += alphabet[v & 63];
  }
  if (i + 1 == in.size()) {
    unsigned v = (unsigned char)in[i] << 16;
    out += alphabet[v >> 18 & 63]; out += alphabet[v >> 12 & 63]; out += "==";
  } else if (i + 2 == in.size()) {
    unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
    out += alphabet[v >> 18 & 63]; out += alphabet[v >> 12 & 63]; out += alphabet[v >> 6 & 63]; out += '=';
  }
  return out;
}

std::string new_uuid() {
  static std::mutex mu;
  static std::mt19937_64 rng{std::random_device{}()};
  std::uint64_t a, b;
  {
    std::lock_guard lk(mu);
    a = rng(); b = rng();
  }
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", unsigned(a >> 32), unsigned(a >> 16 & 0xffff),
                unsigned(a & 0xffff), unsigned(b >> 48), (unsigned long long)(b & 0xffffffffffffULL));
  return buf;
}

std::string now_iso() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string to_lower(std::string s) {
  for (auto& c : s) c = char(std::tolower((unsigned char)c));
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::tolower((unsigned char)x) == std::tolower((unsigned char)y); });
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit((unsigned char)s[i + 1]) && std::isxdigit((unsigned char)s[i + 2])) {
      out += char(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string percent_encode_query_value(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ':') {
      out += char(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    auto next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    if (next > pos) out.push_back(percent_decode(path.substr(pos, next - pos)));
    pos = next + 1;
  }
  return out;
}

query_list parse_query(std::string_view q) {
  query_list out;
  std::size_t pos = 0;
  while (pos < q.size()) {
    auto amp = q.find('&', pos);
    if (amp == std::string_view::npos) amp = q.size();
    auto kv = q.substr(pos, amp - pos);
    if (!kv.empty()) {
      auto eq = kv.find('=');
      if (eq == std::string_view::npos) out.emplace_back(percent_decode(kv), "");
      else out.emplace_back(percent_decode(kv.substr(0, eq)), percent_decode(kv.substr(eq + 1)));
    }
    pos = amp + 1;
  }
  return out;
}

std::optional<std::string> query_get(const query_list& q, std::string_view key) {
  for (auto& [k, v] : q)
    if (k == key) return v;
  return std::nullopt;
}

std::string header(const request& req, std::string_view name) {
  auto it = req.find(name);
  return it == req.end() ? std::string() : std::string(it->value());
}

// ---- command line ------------------------------------------------------------------------------

args::args(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0) continue;
    auto eq = a.find('=');
    if (eq != std::string::npos) {
      values_[a.substr(0, eq)] = a.substr(eq + 1);
    } else if (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0) {
      values_[a] = argv[++i];
    } else {
      values_[a] = "";
    }
  }
}
std::string args::get(const std::string& flag, const std::string& def) const {
  auto it = values_.find(flag);
  return it == values_.end() ? def : it->second;
}
long args::get_int(const std::string& flag, long def) const {
  auto it = values_.find(flag);
  return it == values_.end() || it->second.empty() ? def : std::stol(it->second);
}
bool args::has(const std::string& flag) const { return values_.count(flag) != 0; }

// ---- OCPI envelope -----------------------------------------------------------------------------

json envelope(int status_code, const std::string& message, const std::optional<json>& data) {
  json e = json::object();
  if (data) e["data"] = *data;
  e["status_code"] = status_code;
  e["status_message"] = message;
  e["timestamp"] = now_iso();
  return e;
}

response json_response(unsigned status, const json& body) {
  response res{http::status(status), 11};
  res.set(http::field::content_type, "application/json");
  res.body() = body.dump();
  return res;
}

response ocpi_response(unsigned http_status, int status_code, const std::string& message, const std::optional<json>& data) {
  return json_response(http_status, envelope(status_code, message, data));
}

// ---- pagination ----------------------------------------------------------------------------------

namespace {
std::string ts_key(const json& obj) {
  auto it = obj.find("last_updated");
  if (it == obj.end() || !it->is_string()) return "";
  return it->get<std::string>().substr(0, 19);
}
std::size_t to_size(const std::optional<std::string>& s, std::size_t def) {
  if (!s || s->empty()) return def;
  try {
    long v = std::stol(*s);
    return v < 0 ? def : std::size_t(v);
  } catch (...) {
    return def;
  }
}
}  // namespace

page paginate(const std::vector<json>& all, const query_list& q, std::size_t cap) {
  auto from = query_get(q, "date_from"), to = query_get(q, "date_to");
  std::string from_k = from ? from->substr(0, 19) : "", to_k = to ? to->substr(0, 19) : "";
  std::vector<const json*> matching;
  for (auto& o : all) {
    auto k = ts_key(o);
    if (from && k < from_k) continue;
    if (to && k >= to_k) continue;
    matching.push_back(&o);
  }
  page p;
  p.total = matching.size();
  std::size_t offset = to_size(query_get(q, "offset"), 0);
  std::size_t limit = to_size(query_get(q, "limit"), cap);
  if (limit == 0 || limit > cap) limit = cap;
  p.limit = limit;
  for (std::size_t i = offset; i < matching.size() && i < offset + limit; ++i) p.items.push_back(*matching[i]);
  std::size_t end = offset + p.items.size();
  if (end < p.total && !p.items.empty()) {
    query_list nq;
    bool has_offset = false, has_limit = false;
    for (auto& [k, v] : q) {
      if (k == "offset") { nq.emplace_back(k, std::to_string(end)); has_offset = true; }
      else if (k == "limit") { nq.emplace_back(k, std::to_string(limit)); has_limit = true; }
      else nq.emplace_back(k, v);
    }
    if (!has_offset) nq.emplace_back("offset", std::to_string(end));
    if (!has_limit) nq.emplace_back("limit", std::to_string(limit));
    std::string s;
    for (auto& [k, v] : nq) s += (s.empty() ? "" : "&") + percent_encode_query_value(k) + "=" + percent_encode_query_value(v);
    p.next_query = s;
  }
  return p;
}

void add_pagination_headers(response& res, const page& p, const std::string& self_url_without_query) {
  res.set("X-Total-Count", std::to_string(p.total));
  res.set("X-Limit", std::to_string(p.limit));
  if (p.next_query) res.set(http::field::link, "<" + self_url_without_query + "?" + *p.next_query + ">; rel=\"next\"");
}

// ---- object store ------------------------------------------------------------------------------

namespace {
json* find_in(json& arr, const char* field, const std::string& id) {
  if (!arr.is_array()) return nullptr;
  for (auto& e : arr)
    if (e.is_object() && e.contains(field) && e[field].is_string() && iequals(e[field].get<std::string>(), id)) return &e;
  return nullptr;
}
void bump(json& parent, const json& child) {
  if (!child.contains("last_updated") || !child["last_updated"].is_string()) return;
  if (!parent.contains("last_updated") || !parent["last_updated"].is_string() ||
      parent["last_updated"].get<std::string>() < child["last_updated"].get<std::string>())
    parent["last_updated"] = child["last_updated"];
}
op_result err(unsigned http, int code, std::string msg) { return {http, code, std::move(msg), std::nullopt}; }
std::string str_field(const json& o, const char* f) {
  return o.contains(f) && o[f].is_string() ? o[f].get<std::string>() : std::string("<missing>");
}
}  // namespace

op_result object_store::locations(const std::string& verb, const std::vector<std::string>& segs, const json* body) {
  std::lock_guard lk(mu_);
  const std::size_t n = segs.size();
  if (n < 3 || n > 5) return err(404, 2000, "unknown route");
  const std::string key = to_lower("locations|" + segs[0] + "|" + segs[1] + "|" + segs[2]);
  auto it = objects_.find(key);
  json* loc = it == objects_.end() ? nullptr : &it->second;
  json* evse = (loc && n >= 4) ? find_in((*loc)["evses"], "uid", segs[3]) : nullptr;
  json* conn = (evse && n == 5) ? find_in((*evse)["connectors"], "id", segs[4]) : nullptr;
  json* target = n == 3 ? loc : n == 4 ? evse : conn;

  if (verb == "GET") {
    if (!target) return err(404, 2003, n == 3 ? "unknown location" : n == 4 ? "unknown EVSE" : "unknown connector");
    return {200, 1000, "Success", *target};
  }
  if (!body || !body->is_object()) return err(200, 2001, "request body must be a JSON object");
  if (verb == "PUT") {
    const char* id_field = n == 4 ? "uid" : "id";
    if (!body->contains(id_field) || !(*body)[id_field].is_string() || !iequals((*body)[id_field].get<std::string>(), segs[n - 1]))
      return err(200, 2001, std::string("'") + id_field + "' in body (" + str_field(*body, id_field) + ") differs from URL (" + segs[n - 1] + ")");
    if (n == 3) {
      if (v221_ && (!iequals(str_field(*body, "country_code"), segs[0]) || !iequals(str_field(*body, "party_id"), segs[1])))
        return err(200, 2001, "country_code/party_id in body (" + str_field(*body, "country_code") + "/" + str_field(*body, "party_id") +
                                  ") differ from URL (" + segs[0] + "/" + segs[1] + ")");
      bool created = !loc;
      objects_[key] = *body;
      return {200, 1000, created ? "Location created" : "Location replaced", std::nullopt};
    }
    if (!loc) return err(200, 2003, "unknown location " + segs[2]);
    if (n == 4) {
      if (evse) *evse = *body;
      else (*loc)["evses"].push_back(*body);
      bump(*loc, *body);
      return {200, 1000, evse ? "EVSE replaced" : "EVSE created", std::nullopt};
    }
    if (!evse) return err(200, 2003, "unknown EVSE " + segs[3]);
    if (conn) *conn = *body;
    else (*evse)["connectors"].push_back(*body);
    bump(*evse, *body);
    bump(*loc, *body);
    return {200, 1000, conn ? "Connector replaced" : "Connector created", std::nullopt};
  }
  if (verb == "PATCH") {
    if (v221_ && (!body->contains("last_updated") || !(*body)["last_updated"].is_string()))
      return err(200, 2001, "PATCH without last_updated (mandatory in OCPI 2.2.1)");
    if (!target) return err(200, 2003, n == 3 ? "unknown location" : n == 4 ? "unknown EVSE" : "unknown connector");
    for (auto& [k, v] : body->items()) (*target)[k] = v;
    if (n >= 4) bump(*loc, *body);
    if (n == 5) bump(*evse, *body);
    return {200, 1000, "Success", std::nullopt};
  }
  return err(405, 2000, "method not allowed");
}

std::optional<json> object_store::find_token(const std::string& uid) const {
  std::lock_guard lk(mu_);
  for (const auto& [key, obj] : objects_)
    if (key.rfind("tokens|", 0) == 0 && obj.is_object() && iequals(obj.value("uid", ""), uid)) return obj;
  return std::nullopt;
}

op_result object_store::flat(const std::string& module, const std::string& id_field, const std::string& verb,
                             const std::vector<std::string>& segs, const json* body, const std::string& key_suffix) {
  std::lock_guard lk(mu_);
  if (segs.size() != 3) return err(404, 2000, "unknown route");
  std::string key = to_lower(module + "|" + segs[0] + "|" + segs[1] + "|" + segs[2]);
  if (!key_suffix.empty()) key += "|" + to_lower(key_suffix);
  auto it = objects_.find(key);
  if (verb == "GET") {
    if (it == objects_.end()) return err(404, 2000, "unknown " + module + " object");
    return {200, 1000, "Success", it->second};
  }
  if (verb == "DELETE") {
    if (it == objects_.end()) return err(404, 2000, "unknown " + module + " object");
    objects_.erase(it);
    return {200, 1000, "Success", std::nullopt};
  }
  if (!body || !body->is_object()) return err(200, 2001, "request body must be a JSON object");
  if (verb == "PUT") {
    if (!iequals(str_field(*body, id_field.c_str()), segs[2]))
      return err(200, 2001, "'" + id_field + "' in body (" + str_field(*body, id_field.c_str()) + ") differs from URL (" + segs[2] + ")");
    if (v221_ && (!iequals(str_field(*body, "country_code"), segs[0]) || !iequals(str_field(*body, "party_id"), segs[1])))
      return err(200, 2001, "country_code/party_id in body differ from URL");
    bool created = it == objects_.end();
    objects_[key] = *body;
    return {200, 1000, created ? "created" : "replaced", std::nullopt};
  }
  if (verb == "PATCH") {
    if (v221_ && !body->contains("last_updated")) return err(200, 2001, "PATCH without last_updated (mandatory in OCPI 2.2.1)");
    if (it == objects_.end()) return err(200, 2000, "unknown " + module + " object");
    for (auto& [k, v] : body->items()) {
      if (v221_ && k == "charging_periods" && v.is_array() && it->second.contains(k) && it->second[k].is_array()) {
        for (auto& cp : v) it->second[k].push_back(cp);  // 2.2.1 Session PATCH appends charging periods
      } else {
        it->second[k] = v;
      }
    }
    return {200, 1000, "Success", std::nullopt};
  }
  return err(405, 2000, "method not allowed");
}

op_result object_store::post_cdr(const json& body, std::string& out_key) {
  std::lock_guard lk(mu_);
  if (!body.is_object() || !body.contains("id") || !body["id"].is_string()) return err(200, 2001, "CDR without id");
  if (v221_ && (!body.contains("country_code") || !body.contains("party_id"))) return err(200, 2001, "CDR without country_code/party_id");
  out_key = v221_ ? str_field(body, "country_code") + "/" + str_field(body, "party_id") + "/" + body["id"].get<std::string>()
                  : body["id"].get<std::string>();
  objects_["cdrs|" + to_lower(out_key)] = body;
  return {200, 1000, "Success", std::nullopt};
}

std::optional<json> object_store::get_cdr(const std::string& key) {
  std::lock_guard lk(mu_);
  auto it = objects_.find("cdrs|" + to_lower(key));
  if (it == objects_.end()) return std::nullopt;
  return it->second;
}

std::vector<json> object_store::list(const std::string& module) const {
  std::lock_guard lk(mu_);
  std::vector<json> out;
  const std::string prefix = module + "|";
  for (auto& [k, v] : objects_)
    if (k.rfind(prefix, 0) == 0) out.push_back(v);
  return out;
}

bool object_store::has_location(const std::string& cc, const std::string& pid, const std::string& id) const {
  std::lock_guard lk(mu_);
  return objects_.count(to_lower("locations|" + cc + "|" + pid + "|" + id)) != 0;
}

void object_store::clear() {
  std::lock_guard lk(mu_);
  objects_.clear();
}

json object_store::dump() const {
  std::lock_guard lk(mu_);
  json out = json::object();
  for (auto& [k, v] : objects_) out[k] = v;
  return out;
}

// ---- outbound HTTP -------------------------------------------------------------------------------

namespace {
struct parsed_url {
  std::string scheme, host, port, target;
};

std::optional<parsed_url> parse_url(const std::string& url) {
  auto p = url.find("://");
  if (p == std::string::npos) return std::nullopt;
  parsed_url u;
  u.scheme = to_lower(url.substr(0, p));
  auto rest = url.substr(p + 3);
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  u.target = slash == std::string::npos ? "/" : rest.substr(slash);
  auto colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']') == std::string::npos) {
    u.host = authority.substr(0, colon);
    u.port = authority.substr(colon + 1);
  } else {
    u.host = authority;
    u.port = u.scheme == "https" ? "443" : "80";
  }
  if (u.scheme != "http" && u.scheme != "https") return std::nullopt;
  return u;
}

template <class Stream>
asio::awaitable<void> exchange(Stream& stream, request& req, response& res) {
  co_await http::async_write(stream, req, asio::use_awaitable);
  beast::flat_buffer buf;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64u << 20);
  co_await http::async_read(stream, buf, parser, asio::use_awaitable);
  res = parser.release();
}

asio::awaitable<void> do_send(parsed_url u, request& req, response& res, long timeout_ms, ssl::context* ctx) {
  auto ex = co_await asio::this_coro::executor;
  tcp::resolver resolver(ex);
  auto eps = co_await resolver.async_resolve(u.host, u.port, asio::use_awaitable);
  const auto deadline = std::chrono::milliseconds(timeout_ms);
  if (!ctx) {
    beast::tcp_stream stream(ex);
    stream.expires_after(deadline);  // one deadline for the whole exchange
    co_await stream.async_connect(eps, asio::use_awaitable);
    co_await exchange(stream, req, res);
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  } else {
    beast::ssl_stream<beast::tcp_stream> stream(ex, *ctx);
    beast::error_code ec;
    asio::ip::make_address(u.host, ec);
    if (ec) SSL_set_tlsext_host_name(stream.native_handle(), u.host.c_str());
    stream.set_verify_callback(ssl::host_name_verification(u.host));
    beast::get_lowest_layer(stream).expires_after(deadline);
    co_await beast::get_lowest_layer(stream).async_connect(eps, asio::use_awaitable);
    co_await stream.async_handshake(ssl::stream_base::client, asio::use_awaitable);
    co_await exchange(stream, req, res);
  }
}
}  // namespace

send_result http_send(const std::string& method, const std::string& url, const query_list& headers,
                      const std::optional<std::string>& body, long timeout_ms, const std::string& ca_file) {
  send_result r;
  auto started = std::chrono::steady_clock::now();
  auto u = parse_url(url);
  if (!u) {
    r.error = "unsupported URL: " + url;
    return r;
  }
  request req;
  req.method_string(method);
  req.target(u->target);
  req.version(11);
  req.set(http::field::host, u->host + ":" + u->port);
  req.set(http::field::user_agent, "ocpi-sim");
  for (auto& [k, v] : headers) req.insert(k, v);
  if (body) req.body() = *body;
  req.prepare_payload();

  std::optional<ssl::context> ctx;
  if (u->scheme == "https") {
    ctx.emplace(ssl::context::tls_client);
    if (!ca_file.empty()) {
      ctx->load_verify_file(ca_file);
      ctx->set_verify_mode(ssl::verify_peer);
    } else {
      ctx->set_verify_mode(ssl::verify_none);
    }
  }
  response res;
  asio::io_context ioc;
  std::exception_ptr failure;
  asio::co_spawn(ioc, do_send(*u, req, res, timeout_ms, ctx ? &*ctx : nullptr), [&](std::exception_ptr e) { failure = e; });
  ioc.run();
  r.elapsed_ms = long(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const boost::system::system_error& e) {
      r.error = e.code() == beast::error::timeout ? "timeout" : e.code().message();
    } catch (const std::exception& e) {
      r.error = e.what();
    }
    return r;
  }
  r.status = int(res.result_int());
  for (auto& f : res) {
    auto name = to_lower(std::string(f.name_string()));
    auto value = std::string(f.value());
    if (r.headers.contains(name)) r.headers[name] = r.headers[name].get<std::string>() + ", " + value;
    else r.headers[name] = value;
  }
  r.body = res.body();
  return r;
}

// ---- server ----------------------------------------------------------------------------------------

namespace {
std::optional<ssl::context> make_server_ctx(const server_options& o) {
  if (o.tls_cert.empty()) return std::nullopt;
  ssl::context ctx(ssl::context::tls_server);
  ctx.use_certificate_chain_file(o.tls_cert);
  ctx.use_private_key_file(o.tls_key, ssl::context::pem);
  return ctx;
}
std::optional<ssl::context>& server_ctx() {
  static std::optional<ssl::context> ctx;
  return ctx;
}
json body_value(const std::string& body, bool& is_json) {
  is_json = false;
  if (body.empty()) return nullptr;
  auto parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded()) return body;
  is_json = true;
  return parsed;
}
}  // namespace

sim_server::sim_server(server_options opt) : opt_(std::move(opt)) { server_ctx() = make_server_ctx(opt_); }

std::string sim_server::self_base() const { return scheme() + "://127.0.0.1:" + std::to_string(bound_port_); }

void sim_server::run() {
  asio::io_context ioc;
  tcp::acceptor acceptor(ioc);
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), opt_.port);
  acceptor.open(ep.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(ep);
  acceptor.listen();
  bound_port_ = acceptor.local_endpoint().port();
  std::printf("LISTENING %u\n", unsigned(bound_port_));
  std::fflush(stdout);
  std::cerr << opt_.name << ": listening on " << self_base() << std::endl;
  for (;;) {
    tcp::socket sock(ioc);
    beast::error_code ec;
    acceptor.accept(sock, ec);
    if (ec) continue;
    std::thread([this, s = std::move(sock)]() mutable { session(std::move(s)); }).detach();
  }
}

void sim_server::session(tcp::socket sock) {
  if (server_ctx()) {
    ssl::stream<tcp::socket> stream(std::move(sock), *server_ctx());
    beast::error_code ec;
    stream.handshake(ssl::stream_base::server, ec);
    if (ec) {
      std::cerr << opt_.name << ": TLS handshake failed: " << ec.message() << std::endl;
      return;
    }
    serve(stream, stream.next_layer());
  } else {
    serve(sock, sock);
  }
}

template <class Stream>
void sim_server::serve(Stream& stream, tcp::socket& raw) {
  beast::flat_buffer buffer;
  beast::error_code ec;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    http::read(stream, buffer, parser, ec);
    if (ec) break;
    request req = parser.release();
    reply r = dispatch(req);
    if (r.act == reply::action::reset) {
      raw.set_option(asio::socket_base::linger(true, 0), ec);
      raw.close(ec);
      return;
    }
    if (r.act == reply::action::drop) break;
    r.res.version(11);
    r.res.keep_alive(req.keep_alive());
    r.res.prepare_payload();
    if (r.malformed_head) {
      // Serialised by hand: Beast would never write a NUL into a field value itself.
      std::ostringstream wire;
      wire << r.res;
      std::string text = wire.str();
      static constexpr char odd[] = "X-Sim-Odd: a\0b\r\n";
      text.insert(text.find("\r\n") + 2, std::string(odd, sizeof odd - 1));
      asio::write(stream, asio::buffer(text), ec);
      if (ec || !req.keep_alive()) break;
      continue;
    }
    http::write(stream, r.res, ec);
    if (ec || !req.keep_alive()) break;
  }
  raw.shutdown(tcp::socket::shutdown_both, ec);
  raw.close(ec);
}

reply sim_server::dispatch(const request& req) {
  const std::string target(req.target());
  const auto qpos = target.find('?');
  const std::string path = target.substr(0, qpos);
  const query_list q = parse_query(qpos == std::string::npos ? "" : target.substr(qpos + 1));
  if (path == "/_sim" || path.rfind("/_sim/", 0) == 0) return {reply::action::respond, admin(req, path)};

  bool is_json = false;
  json entry = {{"seq", ++seq_}, {"time", now_iso()}, {"method", std::string(req.method_string())}, {"target", target}, {"path", path}};
  json qj = json::object();
  for (auto& [k, v] : q) qj[k] = v;
  entry["query"] = qj;
  json hj = json::object();
  for (auto& f : req) {
    auto name = to_lower(std::string(f.name_string()));
    if (hj.contains(name)) hj[name] = hj[name].get<std::string>() + ", " + std::string(f.value());
    else hj[name] = std::string(f.value());
  }
  entry["headers"] = hj;
  entry["body"] = body_value(req.body(), is_json);
  entry["body_is_json"] = is_json;

  reply r;
  // Before faults and routes, as a framework redirects before the application sees the request.
  if (auto location = slash_redirect(req, path, qpos == std::string::npos ? "" : target.substr(qpos))) {
    r.res = response{http::status::temporary_redirect, 11};
    r.res.set(http::field::location, *location);
    r.res.set(http::field::content_type, "application/json");
    r.res.body() = "null";
    entry["fault"] = "none";
    entry["status"] = 307;
    std::lock_guard lk(log_mu_);
    log_.push_back(entry);
    std::cerr << opt_.name << ": " << req.method_string() << " " << target << " -> 307 " << *location << std::endl;
    return r;
  }

  std::string mode = "none";
  long delay = 0;
  if (!is_configuration(path)) {
    std::lock_guard lk(fault_mu_);
    if (fault_mode_ != "none" && fault_count_ > 0) {
      mode = fault_mode_;
      delay = fault_delay_ms_;
      if (--fault_count_ == 0) fault_mode_ = "none";
    }
  }
  entry["fault"] = mode;
  const long seq = entry["seq"].get<long>();
  {
    std::lock_guard lk(log_mu_);
    log_.push_back(entry);
  }
  auto set_status = [&](int status) {
    std::lock_guard lk(log_mu_);
    for (auto& e : log_)
      if (e["seq"] == seq) e["status"] = status;
  };

  if (mode == "timeout") {
    std::this_thread::sleep_for(std::chrono::milliseconds(delay > 0 ? delay : 60000));
    set_status(0);
    r.act = reply::action::drop;
  } else if (mode == "reset") {
    if (delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    set_status(0);
    r.act = reply::action::reset;
  } else if (mode == "garbage") {
    // A backend that answers 200 with something that is no OCPI envelope (an HTML error page).
    r.res = response{http::status::ok, 11};
    r.res.set(http::field::content_type, "text/html");
    r.res.body() = "<html><body>502 Bad Gateway</body></html>\n";
    set_status(200);
  } else if (mode == "redirect") {
    // A peer that moved: HTTP 307 to the same target below /moved (a client must not follow it silently).
    r.res = response{http::status::temporary_redirect, 11};
    r.res.set(http::field::location, scheme() + "://" + header(req, "Host") + "/moved" + target);
    set_status(307);
  } else if (mode == "http500") {
    r.res = response{http::status::internal_server_error, 11};
    r.res.set(http::field::content_type, "text/plain");
    r.res.body() = "simulated internal server error\n";
    set_status(500);
  } else {
    if (mode == "slow") std::this_thread::sleep_for(std::chrono::milliseconds(delay > 0 ? delay : 2000));
    r.res = handle(req, path, q);
    r.malformed_head = mode == "bad_header";  // handled for real, then answered with an odd header
    set_status(int(r.res.result_int()));
  }
  std::cerr << opt_.name << ": " << req.method_string() << " " << target << " -> "
            << (r.act == reply::action::respond ? std::to_string(r.res.result_int()) : mode) << std::endl;
  return r;
}

std::optional<std::string> sim_server::slash_redirect(const request& req, const std::string& path,
                                                      const std::string& query) const {
  if (!trailing_slash_ || path.empty()) return std::nullopt;
  const auto segs = split_path(path);
  const std::size_t depth = module_depth(segs);
  if (depth == 0) return std::nullopt;
  const bool slash = path.back() == '/';
  std::string other;
  if (segs.size() == depth && !slash)
    other = path + "/";
  else if (segs.size() > depth && slash)
    other = path.substr(0, path.find_last_not_of('/') + 1);
  else
    return std::nullopt;
  // Absolute, built from the Host header as FastAPI/Starlette do; the query goes along.
  return scheme() + "://" + header(req, "Host") + other + query;
}

response sim_server::admin(const request& req, const std::string& path) {
  const auto verb = req.method();
  auto parsed = req.body().empty() ? json::object() : json::parse(req.body(), nullptr, false);
  if (parsed.is_discarded()) return json_response(400, {{"error", "admin body is not JSON"}});
  if (path == "/_sim/requests" && verb == http::verb::get) {
    std::lock_guard lk(log_mu_);
    return json_response(200, log_);
  }
  if (path == "/_sim/requests" && verb == http::verb::delete_) {
    std::lock_guard lk(log_mu_);
    auto n = log_.size();
    log_ = json::array();
    return json_response(200, {{"cleared", n}});
  }
  if (path == "/_sim/fault" && (verb == http::verb::post || verb == http::verb::get)) {
    std::lock_guard lk(fault_mu_);
    if (verb == http::verb::post) {
      auto mode = parsed.value("mode", std::string("none"));
      if (mode != "none" && mode != "http500" && mode != "garbage" && mode != "timeout" && mode != "slow" &&
          mode != "reset" && mode != "redirect" && mode != "bad_header")
        return json_response(400, {{"error", "mode must be none|http500|garbage|timeout|slow|reset|redirect|bad_header"}});
      fault_mode_ = mode;
      fault_count_ = parsed.value("count", 1L);
      fault_delay_ms_ = parsed.value("delay_ms", 0L);
      if (fault_count_ <= 0) fault_mode_ = "none";
    }
    return json_response(200, {{"mode", fault_mode_}, {"count", fault_count_}, {"delay_ms", fault_delay_ms_}});
  }
  if (path == "/_sim/send" && verb == http::verb::post) return admin_send(parsed);
  if (path == "/_sim/config" && verb == http::verb::post) return admin_config(parsed);
  if (path == "/_sim/register" && verb == http::verb::post) return admin_register(parsed);
  if (path == "/_sim/registration" && verb == http::verb::get) {
    std::lock_guard lk(registration_mu_);
    return json_response(200, last_registration_);
  }
  if (path == "/_sim/health") return json_response(200, {{"ok", true}, {"name", opt_.name}});
  return json_response(404, {{"error", "unknown admin route " + path}});
}

response sim_server::admin_send(const json& b) {
  if (!b.is_object() || !b.contains("url") || !b["url"].is_string()) return json_response(400, {{"error", "'url' is required"}});
  std::string url = b["url"].get<std::string>();
  if (!url.empty() && url[0] == '/') url = bridge_base() + url;
  const std::string method = b.value("method", std::string("GET"));
  std::optional<std::string> body;
  if (b.contains("body_raw") && b["body_raw"].is_string()) body = b["body_raw"].get<std::string>();
  else if (b.contains("body") && !b["body"].is_null()) body = b["body"].dump();

  query_list headers = default_send_headers(body.has_value());
  if (b.contains("headers") && b["headers"].is_object()) {
    for (auto& [k, v] : b["headers"].items()) {
      std::erase_if(headers, [&](auto& h) { return iequals(h.first, k); });
      if (!v.is_null()) headers.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
    }
  }
  json sent = json::object();
  for (auto& [k, v] : headers) sent[k] = v;
  json request_info = {{"method", method}, {"url", url}, {"headers", sent}};

  auto r = http_send(method, url, headers, body, b.value("timeout_ms", 30000L), opt_.ca_file);
  if (!r.error.empty()) return json_response(502, {{"error", r.error}, {"elapsed_ms", r.elapsed_ms}, {"request", request_info}});
  bool is_json = false;
  json out = {{"status", r.status}, {"headers", r.headers}, {"elapsed_ms", r.elapsed_ms}, {"request", request_info}};
  out["body"] = body_value(r.body, is_json);
  out["body_is_json"] = is_json;
  return json_response(200, out);
}

namespace {

json ocpi_data_of(const send_result& r) {
  if (!r.error.empty() || r.status != 200) return nullptr;
  auto j = json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("status_code", 0) != 1000 || !j.contains("data")) return nullptr;
  return j["data"];
}

}  // namespace

// Both sides of the credentials handshake read the other side's endpoints the same way: versions
// with the token they hold, then the details of the version they speak.
sim_server::endpoints_read sim_server::read_endpoints(const std::string& versions_url, const std::string& token) const {
  endpoints_read out;
  const query_list auth = {{"Authorization", authorization_for(token)}};
  out.last = http_send("GET", versions_url, auth, std::nullopt, 10000, opt_.ca_file);
  const json list = ocpi_data_of(out.last);
  std::string details_url;
  if (list.is_array())
    for (const auto& v : list)
      if (v.is_object() && v.value("version", "") == registration_version()) details_url = v.value("url", "");
  if (details_url.empty()) {
    out.failed_step = "versions";
    return out;
  }
  out.last = http_send("GET", details_url, auth, std::nullopt, 10000, opt_.ca_file);
  const json d = ocpi_data_of(out.last);
  if (d.is_object() && d.contains("endpoints") && d["endpoints"].is_array())
    for (const auto& e : d["endpoints"])
      if (e.is_object() && e.value("identifier", "") == "credentials") out.credentials_url = e.value("url", "");
  if (out.credentials_url.empty()) {
    out.failed_step = "version details";
    return out;
  }
  out.seen = {{"versions_url", versions_url}, {"versions", list}, {"details_url", details_url}, {"details", d},
              {"at", now_iso()}};
  return out;
}

void sim_server::record_registration(json seen) {
  std::lock_guard lk(registration_mu_);
  last_registration_ = std::move(seen);
}

// The Receiver side (the bridge registers with this peer): as the spec orders it, the peer reads the
// sender's versions and details with the token of the POSTed credentials before it answers; when it
// cannot, it answers 3001 ("unable to use the client's API") and keeps its old credentials.
std::optional<response> sim_server::read_sender_endpoints(const json& posted_credentials) {
  const auto read = read_endpoints(posted_credentials["url"].get<std::string>(), posted_credentials["token"].get<std::string>());
  if (!read.failed_step.empty())
    return ocpi_response(200, 3001, "unable to use the client's API: GET " + read.failed_step + " answered HTTP " +
                                        std::to_string(read.last.status) + (read.last.error.empty() ? "" : " " + read.last.error));
  json seen = read.seen;
  seen["as"] = "receiver";
  record_registration(std::move(seen));
  return std::nullopt;
}

// The Sender side of the credentials handshake, as a real peer runs it with a token A it was given
// out of band: versions -> the version's details -> POST credentials; the token in the answer is
// what the peer presents from then on. What it read before the POST is recorded (`seen`, also
// GET /_sim/registration): a real peer such as Gireve builds its directory of the other side from
// these details and does not re-read them until it registers again.
response sim_server::admin_register(const json& b) {
  if (!b.is_object() || !b.contains("token_a") || !b["token_a"].is_string())
    return json_response(400, {{"error", "'token_a' is required"}});
  const std::string token_a = b["token_a"].get<std::string>();
  std::string versions_url = b.value("versions_url", std::string());
  if (versions_url.empty()) return json_response(400, {{"error", "'versions_url' is required"}});
  if (versions_url[0] == '/') versions_url = bridge_base() + versions_url;
  const auto read = read_endpoints(versions_url, token_a);
  if (!read.failed_step.empty())
    return json_response(502, {{"error", read.failed_step + " failed"}, {"status", read.last.status},
                               {"body", read.last.body}, {"transport", read.last.error}});
  json seen = read.seen;
  seen["as"] = "sender";
  record_registration(seen);
  query_list post_headers = {{"Authorization", authorization_for(token_a)}, {"Content-Type", "application/json"}};
  const auto posted = http_send("POST", read.credentials_url, post_headers, own_credentials().dump(), 20000, opt_.ca_file);
  auto answer = json::parse(posted.body, nullptr, false);
  const json creds = ocpi_data_of(posted);
  if (creds.is_object() && creds.contains("token") && creds["token"].is_string())
    registered(creds["token"].get<std::string>(), versions_url);
  return json_response(200, {{"status", posted.status}, {"body", answer.is_discarded() ? json(posted.body) : answer},
                             {"transport", posted.error}, {"seen", seen}});
}

}  // namespace sim
