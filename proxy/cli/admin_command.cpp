#include "proxy/cli/admin_command.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

#include <optional>
#include <ostream>
#include <vector>
#include <string>

#include "proxy/cli/admin_token.hpp"
#include "proxy/config/config.hpp"
#include "proxy/net/url.hpp"

namespace ocpi::proxy::cli {

const std::string_view admin_help = R"(usage: ocpi-bridge admin [--config FILE] [--admin-url URL] COMMAND

Talks to the running bridge's admin API (face.admin, loopback only), authorised by the secret in
<data_dir>/admin.token. --config names the bridge's configuration (embedded defaults without it);
--admin-url overrides face.admin.listen (e.g. when it is port 0).

Commands:
  status                      every connection: registered or not, where its tokens come from,
                              versions URL, endpoints known; pending command callbacks (JSON)
  token-a CONNECTION          issues a single-use registration token A for CONNECTION and prints
                                TOKEN_A <token>
                                VERSIONS_URL <the bridge's versions URL to give with it>
                              CONNECTION is `iop` (give both to the hub operator, MAPPING §2.3) or a
                              configured legacy party `CC*PID` (give both to that backend, §2.4)
  register CONNECTION --versions-url URL --token TOKEN_A
                              the bridge registers with the peer itself, using the token A the
                              peer issued ("Register ToIOP" / "proxy initiates", §2.3, §2.4)
  unregister CONNECTION       DELETE on the peer's credentials endpoint, then forget its tokens
  queue                       store-and-forward toward IOP: depth, age of the oldest entry and
                              retries per (party, module) queue and in total, dead letters (JSON)
  queue skip QUEUE            moves the head of QUEUE (`CC*PID/module`, as `queue` lists it) to
                              the dead letters, for a request that blocks its queue
  dead-letters list           the requests IOP refused for good, with its answer (JSON)
  dead-letters replay ID|--all
                              puts dead letters back at the tail of their queue
  dead-letters purge ID|--all forgets dead letters
  rotate-key                  a new state key in [state] key_file: every sealed token re-sealed
                              with it in one transaction, then the old key removed from the file
                              (needs the running bridge; with the key in OCPI_BRIDGE_STATE_KEY,
                              rotate by restarting, see README "Tokens at rest")
)";

namespace {

struct admin_reply {
  unsigned http = 0;
  nlohmann::json body;
};

admin_reply call(const url& base, const std::string& token, boost::beast::http::verb method, const std::string& path,
                 const std::string& body) {
  namespace http = boost::beast::http;
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::resolver resolver(ioc);
  boost::asio::ip::tcp::socket socket(ioc);
  boost::asio::connect(socket, resolver.resolve(base.host, std::to_string(base.port)));
  http::request<http::string_body> req{method, path, 11};
  req.set(http::field::host, base.host);
  req.set(http::field::authorization, "Token " + token);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  http::write(socket, req);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(socket, buffer, res);
  admin_reply r;
  r.http = res.result_int();
  r.body = nlohmann::json::parse(res.body(), nullptr, false);
  return r;
}

std::optional<url> admin_base(const std::string& config_path, std::string admin_url, std::string& secret,
                              std::ostream& err) {
  const bridge_config cfg = config_path.empty() ? embedded_default_config() : load_config_file(config_path);
  if (admin_url.empty()) admin_url = "http://" + cfg.admin_face.listen.str();
  auto base = parse_url(admin_url);
  if (!base || base->tls()) {
    err << "ocpi-bridge admin: --admin-url must be an http:// URL, got '" << admin_url << "'\n";
    return std::nullopt;
  }
  secret = read_admin_token(cfg.bridge.data_dir);
  return base;
}

// `queue [skip QUEUE]` and `dead-letters list|replay|purge` (MAPPING §5.7).
int run_store_forward_admin(const std::vector<std::string>& positional, bool all, const std::string& config_path,
                            const std::string& admin_url, std::ostream& out, std::ostream& err) {
  const std::string& command = positional[0];
  const std::string action = positional.size() > 1 ? positional[1] : "";
  const bool list = command == "queue" ? positional.size() == 1 : action == "list" && positional.size() == 2 && !all;
  const bool skip = command == "queue" && action == "skip" && positional.size() == 3 && !all;
  const bool change = skip || (command == "dead-letters" && (action == "replay" || action == "purge") &&
                               (all ? positional.size() == 2 : positional.size() == 3));
  if (!list && !change) {
    err << admin_help;
    return 1;
  }
  nlohmann::json body = nlohmann::json::object();
  if (change && all) body["all"] = true;
  if (skip) body["queue"] = positional[2];
  if (change && !all && !skip) {
    const std::string& id = positional[2];
    if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos) {
      err << "ocpi-bridge admin dead-letters " << action << ": ID must be a number, got '" << id << "'\n";
      return 1;
    }
    body["id"] = std::stoll(id);
  }
  const std::string label = command + (action.empty() ? "" : " " + action);
  try {
    std::string secret;
    const auto base = admin_base(config_path, admin_url, secret, err);
    if (!base) return 1;
    const auto method = change ? boost::beast::http::verb::post : boost::beast::http::verb::get;
    const std::string path = "/admin/" + command + (change ? "/" + action : "");
    const auto reply = call(*base, secret, method, path, change ? body.dump() : "");
    const bool ok = reply.http == 200 && reply.body.is_object() && reply.body.value("status_code", 0) == 1000;
    if (!ok) {
      err << "ocpi-bridge admin " << label << ": HTTP " << reply.http << ": "
          << (reply.body.is_object() ? reply.body.value("status_message", std::string("(no message)")) : "(not JSON)")
          << "\n";
      return 2;
    }
    if (change) out << reply.body.value("status_message", "done") << "\n";
    else out << reply.body["data"].dump(2) << "\n";
    return 0;
  } catch (const std::exception& e) {
    err << "ocpi-bridge admin " << label << ": " << e.what() << "\n";
    return 2;
  }
}

}  // namespace

