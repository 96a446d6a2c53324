// Shared plumbing of the simulated OCPI peers (ocpi-hub-sim, ocpi-legacy-sim).
//
// Deliberately independent of the bridge: Boost.Beast for HTTP, nlohmann/json for JSON, nothing
// from include/ or mappings/. One thread per accepted connection, synchronous I/O, keep-alive.
// The admin API (/_sim/...) is shared: a request log, fault injection, an outbound "send" helper.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sim {

namespace http = boost::beast::http;
using json = nlohmann::json;
using tcp = boost::asio::ip::tcp;
using request = http::request<http::string_body>;
using response = http::response<http::string_body>;
using query_list = std::vector<std::pair<std::string, std::string>>;

// ---- small utilities ---------------------------------------------------------------------------
std::string base64_encode(std::string_view in);
std::string new_uuid();
std::string now_iso();
std::string to_lower(std::string s);
bool iequals(std::string_view a, std::string_view b);
std::string percent_decode(std::string_view s);
std::string percent_encode_query_value(std::string_view s);
std::vector<std::string> split_path(std::string_view path);  // decoded, empty segments removed
query_list parse_query(std::string_view q);                   // decoded, in order
std::optional<std::string> query_get(const query_list& q, std::string_view key);
std::string header(const request& req, std::string_view name);  // "" when absent

// ---- command line ------------------------------------------------------------------------------
class args {
 public:
  args(int argc, char** argv);
  std::string get(const std::string& flag, const std::string& def = "") const;
  long get_int(const std::string& flag, long def) const;
  bool has(const std::string& flag) const;
 private:
  std::map<std::string, std::string> values_;
};

// ---- OCPI envelope -----------------------------------------------------------------------------
json envelope(int status_code, const std::string& message, const std::optional<json>& data = std::nullopt);
response json_response(unsigned status, const json& body);
response ocpi_response(unsigned http_status, int status_code, const std::string& message,
                       const std::optional<json>& data = std::nullopt);

// ---- pagination ----------------------------------------------------------------------------------
struct page {
  json items = json::array();
  std::size_t total = 0;  // objects matching the filters
  std::size_t limit = 0;  // effective page size (X-Limit)
  std::optional<std::string> next_query;  // query string of the next page, if any
};
// offset/limit/date_from (inclusive)/date_to (exclusive) on `last_updated`; limit capped at `cap`.
page paginate(const std::vector<json>& all, const query_list& q, std::size_t cap);
void add_pagination_headers(response& res, const page& p, const std::string& self_url_without_query);

// ---- client-owned object store (Locations with EVSE/Connector levels, and flat modules) --------
struct op_result {
  unsigned http = 200;
  int code = 1000;
  std::string message = "Success";
  std::optional<json> data;  // for GET
};

class object_store {
 public:
  // version221: body country_code/party_id must match the URL, PATCH must carry last_updated.
  explicit object_store(bool version221) : v221_(version221) {}
  // segs = {cc, pid, location_id[, evse_uid[, connector_id]]}
  op_result locations(const std::string& verb, const std::vector<std::string>& segs, const json* body);
  // Flat client-owned objects: tokens (id_field "uid"), sessions, tariffs ("id"). key_suffix: e.g. token type.
  op_result flat(const std::string& module, const std::string& id_field, const std::string& verb,
                 const std::vector<std::string>& segs, const json* body, const std::string& key_suffix = "");
  op_result post_cdr(const json& body, std::string& out_key);
  // A pushed Token by uid, whoever owns it (the hub's real-time authorization).
  std::optional<json> find_token(const std::string& uid) const;
  std::optional<json> get_cdr(const std::string& key);
  // Every stored object of one module ("sessions", "cdrs", "tariffs", ...), in key order.
  std::vector<json> list(const std::string& module) const;
  // True when a Location (cc, pid, id) was pushed.
  bool has_location(const std::string& cc, const std::string& pid, const std::string& id) const;
  void clear();
  json dump() const;
 private:
  bool v221_;
  mutable std::mutex mu_;
  std::map<std::string, json> objects_;  // "module|cc|pid|id[|suffix]" (lower-cased) -> object
};

