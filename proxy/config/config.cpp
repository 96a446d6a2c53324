#include "proxy/config/config.hpp"

#include <charconv>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <boost/asio/ip/address.hpp>
#include <toml++/toml.h>

#include "ocpi/embedded_config.hpp"
#include "proxy/net/url.hpp"
#include "proxy/pipeline/endpoints.hpp"

namespace ocpi::proxy {

std::string listen_address::str() const {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string face_config::public_base(std::uint16_t bound_port) const {
  if (!public_url.empty()) return public_url;
  return std::string(tls ? "https" : "http") + "://" + listen_address{listen.host, bound_port}.str();
}

namespace {

using mapping_entries = std::vector<std::pair<std::string, std::string>>;

[[noreturn]] void fail(const std::string& path, const std::string& message) {
  throw std::runtime_error(path + ": " + message);
}

// Reads one TOML table; every key read is remembered so that finish() can reject typos.
class table_reader {
 public:
  table_reader(const toml::table& t, std::string path) : table_(t), path_(std::move(path)) {}

  std::string path(std::string_view key) const { return path_.empty() ? std::string(key) : path_ + "." + std::string(key); }
  bool has(std::string_view key) const { return table_.contains(key); }

  const toml::node* get(std::string_view key) {
    known_.emplace(key);
    return table_.get(key);
  }

  void text(std::string_view key, std::string& out) {
    if (const auto* n = get(key)) {
      const auto* v = n->as_string();
      if (!v) fail(path(key), "expected a string");
      out = v->get();
    }
  }

  void flag(std::string_view key, bool& out) {
    if (const auto* n = get(key)) {
      const auto* v = n->as_boolean();
      if (!v) fail(path(key), "expected true or false");
      out = v->get();
    }
  }

  template <class Int>
  void integer(std::string_view key, Int& out, std::int64_t min, std::int64_t max = std::numeric_limits<std::int32_t>::max()) {
    if (const auto* n = get(key)) {
      const auto* v = n->as_integer();
      if (!v) fail(path(key), "expected an integer");
      if (v->get() < min || v->get() > max)
        fail(path(key), "expected " + std::to_string(min) + ".." + std::to_string(max) + ", got " + std::to_string(v->get()));
      out = static_cast<Int>(v->get());
    }
  }

  void millis(std::string_view key, std::chrono::milliseconds& out) {
    std::int64_t ms = out.count();
    integer(key, ms, 1, std::int64_t{24} * 3600 * 1000);
    out = std::chrono::milliseconds(ms);
  }

  const toml::table& table(std::string_view key) {
    const auto* n = get(key);
    const auto* t = n ? n->as_table() : nullptr;
    if (!t) fail(path(key), "expected a table");
    return *t;
  }

  void finish() const {
    for (auto&& [k, v] : table_)
      if (!known_.count(std::string(k.str()))) fail(path(k.str()), "unknown key");
  }

 private:
  const toml::table& table_;
  std::string path_;
  std::set<std::string, std::less<>> known_;
};

listen_address parse_listen(const std::string& text, const std::string& path) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) fail(path, "expected \"host:port\", got '" + text + "'");
  listen_address a;
  a.host = text.substr(0, colon);
  if (a.host.front() == '[') {
    if (a.host.size() < 3 || a.host.back() != ']') fail(path, "expected \"[v6-address]:port\", got '" + text + "'");
    a.host = a.host.substr(1, a.host.size() - 2);
  }
  unsigned port = 0;
  const char* first = text.data() + colon + 1;
  const char* last = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(first, last, port);
  if (first == last || ec != std::errc{} || ptr != last || port > 65535)
    fail(path, "expected a port 0..65535 after ':', got '" + text + "'");
  a.port = static_cast<std::uint16_t>(port);
  return a;
}

void read_upstream_tls(table_reader& r, tls_client_files& tls) {
  r.text("ca_file", tls.ca_file);
  r.flag("verify_peer", tls.verify_peer);
}

void read_bridge(const toml::table& t, bridge_settings& b) {
  table_reader r(t, "bridge");
  r.integer("threads", b.threads, 1, 256);
  r.text("data_dir", b.data_dir);
  r.text("log_level", b.log_level);
  r.integer("body_limit", b.body_limit, 1, std::int64_t{1} << 31);
  r.millis("client_timeout_ms", b.client_timeout);
  r.millis("connect_timeout_ms", b.connect_timeout);
  r.millis("upstream_timeout_ms", b.upstream_timeout);
  r.millis("authorize_timeout_ms", b.authorize_timeout);
  r.integer("upstream_pool_size", b.upstream_pool_size, 1, 4096);
  r.millis("upstream_idle_timeout_ms", b.upstream_idle_timeout);
  r.millis("shutdown_grace_ms", b.shutdown_grace);
  r.finish();
}

void read_state(const toml::table& t, state_settings& s) {
  table_reader r(t, "state");
  r.text("store", s.store);
  r.millis("commit_timeout_ms", s.commit_timeout);
  r.text("key_file", s.key_file);
  r.finish();
}

void read_face(const toml::table& t, const std::string& path, face_config& f) {
  table_reader r(t, path);
  if (const auto* n = r.get("listen")) {
    const auto* v = n->as_string();
    if (!v) fail(r.path("listen"), "expected a string \"host:port\"");
    f.listen = parse_listen(v->get(), r.path("listen"));
  }
  r.text("public_url", f.public_url);
  r.flag("tls", f.tls);
  r.text("cert_file", f.cert_file);
  r.text("key_file", f.key_file);
  r.text("client_ca_file", f.client_ca_file);
  r.finish();
}

void read_iop(const toml::table& t, bridge_config& c) {
  table_reader r(t, "iop");
  r.text("versions_url", c.iop.versions_url);
  r.text("country_code", c.mapping.iop.country_code);
  r.text("party_id", c.mapping.iop.party_id);
  r.text("business_name", c.mapping.iop_business_name);
  r.text("token", c.iop.token);
  r.text("accepts_token", c.iop.accepts_token);
  r.text("auth_encoding", c.iop.auth_encoding);
  r.flag("accept_patch_without_last_updated", c.iop.accept_patch_without_last_updated);
  read_upstream_tls(r, c.iop.tls);
  r.text("client_cert_file", c.iop.tls.client_cert_file);
  r.text("client_key_file", c.iop.tls.client_key_file);
  r.finish();
}

// [[legacy]] modules = ["locations", ...]: a non-empty subset of the bridged modules, each once.
void read_modules(table_reader& r, std::vector<std::string>& out) {
  const auto* n = r.get("modules");
  if (!n) return;
  const auto* arr = n->as_array();
  if (!arr) fail(r.path("modules"), "expected an array of module identifiers");
  std::vector<std::string> modules;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const std::string at = r.path("modules") + "[" + std::to_string(i) + "]";
    const auto* v = arr->get(i)->as_string();
    if (!v) fail(at, "expected a string");
    if (!is_bridged_module(v->get()))
      fail(at, "expected one of locations, tariffs, sessions, cdrs, tokens, commands, got '" + v->get() + "'");
    for (const auto& m : modules)
      if (m == v->get()) fail(at, "'" + m + "' listed twice");
    modules.push_back(v->get());
  }
  if (modules.empty()) fail(r.path("modules"), "must list at least one module (leave the key out for all of them)");
  out = std::move(modules);
}

