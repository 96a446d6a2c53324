#include "proxy/pipeline/request_checks.hpp"

#include <simdjson.h>

#include <algorithm>
#include <array>

#include "mappings/engine/not_json.hpp"
#include "proxy/pipeline/request_ids.hpp"

namespace ocpi::proxy {

namespace {

struct route_names {
  std::string_view role, module;
  std::array<std::string_view, 5> tail;  // names of the segments after the module
};

// The object segments of each module interface (OCPI 2.1.1 and 2.2.1 use the same shapes): the
// receiver side of client-owned objects starts with the owner's country_code/party_id.
constexpr route_names routes[] = {
    {"emsp", "locations", {"country_code", "party_id", "location_id", "evse_uid", "connector_id"}},
    {"emsp", "sessions", {"country_code", "party_id", "session_id"}},
    {"emsp", "tariffs", {"country_code", "party_id", "tariff_id"}},
    {"emsp", "cdrs", {"cdr_id"}},
    {"emsp", "tokens", {"token_uid"}},
    {"cpo", "tokens", {"country_code", "party_id", "token_uid"}},
    {"cpo", "commands", {"command"}},
    {"cpo", "locations", {"location_id", "evse_uid", "connector_id"}},
    {"cpo", "sessions", {"session_id"}},
};

std::size_t max_length(std::string_view name, std::size_t id_max) {
  if (name == "country_code") return 2;
  if (name == "party_id") return 3;
  // Not an OCPI id: the bridge's own callback token (43 characters, like a credentials token,
  // which OCPI bounds at 64).
  if (name == "callback_id") return 64;
  return id_max;
}

simdjson::dom::parser& body_parser() {
  thread_local simdjson::dom::parser p;
  return p;
}

std::optional<std::string> check_id(simdjson::dom::object o, std::string_view key, std::string_view where) {
  std::string_view s;
  if (o[key].get_string().get(s)) return std::nullopt;  // absent or not a string: the mapping's business
  const std::size_t max = max_length(key, max_body_id);
  if (printable_ascii(s, max)) return std::nullopt;
  return "invalid " + std::string(where) + std::string(key) +
         (s.empty()        ? std::string(": empty")
          : s.size() > max ? ": more than " + std::to_string(max) + " characters"
                           : std::string(": not printable ASCII"));
}

}  // namespace

bool printable_ascii(std::string_view s, std::size_t max) noexcept {
  if (s.empty() || s.size() > max) return false;
  for (char c : s)
    if (c < 0x20 || c > 0x7E) return false;
  return true;
}

std::string_view segment_name(const std::vector<std::string>& segs, std::size_t i, bool hub_face) {
  if (segs.size() < 4 || i < 3 || segs[0] != "ocpi") return {};
  const std::string_view version = hub_face ? "2.2.1" : "2.1.1";
  // /ocpi/{version}/callbacks/{id} (both faces) and /ocpi/2.2.1/cdrs-created/{id} (hub)
  if (segs[1] == version && segs[2] == "callbacks") return i == 3 ? "callback_id" : std::string_view{};
  if (hub_face && segs[1] == version && segs[2] == "cdrs-created") return i == 3 ? "cdr_id" : std::string_view{};
  const std::string_view role = hub_face ? segs[2] : segs[1];
  const std::string_view at_version = hub_face ? segs[1] : segs[2];
  if (at_version != version || i < 4) return {};
  for (const auto& r : routes)
    if (r.role == role && r.module == segs[3]) return i - 4 < r.tail.size() ? r.tail[i - 4] : std::string_view{};
  return {};
}

std::optional<std::string> check_target(std::string_view target) {
  for (char c : target)
    if (c < 0x21 || c > 0x7E) return std::string("invalid request target: not ASCII (percent-encode it)");
  return std::nullopt;
}

std::optional<std::string> check_path(const std::vector<std::string>& segs, bool hub_face) {
  const std::size_t id_max = hub_face ? max_url_id_221 : max_url_id_211;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    const std::string& s = segs[i];
    const std::string_view name = segment_name(segs, i, hub_face);
    const std::string label = name.empty() ? "path segment " + std::to_string(i + 1) : std::string(name);
    // A dot segment would be resolved away by the next hop (RFC 3986 §5.2.4): never forwarded.
    if (s == "." || s == "..") return "invalid " + label + ": dot segment '" + s + "' not allowed";
    const std::size_t max = name.empty() ? max_url_id_211 : max_length(name, id_max);
    if (s.size() > max) return "invalid " + label + ": more than " + std::to_string(max) + " characters";
    if (!printable_ascii(s, max)) return "invalid " + label + ": not printable ASCII";
  }
  return std::nullopt;
}

std::optional<std::string> check_header(const header_rule& rule, std::span<const std::string_view> values) {
  if (values.empty()) return std::nullopt;
  if (values.size() > 1) return "invalid " + std::string(rule.name) + " header: sent more than once";
  const std::string_view v = values.front();
  if (rule.trace_id) {
    if (v.empty() || usable_id(v)) return std::nullopt;  // empty: absent, one is generated (§1.5)
    return "invalid " + std::string(rule.name) + " header: " +
           (v.size() > rule.max ? "more than " + std::to_string(rule.max) + " characters"
                                : std::string("not visible ASCII"));
  }
  if (printable_ascii(v, rule.max)) return std::nullopt;
  return "invalid " + std::string(rule.name) + " header: " +
         (v.empty()             ? std::string("empty")
          : v.size() > rule.max ? "more than " + std::to_string(rule.max) + " characters"
                                : std::string("not printable ASCII"));
}

std::optional<std::string> check_body(std::string_view body, std::size_t capacity) {
  // In place when the buffer has simdjson's padding (the session reserves it), else the parser copies.
  const bool copy = capacity < body.size() + simdjson::SIMDJSON_PADDING;
  // The per-thread parser keeps its buffers (about 9 bytes per body byte): a rare large body gets
  // a parser of its own, freed when the check ends.
  simdjson::dom::parser large;  // allocates nothing until it parses
  simdjson::dom::parser& parser = body.size() > (256U << 10) ? large : body_parser();
  simdjson::dom::element root;
  if (auto ec = parser.parse(body.data(), body.size(), copy).get(root))
    return mappings::not_json_message(ec, body);  // one wording for the door and the mappings
  simdjson::dom::object o;
  if (root.get_object().get(o)) return std::nullopt;  // lists and scalars: no ids to check here
  for (std::string_view key :
       {"id", "uid", "location_id", "evse_uid", "connector_id", "session_id", "country_code", "party_id"})
    if (auto why = check_id(o, key, "")) return why;
  simdjson::dom::array evses;
  if (o["evses"].get_array().get(evses)) return std::nullopt;
  for (auto evse : evses) {
    simdjson::dom::object e;
    if (evse.get_object().get(e)) continue;
    if (auto why = check_id(e, "uid", "evses[].")) return why;
    simdjson::dom::array connectors;
    if (e["connectors"].get_array().get(connectors)) continue;
    for (auto connector : connectors) {
      simdjson::dom::object c;
      if (connector.get_object().get(c)) continue;
      if (auto why = check_id(c, "id", "evses[].connectors[].")) return why;
    }
  }
  return std::nullopt;
}

}  // namespace ocpi::proxy
