// mapping_options::set — the `KEY=VALUE` form of every MAPPING §0.3 key, shared by the config
// loader and `ocpi-bridge translate --set`.
#include <charconv>
#include <functional>
#include <map>

#include "common/text.hpp"
#include "ocpi/options.hpp"

namespace ocpi {

bool party::same(const party& o) const {
  return mappings::iequals(country_code, o.country_code) && mappings::iequals(party_id, o.party_id);
}

const legacy_party* mapping_options::find_legacy(const party& p) const {
  for (const auto& l : legacy)
    if (l.id.same(p)) return &l;
  return nullptr;
}

namespace {

using setter = std::function<std::optional<std::string>(mapping_options&, const std::string&)>;

std::optional<std::string> parse_bool(const std::string& v, bool& out) {
  if (v == "true" || v == "1") out = true;
  else if (v == "false" || v == "0") out = false;
  else return "expected true or false, got '" + v + "'";
  return std::nullopt;
}

setter flag(bool mapping_options::*m) {
  return [m](mapping_options& o, const std::string& v) { return parse_bool(v, o.*m); };
}

setter choice(std::string mapping_options::*m, std::vector<std::string> allowed) {
  return [m, allowed](mapping_options& o, const std::string& v) -> std::optional<std::string> {
    for (const auto& a : allowed)
      if (a == v) {
        o.*m = v;
        return std::nullopt;
      }
    std::string msg = "expected one of";
    for (const auto& a : allowed) msg += " " + a;
    return msg + ", got '" + v + "'";
  };
}

// A non-negative integer (counts, durations).
setter count(std::int64_t mapping_options::*m) {
  return [m](mapping_options& o, const std::string& v) -> std::optional<std::string> {
    std::int64_t n = 0;
    const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || ec != std::errc{} || ptr != v.data() + v.size() || n < 0)
      return "expected a non-negative integer, got '" + v + "'";
    o.*m = n;
    return std::nullopt;
  };
}

setter text(std::string mapping_options::*m) {
  return [m](mapping_options& o, const std::string& v) -> std::optional<std::string> {
    o.*m = v;
    return std::nullopt;
  };
}

std::vector<std::string> split_list(const std::string& v) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : v) {
    if (c == ',' || c == '[' || c == ']' || c == ' ') {
      if (!cur.empty()) out.push_back(cur), cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

const std::map<std::string, setter>& global_keys() {
  static const std::map<std::string, setter> keys{
      {"iop.country_code", [](mapping_options& o, const std::string& v) { o.iop.country_code = v; return std::optional<std::string>{}; }},
      {"iop.party_id", [](mapping_options& o, const std::string& v) { o.iop.party_id = v; return std::optional<std::string>{}; }},
      {"iop.business_name", text(&mapping_options::iop_business_name)},
      {"routing.directed_to", choice(&mapping_options::routing_directed_to, {"HUB", "OWNER"})},
      {"routing.single_party_pull", choice(&mapping_options::routing_single_party_pull, {"TO_HEADER", "FILTER"})},
      {"emsp.location_id_mode", choice(&mapping_options::emsp_location_id_mode, {"GIREVE_ID", "OWNER_ID"})},
      {"emsp.operator_name_mode", choice(&mapping_options::emsp_operator_name_mode, {"EMI3_PARTY", "ORIGINAL"})},
      {"emsp.cdr_id_mode", choice(&mapping_options::emsp_cdr_id_mode, {"PREFIXED", "OWNER_ID"})},
      {"emsp.unpublish_action", choice(&mapping_options::emsp_unpublish_action, {"REMOVE_EVSES", "IGNORE"})},
      {"emsp.credit_cdr_action", choice(&mapping_options::emsp_credit_cdr_action, {"FORWARD", "PARK"})},
      {"emsp.forward_signed_data", flag(&mapping_options::emsp_forward_signed_data)},
      {"cpo.token_issuer_mode", choice(&mapping_options::cpo_token_issuer_mode, {"EMI3_PARTY", "ORIGINAL"})},
      {"cpo.tariff_patch_escalation", choice(&mapping_options::cpo_tariff_patch_escalation, {"EVSE_PUT", "FORWARD"})},
      {"cpo.cdr_token_fallback", choice(&mapping_options::cpo_cdr_token_fallback, {"DERIVE", "REJECT"})},
      {"locations.status_dedup", flag(&mapping_options::locations_status_dedup)},
      {"locations.default_publish", flag(&mapping_options::locations_default_publish)},
      {"sessions.patch_strategy", choice(&mapping_options::sessions_patch_strategy, {"PUT_MERGED", "PATCH_DELTA"})},
      {"tariffs.default_type", choice(&mapping_options::tariffs_default_type, {"REGULAR", "AD_HOC_PAYMENT", "PROFILE_CHEAP", "PROFILE_FAST", "PROFILE_GREEN"})},
      {"tariffs.start_date_time_source", choice(&mapping_options::tariffs_start_date_time_source, {"LAST_UPDATED", "NONE"})},
      {"tariffs.emit_gireve_211_extensions", flag(&mapping_options::tariffs_emit_gireve_211_extensions)},
      {"tariffs.session_time_to_211", flag(&mapping_options::tariffs_session_time_to_211)},
      {"commands.iop_supported", [](mapping_options& o, const std::string& v) { o.commands_iop_supported = split_list(v); return std::optional<std::string>{}; }},
      {"commands.timeout_s", [](mapping_options& o, const std::string& v) -> std::optional<std::string> {
         for (const auto& item : split_list(v)) {
           const auto colon = item.find(':');
           int seconds = 0;
           if (colon == std::string::npos ||
               std::from_chars(item.data() + colon + 1, item.data() + item.size(), seconds).ec != std::errc{})
             return "expected COMMAND:SECONDS[,...], got '" + item + "'";
           o.commands_timeout_s[item.substr(0, colon)] = seconds;
         }
         return std::nullopt;
       }},
      {"commands.synthesize_timeout_callback", flag(&mapping_options::commands_synthesize_timeout_callback)},
      {"commands.require_evse_uid", flag(&mapping_options::commands_require_evse_uid)},
      {"sf.mode", choice(&mapping_options::sf_mode, {"HYBRID", "SYNC", "QUEUE_ALWAYS"})},
      {"sf.max_entries", count(&mapping_options::sf_max_entries)},
      {"sf.max_age_s", count(&mapping_options::sf_max_age_s)},
      {"sf.head_max_attempts", count(&mapping_options::sf_head_max_attempts)},
      {"sf.head_max_failing_s", count(&mapping_options::sf_head_max_failing_s)},
      {"sf.retry_initial_ms", count(&mapping_options::sf_retry_initial_ms)},
      {"sf.retry_max_ms", count(&mapping_options::sf_retry_max_ms)},
      {"ids.long_id_policy", choice(&mapping_options::ids_long_id_policy, {"REJECT", "HASH"})},
      {"rfid.normalize_uppercase", flag(&mapping_options::rfid_normalize_uppercase)},
      {"rfid.format_check", choice(&mapping_options::rfid_format_check, {"WARN", "REJECT"})},
      {"evse_id.prefix_check", choice(&mapping_options::evse_id_prefix_check, {"WARN", "REJECT"})},
      {"advenir.enabled", flag(&mapping_options::advenir_enabled)},
      {"advenir.marker_auth_id", text(&mapping_options::advenir_marker_auth_id)},
      {"advenir.cdr_token.country_code", [](mapping_options& o, const std::string& v) { o.advenir_cdr_token.country_code = v; return std::optional<std::string>{}; }},
      {"advenir.cdr_token.party_id", [](mapping_options& o, const std::string& v) { o.advenir_cdr_token.party_id = v; return std::optional<std::string>{}; }},
      {"advenir.cdr_token.uid", [](mapping_options& o, const std::string& v) { o.advenir_cdr_token.uid = v; return std::optional<std::string>{}; }},
      {"advenir.cdr_token.type", [](mapping_options& o, const std::string& v) { o.advenir_cdr_token.type = v; return std::optional<std::string>{}; }},
      {"advenir.cdr_token.contract_id", [](mapping_options& o, const std::string& v) { o.advenir_cdr_token.contract_id = v; return std::optional<std::string>{}; }},
      {"cache.warmup_on_start", flag(&mapping_options::cache_warmup_on_start)},
      {"status.strict_211_codes", flag(&mapping_options::status_strict_211_codes)},
      {"time.strip_fraction_for_211", flag(&mapping_options::time_strip_fraction_for_211)},
      {"strings.ascii_only_for_211", flag(&mapping_options::strings_ascii_only_for_211)},
  };
  return keys;
}

std::optional<std::string> set_legacy(legacy_party& p, const std::string& key, const std::string& v) {
  if (key == "role") {
    if (v == "CPO") p.role = party_role::cpo;
    else if (v == "EMSP") p.role = party_role::emsp;
    else return "role: expected CPO or EMSP, got '" + v + "'";
  } else if (key == "country_code") p.id.country_code = v;
  else if (key == "party_id") p.id.party_id = v;
  else if (key == "business_name") p.business_name = v;
  else if (key == "operator_id") p.operator_id = v;
  else if (key == "default_time_zone") p.default_time_zone = v;
  else if (key == "default_owner_name") p.default_owner_name = v;
  else if (key == "authorization_id_extension") {
    if (auto err = parse_bool(v, p.authorization_id_extension)) return key + ": " + *err;
  } else return "unknown key legacy[*]." + key;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> mapping_options::set(const std::string& key, const std::string& value,
                                                legacy_party* default_party) {
  std::string k = key;
  if (k.rfind("legacy[*].", 0) == 0) k = k.substr(10);
  if (auto it = global_keys().find(key); it != global_keys().end()) {
    if (auto err = it->second(*this, value)) return key + ": " + *err;
    return std::nullopt;
  }
  // Not a global key: a per-legacy-party key, with or without its `legacy[*].` prefix.
  if (default_party) return set_legacy(*default_party, k, value);
  if (legacy.empty()) return "unknown key " + key;
  for (auto& p : legacy)
    if (auto err = set_legacy(p, k, value)) return err;
  return std::nullopt;
}

}  // namespace ocpi