legacy_config read_legacy(const toml::table& t, const std::string& path) {
  table_reader r(t, path);
  // token/accepts_token are optional: without them the connection is set up by a credentials
  // handshake (MAPPING §2.4) and the exchanged tokens live in the state store.
  for (const char* required : {"role", "country_code", "party_id", "versions_url"})
    if (!r.has(required)) fail(r.path(required), "required");
  legacy_config l;
  std::string role;
  r.text("role", role);
  if (role == "CPO") l.party.role = party_role::cpo;
  else if (role == "EMSP") l.party.role = party_role::emsp;
  else fail(r.path("role"), "expected CPO or EMSP, got '" + role + "'");
  r.text("country_code", l.party.id.country_code);
  r.text("party_id", l.party.id.party_id);
  r.text("business_name", l.party.business_name);
  r.text("operator_id", l.party.operator_id);
  r.text("default_time_zone", l.party.default_time_zone);
  r.text("default_owner_name", l.party.default_owner_name);
  r.flag("authorization_id_extension", l.party.authorization_id_extension);
  r.text("versions_url", l.versions_url);
  r.text("token", l.token);
  r.text("accepts_token", l.accepts_token);
  read_modules(r, l.modules);
  read_upstream_tls(r, l.tls);
  r.text("client_cert_file", l.tls.client_cert_file);
  r.text("client_key_file", l.tls.client_key_file);
  r.finish();
  return l;
}

// [mapping] values become the `KEY=VALUE` text mapping_options::set understands. Unquoted dotted
// keys arrive as nested tables and are flattened back.
std::string scalar_text(const toml::node& n, const std::string& path) {
  if (const auto* s = n.as_string()) return s->get();
  if (const auto* b = n.as_boolean()) return b->get() ? "true" : "false";
  if (const auto* i = n.as_integer()) return std::to_string(i->get());
  fail(path, "expected a string, boolean or integer");
}