// ---- outbound HTTP (used by /_sim/send) --------------------------------------------------------
struct send_result {
  int status = 0;
  json headers = json::object();
  std::string body;
  std::string error;  // non-empty: transport failure (connect, TLS, timeout)
  long elapsed_ms = 0;
};
send_result http_send(const std::string& method, const std::string& url, const query_list& headers,
                      const std::optional<std::string>& body, long timeout_ms, const std::string& ca_file);

// ---- the server with its admin API ---------------------------------------------------------------
struct reply {
  enum class action { respond, drop, reset } act = action::respond;
  response res;
  bool malformed_head = false;  // fault bad_header: a header line with a NUL byte in its value
};

struct server_options {
  unsigned short port = 0;
  std::string tls_cert, tls_key, ca_file;
  std::string name;  // for stderr logs
};

class sim_server {
 public:
  explicit sim_server(server_options opt);
  virtual ~sim_server() = default;
  void set_trailing_slash(bool on) { trailing_slash_ = on; }
  // Binds, prints "LISTENING <port>" (flushed), serves forever.
  void run();

 protected:
  // Business routes; called after the request was logged and any fault applied.
  virtual response handle(const request& req, const std::string& path, const query_list& q) = 0;
  // Requests that are never subject to faults (versions, version details, credentials).
  virtual bool is_configuration(const std::string& path) const = 0;
  // Headers the peer adds by default when /_sim/send calls the bridge.
  virtual query_list default_send_headers(bool has_body) const = 0;
  virtual std::string bridge_base() const = 0;  // to resolve relative /_sim/send URLs
  virtual response admin_config(const json& body) = 0;  // POST /_sim/config
  // POST /_sim/register: the peer registers with the bridge (it is the credentials Sender).
  virtual std::string registration_version() const = 0;                   // "2.2.1" | "2.1.1"
  virtual std::string authorization_for(const std::string& token) const = 0;  // "Token ..." as the version wants
  virtual json own_credentials() const = 0;                                 // what it POSTs
  virtual void registered(const std::string& token_to_bridge, const std::string& bridge_versions_url) = 0;
  // Segments of the module URL `segs` lies under (4 for /ocpi/2.2.1/sender/locations/...), 0 when
  // it is no module path. Used by the trailing-slash mode below.
  virtual std::size_t module_depth(const std::vector<std::string>& segs) const = 0;
  // Trailing-slash mode (--trailing-slash, /_sim/config "trailing_slash"), like a FastAPI server with
  // routes declared as ".../locations/": module URLs are published with a trailing '/', a request on
  // a module URL without it, or on a path below one with a trailing '/', gets HTTP 307 to the other form.
  std::atomic<bool> trailing_slash_{false};
  // `url` + "/" in trailing-slash mode: how a module URL is published (details, Link headers).
  std::string published(std::string url) const { return trailing_slash_ ? url + "/" : url; }
  // The receiver side of the credentials handshake: reads the sender's versions and details with the
  // token of `posted_credentials` (a checked {token, url} object) and records them as `seen`; an
  // OCPI 3001 answer when it cannot, nullopt when the POST/PUT may go on.
  std::optional<response> read_sender_endpoints(const json& posted_credentials);
  std::string scheme() const { return opt_.tls_cert.empty() ? "http" : "https"; }
  std::string self_base() const;  // scheme://127.0.0.1:port
  server_options opt_;

 private:
  reply dispatch(const request& req);
  std::optional<std::string> slash_redirect(const request& req, const std::string& path,
                                            const std::string& query) const;
  response admin(const request& req, const std::string& path);
  response admin_send(const json& body);
  response admin_register(const json& body);
  struct endpoints_read {
    json seen;                // {versions_url, versions, details_url, details, at}
    std::string credentials_url;
    std::string failed_step;  // "" | "versions" | "version details"
    send_result last;         // the last GET, for the error report
  };
  endpoints_read read_endpoints(const std::string& versions_url, const std::string& token) const;
  void record_registration(json seen);
  template <class Stream> void serve(Stream& stream, tcp::socket& raw);
  void session(tcp::socket sock);

  unsigned short bound_port_ = 0;
  std::mutex log_mu_;
  json log_ = json::array();
  std::atomic<long> seq_{0};
  std::mutex registration_mu_;
  json last_registration_ = nullptr;  // what the last POST /_sim/register read before its POST
  std::mutex fault_mu_;
  std::string fault_mode_ = "none";
  long fault_count_ = 0, fault_delay_ms_ = 0;
};

}  // namespace sim