int run_admin(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
  std::string config_path, admin_url, versions_url, token;
  std::vector<std::string> positional;
  bool all = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto a = args[i];
    const bool has_value = i + 1 < args.size();
    if (a == "--help" || a == "-h") {
      out << admin_help;
      return 0;
    }
    if (a == "--config" && has_value) config_path = std::string(args[++i]);
    else if (a == "--admin-url" && has_value) admin_url = std::string(args[++i]);
    else if (a == "--versions-url" && has_value) versions_url = std::string(args[++i]);
    else if (a == "--token" && has_value) token = std::string(args[++i]);
    else if (a == "--all") all = true;
    else if (a.starts_with("--")) {
      err << "ocpi-bridge admin: unknown option '" << a << "'\n" << admin_help;
      return 1;
    } else positional.emplace_back(a);
  }
  const std::string command = positional.empty() ? "" : positional[0];
  if (command == "queue" || command == "dead-letters") return run_store_forward_admin(positional, all, config_path, admin_url, out, err);
  const bool needs_connection = command == "token-a" || command == "register" || command == "unregister";
  if (!(command == "status" || command == "rotate-key" || needs_connection) || positional.size() != (needs_connection ? 2u : 1u) ||
      (command == "register" && (versions_url.empty() || token.empty()))) {
    err << admin_help;
    return 1;
  }
  try {
    const bridge_config cfg = config_path.empty() ? embedded_default_config() : load_config_file(config_path);
    if (admin_url.empty()) admin_url = "http://" + cfg.admin_face.listen.str();
    const auto base = parse_url(admin_url);
    if (!base || base->tls()) {
      err << "ocpi-bridge admin: --admin-url must be an http:// URL, got '" << admin_url << "'\n";
      return 1;
    }
    const std::string secret = read_admin_token(cfg.bridge.data_dir);
    nlohmann::json body = nlohmann::json::object();
    if (needs_connection) body["connection"] = positional[1];
    if (!versions_url.empty()) body["versions_url"] = versions_url;
    if (!token.empty()) body["token"] = token;
    const auto method = command == "status" ? boost::beast::http::verb::get : boost::beast::http::verb::post;
    const auto reply = call(*base, secret, method, "/admin/" + command, command == "status" ? "" : body.dump());
    const bool ok = reply.http == 200 && reply.body.is_object() && reply.body.value("status_code", 0) == 1000;
    if (!ok) {
      err << "ocpi-bridge admin " << command << ": HTTP " << reply.http << ": "
          << (reply.body.is_object() ? reply.body.value("status_message", std::string("(no message)")) : "(not JSON)") << "\n";
      return 2;
    }
    if (command == "token-a") {
      out << "TOKEN_A " << reply.body["data"].value("token", "") << "\n"
          << "VERSIONS_URL " << reply.body["data"].value("versions_url", "") << "\n";
    } else if (command == "status") {
      out << reply.body["data"].dump(2) << "\n";
    } else {
      out << reply.body.value("status_message", "done") << "\n";
    }
    return 0;
  } catch (const std::exception& e) {
    err << "ocpi-bridge admin " << command << ": " << e.what() << "\n";
    return 2;
  }
}

}  // namespace ocpi::proxy::cli