void read_mapping(const toml::table& t, const std::string& prefix, mapping_entries& out) {
  for (auto&& [k, v] : t) {
    const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    const std::string path = "mapping." + key;
    if (const auto* sub = v.as_table()) {
      if (key == "commands.timeout_s") {  // { START_SESSION = 120, ... } -> "START_SESSION:120,..."
        std::string joined;
        for (auto&& [ck, cv] : *sub)
          joined += (joined.empty() ? "" : ",") + std::string(ck.str()) + ":" + scalar_text(cv, path + "." + std::string(ck.str()));
        out.emplace_back(key, joined);
      } else {
        read_mapping(*sub, key, out);
      }
    } else if (const auto* arr = v.as_array()) {
      std::string joined;
      for (std::size_t i = 0; i < arr->size(); ++i)
        joined += (i ? "," : "") + scalar_text(*arr->get(i), path + "[" + std::to_string(i) + "]");
      out.emplace_back(key, joined);
    } else {
      out.emplace_back(key, scalar_text(v, path));
    }
  }
}

// A whole, non-negative number of seconds ("30"; not "30s", not "-1").
long whole_seconds(const std::string& v, const std::string& path) {
  long n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc{} || end != v.data() + v.size() || n < 0)
    fail(path, "expected a whole number of seconds >= 0, got '" + v + "'");
  return n;
}

void apply(const toml::table& root, bridge_config& c, mapping_entries& mapping) {
  table_reader r(root, "");
  if (r.has("bridge")) read_bridge(r.table("bridge"), c.bridge);
  if (r.has("state")) read_state(r.table("state"), c.state);
  if (r.has("face")) {
    table_reader faces(r.table("face"), "face");
    if (faces.has("hub")) read_face(faces.table("hub"), "face.hub", c.hub);
    if (faces.has("legacy")) read_face(faces.table("legacy"), "face.legacy", c.legacy_face);
    if (faces.has("admin")) read_face(faces.table("admin"), "face.admin", c.admin_face);
    faces.finish();
  }
  if (r.has("iop")) read_iop(r.table("iop"), c);
  if (const auto* n = r.get("legacy")) {
    const auto* arr = n->as_array();
    if (!arr) fail("legacy", "expected [[legacy]] tables");
    c.legacy.clear();
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const std::string path = "legacy[" + std::to_string(i) + "]";
      const auto* t = arr->get(i)->as_table();
      if (!t) fail(path, "expected a table");
      c.legacy.push_back(read_legacy(*t, path));
    }
  }
  if (r.has("mapping")) read_mapping(r.table("mapping"), "", mapping);
  r.finish();
}

void require_url(const std::string& value, const std::string& path) {
  if (value.empty()) fail(path, "required");
  if (!parse_url(value)) fail(path, "expected an http(s) URL, got '" + value + "'");
}

void validate_face(const face_config& f, const std::string& path) {
  if (f.listen.host.empty()) fail(path + ".listen", "required");
  // The listener binds IP literals only (no resolver at bind time, and a name could resolve to a
  // non-loopback address or to several): refuse a name here rather than fail at bind time.
  boost::system::error_code ec;
  boost::asio::ip::make_address(f.listen.host, ec);
  if (ec)
    fail(path + ".listen",
         "expected an IP address literal (e.g. 127.0.0.1, 0.0.0.0, [::1]), got host '" + f.listen.host + "'");
  if (!f.public_url.empty() && !parse_url(f.public_url))
    fail(path + ".public_url", "expected an http(s) URL, got '" + f.public_url + "'");
  if (f.tls && f.cert_file.empty()) fail(path + ".cert_file", "required when tls = true");
  if (f.tls && f.key_file.empty()) fail(path + ".key_file", "required when tls = true");
  if (!f.tls && !f.client_ca_file.empty()) fail(path + ".client_ca_file", "requires tls = true");
}

void validate_client_tls(const tls_client_files& t, const std::string& path) {
  if (t.client_cert_file.empty() != t.client_key_file.empty())
    fail(path + (t.client_cert_file.empty() ? ".client_cert_file" : ".client_key_file"),
         "client_cert_file and client_key_file go together");
}

// Statically configured tokens (no handshake) come in pairs; both empty = register (MAPPING §2).
void validate_static_tokens(const std::string& token, const std::string& accepts, const std::string& path) {
  if (token.empty() != accepts.empty())
    fail(path + (token.empty() ? ".token" : ".accepts_token"),
         "token and accepts_token go together (leave both empty to obtain them by registration)");
}

