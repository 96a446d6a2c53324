#pragma once
// Every MAPPING §0.3 configuration key the translations read, with the documented defaults (the
// defaults are what the §6 test vectors assume). Loaded from the bridge config, or set one by one
// with `ocpi-bridge translate --set KEY=VALUE`.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ocpi {

enum class party_role { cpo, emsp, hub };

struct party {
  std::string country_code;  // CiString(2)
  std::string party_id;      // CiString(3)

  std::string emi3() const { return country_code + "*" + party_id; }  // "FR*CPO"
  bool same(const party& o) const;                                     // case-insensitive
};

// One legacy 2.1.1 connection (MAPPING §0.3 `legacy[*].*`).
struct legacy_party {
  party_role role = party_role::cpo;
  party id;
  std::string business_name;
  std::string operator_id;  // eMI3 operator id for the evse_id prefix rule; empty = CC*PID
  std::string default_time_zone;
  std::string default_owner_name;
  // Gireve's 2.1.1 `authorization_id` (§4.1) in the Sessions, CDRs, AuthorizationInfo and
  // StartSession this party receives; off for strict 2.1.1 stacks that refuse unknown fields.
  bool authorization_id_extension = true;

  std::string effective_operator_id() const { return operator_id.empty() ? id.emi3() : operator_id; }
};

struct advenir_token {
  std::string country_code = "$$";
  std::string party_id = "ADV";
  std::string uid = "12345671234567";
  std::string type = "RFID";
  std::string contract_id = "Gireve2Advenir";
};

struct mapping_options {
  party iop{"FR", "107"};
  std::string iop_business_name = "GIREVE";

  std::string routing_directed_to = "HUB";             // HUB | OWNER
  std::string routing_single_party_pull = "TO_HEADER";  // TO_HEADER | FILTER
  std::string emsp_location_id_mode = "GIREVE_ID";      // GIREVE_ID | OWNER_ID
  std::string emsp_operator_name_mode = "EMI3_PARTY";   // EMI3_PARTY | ORIGINAL
  std::string emsp_cdr_id_mode = "PREFIXED";            // PREFIXED | OWNER_ID
  std::string emsp_unpublish_action = "REMOVE_EVSES";   // REMOVE_EVSES | IGNORE
  std::string emsp_credit_cdr_action = "FORWARD";       // FORWARD | PARK
  bool emsp_forward_signed_data = true;
  std::string cpo_token_issuer_mode = "EMI3_PARTY";        // EMI3_PARTY | ORIGINAL
  std::string cpo_tariff_patch_escalation = "EVSE_PUT";    // EVSE_PUT | FORWARD
  std::string cpo_cdr_token_fallback = "DERIVE";           // DERIVE | REJECT
  bool locations_status_dedup = true;
  bool locations_default_publish = true;
  std::string sessions_patch_strategy = "PUT_MERGED";  // PUT_MERGED | PATCH_DELTA
  std::string tariffs_default_type = "REGULAR";
  std::string tariffs_start_date_time_source = "LAST_UPDATED";  // LAST_UPDATED | NONE
  bool tariffs_emit_gireve_211_extensions = true;
  bool tariffs_session_time_to_211 = false;
  std::map<std::string, int> commands_timeout_s{{"START_SESSION", 120},   {"STOP_SESSION", 60},
                                                {"RESERVE_NOW", 60},     {"CANCEL_RESERVATION", 60},
                                                {"UNLOCK_CONNECTOR", 60}};
  std::vector<std::string> commands_iop_supported{"START_SESSION", "STOP_SESSION"};
  bool commands_synthesize_timeout_callback = true;
  bool commands_require_evse_uid = true;
  std::string sf_mode = "HYBRID";            // HYBRID | SYNC | QUEUE_ALWAYS
  std::int64_t sf_max_entries = 100000;      // queued requests, all queues (0 = no limit)
  std::int64_t sf_max_age_s = 604800;        // oldest request of the queue a new one joins (0 = no limit)
  // A head IOP keeps answering with something unusable (not an outage: see store_forward.cpp)
  // goes to the dead letters after this many answers in a row or this long (0 = never).
  std::int64_t sf_head_max_attempts = 10;
  std::int64_t sf_head_max_failing_s = 3600;
  std::int64_t sf_retry_initial_ms = 1000;   // first back-off; doubles per failure (§4.14)
  std::int64_t sf_retry_max_ms = 300000;     // back-off ceiling
  std::string ids_long_id_policy = "REJECT";  // REJECT | HASH
  bool rfid_normalize_uppercase = true;
  std::string rfid_format_check = "WARN";      // WARN | REJECT
  std::string evse_id_prefix_check = "WARN";   // WARN | REJECT
  bool advenir_enabled = false;
  std::string advenir_marker_auth_id = "Gireve2Advenir";
  advenir_token advenir_cdr_token;
  bool cache_warmup_on_start = true;
  bool status_strict_211_codes = true;
  bool time_strip_fraction_for_211 = false;
  bool strings_ascii_only_for_211 = false;

  std::vector<legacy_party> legacy;

  // Applies one `KEY=VALUE` pair (MAPPING §0.3 key names). `legacy[*].x` keys apply to
  // `default_party` when given (the CLI's --party), else to every configured legacy party.
  // Returns an error message, or nothing on success.
  std::optional<std::string> set(const std::string& key, const std::string& value,
                                 legacy_party* default_party = nullptr);

  const legacy_party* find_legacy(const party& p) const;
};

}  // namespace ocpi
