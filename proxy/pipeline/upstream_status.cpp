#include "proxy/pipeline/upstream_status.hpp"

#include <charconv>

#include <simdjson.h>

#include "ocpi/status.hpp"

namespace ocpi::proxy {

namespace {

namespace od = simdjson::ondemand;

std::string_view trim_json_ws(std::string_view s) noexcept {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Reads one value of the envelope into `out`; false when the field is unusable.
bool read_status_code(od::value v, std::optional<int>& out) {
  od::json_type t;
  if (v.type().get(t)) return false;
  if (t == od::json_type::number) {
    std::int64_t n = 0;
    if (v.get_int64().get(n) || n < 0 || n > 99999) return false;
    out = static_cast<int>(n);
    return true;
  }
  if (t == od::json_type::string) {
    std::string_view s;
    int n = 0;
    if (v.get_string().get(s)) return false;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return false;
    out = n;
    return true;
  }
  return false;
}

bool read_data(od::value v, std::string& out) {
  od::json_type t;
  if (v.type().get(t)) return false;
  std::string_view raw;
  switch (t) {
    case od::json_type::object: {
      od::object o;
      if (v.get_object().get(o) || o.raw_json().get(raw)) return false;
      break;
    }
    case od::json_type::array: {
      od::array a;
      if (v.get_array().get(a) || a.raw_json().get(raw)) return false;
      break;
    }
    case od::json_type::null:
      return true;
    default:
      raw = trim_json_ws(v.raw_json_token());
  }
  // Room for simdjson's padding: the translation then parses `data` in place instead of copying it.
  out.reserve(raw.size() + simdjson::SIMDJSON_PADDING);
  out.assign(raw);
  return true;
}

std::optional<parsed_envelope> parse_padded(simdjson::padded_string_view json) {
  thread_local od::parser parser;
  od::document doc;
  if (parser.iterate(json).get(doc)) return std::nullopt;
  od::object root;
  if (doc.get_object().get(root)) return std::nullopt;
  parsed_envelope env;
  std::optional<int> code;
  for (auto field : root) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return std::nullopt;
    od::value v;
    if (field.value().get(v)) return std::nullopt;
    if (key == "status_code" && !code) {
      if (!read_status_code(v, code)) return std::nullopt;
    } else if (key == "status_message") {
      std::string_view msg;
      if (!v.get_string().get(msg)) env.status_message.assign(msg);  // a null or odd message is just absent
    } else if (key == "data") {
      if (!read_data(v, env.data)) return std::nullopt;
    }
  }
  // On-Demand stops after the root object; anything left (current_location() succeeds) is garbage.
  const char* rest = nullptr;
  if (!doc.current_location().get(rest) || !code) return std::nullopt;
  env.status_code = *code;
  return env;
}

bool in(int code, int lo, int hi) noexcept { return code >= lo && code <= hi; }

std::string prefixed(std::string_view side, int code, std::string_view message) {
  std::string out = "[" + std::string(side) + " " + std::to_string(code) + "]";
  if (!message.empty()) out += " " + std::string(message);
  return out;
}

// Codes 2.1.1 does not have (19xx, 2004, 29xx, 39xx, ...) become the generic code of their class
// when status.strict_211_codes is on (§0.3, §1.6.2).
int down_map_211(int code) noexcept {
  if (code == 1000 || in(code, 2000, 2003) || in(code, 3000, 3003)) return code;
  return code / 1000 * 1000;
}

caller_answer answer(unsigned http, int code, std::string message, bool transient = false, bool alert = false) {
  return caller_answer{http, code, std::move(message), false, transient, alert};
}

}  // namespace

std::optional<parsed_envelope> parse_upstream_envelope(std::string_view body, std::size_t capacity) {
  if (capacity >= body.size() + simdjson::SIMDJSON_PADDING)
    return parse_padded(simdjson::padded_string_view(body.data(), body.size(), capacity));
  const simdjson::padded_string copy(body);
  return parse_padded(copy);
}

caller_answer map_iop_answer_to_legacy(unsigned http_status, const parsed_envelope* env, upstream_failure failure,
                                       bool strict_211_codes, bool is_get_object) {
  using enum upstream_failure;
  if (failure == timeout) return answer(504, status::server_error, "IOP did not answer in time", true);
  if (failure != none)
    // A TLS failure is usually a certificate or cipher configuration problem, not a blip.
    return answer(502, status::server_error, "IOP unreachable", true, failure == tls);
  // Never pass a 401 through: the legacy backend would think its own token is wrong (§1.6.4).
  if (http_status == 401 || http_status == 403)
    return answer(503, status::server_error, "proxy not authorized at IOP", true, true);
  if (http_status >= 500)
    return answer(502, status::server_error,
                  env ? prefixed("IOP", env->status_code, env->status_message)
                      : "IOP answered HTTP " + std::to_string(http_status),
                  true);
  // Never followed (redirect_note): a URL IOP published that sends us elsewhere is a configuration
  // problem at IOP or in the bridge, not a blip a retry would fix.
  if (http_status >= 300 && http_status < 400)
    return answer(502, status::server_error,
                  "IOP answered HTTP " + std::to_string(http_status) + " (redirect not followed)", false, true);
  if (!env) {
    if (http_status == 404 && is_get_object) return answer(404, status::client_error, "object not found at IOP");
    if (http_status >= 400 && http_status < 500)
      // Our request did not reach IOP's OCPI layer: retrying the same bytes will not help.
      return answer(http_status, status::client_error, "IOP answered HTTP " + std::to_string(http_status), false, true);
    return answer(502, status::server_error, "invalid answer from IOP", true);
  }
  if (http_status < 200 || (http_status >= 300 && http_status < 400))
    return answer(502, status::server_error, "invalid answer from IOP", true);
  const int code = env->status_code;
  if (in(code, 4000, 4999)) {
    if (code == status::hub_unknown_receiver)
      return answer(200, status::client_error, prefixed("IOP", code, env->status_message), false, true);
    return answer(503, status::server_error, prefixed("IOP", code, env->status_message), true);
  }
  if (!in(code, 1000, 3999)) return answer(502, status::server_error, prefixed("IOP", code, "invalid status_code"), true);
  const int mapped = strict_211_codes ? down_map_211(code) : code;
  const unsigned http = (in(code, 3000, 3999) && http_status < 300) ? 200 : http_status;
  caller_answer a{http, mapped, mapped == code ? env->status_message : prefixed("IOP", code, env->status_message)};
  a.relay_data = in(code, 1000, 1999);
  return a;
}

caller_answer map_legacy_answer_to_iop(unsigned http_status, const parsed_envelope* env, upstream_failure failure,
                                       bool is_authorize) {
  using enum upstream_failure;
  if (failure == timeout) return answer(504, status::server_error, "legacy backend timeout", true);
  if (failure != none) return answer(502, status::server_error, "legacy backend unreachable", true, failure == tls);
  // The bridge's token toward the legacy backend is wrong: IOP's own credentials are fine.
  if (http_status == 401) return answer(502, status::server_error, "proxy not authorized at legacy backend", true, true);
  if (is_authorize) {
    const bool unknown = http_status == 404 || (env && in(env->status_code, 2000, 2003) && env->data.empty());
    if (unknown) {
      const bool changed = !env || env->status_code != status::unknown_token;
      return answer(404, status::unknown_token,
                    !env ? "unknown token" : changed ? prefixed("legacy", env->status_code, env->status_message)
                                                     : env->status_message);
    }
  }
  if (http_status >= 300 && http_status < 400)
    return answer(502, status::server_error,
                  "legacy backend answered HTTP " + std::to_string(http_status) + " (redirect not followed)", false,
                  true);
  if (!env) {
    if (http_status >= 200 && http_status < 300) return answer(502, status::server_error, "invalid answer from legacy backend", true);
    if (http_status >= 400 && http_status < 500)
      return answer(http_status, status::client_error, "legacy backend answered HTTP " + std::to_string(http_status));
    return answer(http_status >= 500 ? http_status : 502, status::server_error,
                  "legacy backend answered HTTP " + std::to_string(http_status), true);
  }
  if (http_status < 200 || (http_status >= 300 && http_status < 400))
    return answer(502, status::server_error, "invalid answer from legacy backend", true);
  const int code = env->status_code;
  // A legacy server is not a hub: 4xxx (or nonsense) from it would mislead IOP.
  if (!in(code, 1000, 3999))
    return answer(http_status >= 500 ? http_status : 502, status::server_error,
                  prefixed("legacy", code, env->status_message), true);
  caller_answer a{http_status, code, env->status_message};
  a.relay_data = in(code, 1000, 1999);
  a.transient = http_status >= 500;
  return a;
}

std::optional<std::string> redirect_note(unsigned http_status, std::string_view location) {
  if (http_status < 300 || http_status >= 400) return std::nullopt;
  return "HTTP " + std::to_string(http_status) + " redirect to " +
         (location.empty() ? std::string("(no Location header)") : std::string(location)) + " not followed";
}

}  // namespace ocpi::proxy