void validate(const bridge_config& c) {
  const auto& lvl = c.bridge.log_level;
  if (lvl != "trace" && lvl != "debug" && lvl != "info" && lvl != "warn" && lvl != "error")
    fail("bridge.log_level", "expected trace, debug, info, warn or error, got '" + lvl + "'");
  if (c.bridge.data_dir.empty()) fail("bridge.data_dir", "must not be empty");
  if (c.state.store != "sqlite" && c.state.store != "memory")
    fail("state.store", "expected sqlite or memory, got '" + c.state.store + "'");
  validate_face(c.hub, "face.hub");
  validate_face(c.legacy_face, "face.legacy");
  validate_face(c.admin_face, "face.admin");
  // The admin API hands out registration tokens: never reachable from another machine.
  if (!boost::asio::ip::make_address(c.admin_face.listen.host).is_loopback())
    fail("face.admin.listen", "must be a loopback address");
  if (c.admin_face.tls) fail("face.admin.tls", "the admin face is plain HTTP on loopback");
  require_url(c.iop.versions_url, "iop.versions_url");
  validate_static_tokens(c.iop.token, c.iop.accepts_token, "iop");
  const auto& enc = c.iop.auth_encoding;
  if (enc != "BASE64" && enc != "RAW" && enc != "AUTO")
    fail("iop.auth_encoding", "expected BASE64, RAW or AUTO, got '" + enc + "'");
  if (c.mapping.iop.country_code.empty()) fail("iop.country_code", "must not be empty");
  if (c.mapping.iop.party_id.empty()) fail("iop.party_id", "must not be empty");
  validate_client_tls(c.iop.tls, "iop");
  for (std::size_t i = 0; i < c.legacy.size(); ++i) {
    const auto& l = c.legacy[i];
    const std::string path = "legacy[" + std::to_string(i) + "]";
    if (l.party.id.country_code.size() != 2) fail(path + ".country_code", "expected 2 characters");
    if (l.party.id.party_id.size() != 3) fail(path + ".party_id", "expected 3 characters");
    require_url(l.versions_url, path + ".versions_url");
    validate_static_tokens(l.token, l.accepts_token, path);
    validate_client_tls(l.tls, path);
    if (!l.accepts_token.empty() && l.accepts_token == c.iop.accepts_token)
      fail(path + ".accepts_token", "must differ from iop.accepts_token");
    for (std::size_t j = 0; j < i; ++j) {
      if (c.legacy[j].party.id.same(l.party.id))
        fail(path, "duplicate party " + l.party.id.emi3() + " (also legacy[" + std::to_string(j) + "])");
      if (!l.accepts_token.empty() && c.legacy[j].accepts_token == l.accepts_token)
        fail(path + ".accepts_token", "must differ from legacy[" + std::to_string(j) + "].accepts_token");
    }
  }
}

toml::table parse_toml(std::string_view text, const std::string& origin) {
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << origin << ":" << e.source().begin.line << ":" << e.source().begin.column << ": " << e.description();
    throw std::runtime_error(msg.str());
  }
}

}  // namespace

std::string_view embedded_default_config_text() {
  return {generated::embedded_config_toml, sizeof(generated::embedded_config_toml) - 1};
}

bridge_config load_config_text(std::string_view text, const std::string& origin) {
  bridge_config c;
  mapping_entries mapping;
  apply(parse_toml(embedded_default_config_text(), "<embedded default>"), c, mapping);
  if (text.data() != embedded_default_config_text().data()) {
    // Secrets are never inherited: the embedded default's demo tokens must not stay valid behind a
    // real configuration that leaves them out to register instead (MAPPING §2).
    c.iop.token.clear();
    c.iop.accepts_token.clear();
    apply(parse_toml(text, origin), c, mapping);
  }
  c.origin = origin;
  c.mapping.legacy.clear();
  for (const auto& l : c.legacy) c.mapping.legacy.push_back(l.party);
  for (const auto& [key, value] : mapping) {
    if (key == "commands.timeout_grace_s") {
      c.bridge.command_timeout_grace = std::chrono::seconds(whole_seconds(value, "mapping." + key));
      continue;
    }
    if (auto err = c.mapping.set(key, value)) {
      if (err->rfind(key, 0) == 0) fail("mapping." + key, err->substr(key.size() + (err->size() > key.size() + 1 ? 2 : 0)));
      fail("mapping." + key, *err);
    }
  }
  // Per-party mapping keys (legacy[*].x) may have changed the parties: mirror them back.
  for (std::size_t i = 0; i < c.legacy.size(); ++i) c.legacy[i].party = c.mapping.legacy[i];
  validate(c);
  return c;
}

bridge_config load_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open config file");
  std::ostringstream text;
  text << in.rdbuf();
  return load_config_text(text.str(), path);
}

bridge_config embedded_default_config() { return load_config_text(embedded_default_config_text(), "<embedded default>"); }

}  // namespace ocpi::proxy
