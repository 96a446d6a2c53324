#pragma once
// What the libFuzzer target (translate_fuzzer.cpp) and the bounded mutation test
// (tests/unit/mappings/mutation_test.cpp) share: how the first bytes of an input choose the
// translation, the fixture the translation runs in, and what counts as a clean outcome.
//
// Input layout: 3 header bytes, then the JSON body.
//   byte 0: object kind (modulo the number of kinds, in object_kind order)
//   byte 1: bit 0 direction (0 up, 1 down); bits 1-2 shape (0 object, 1 patch, 2 list, 3 = object);
//           bits 3-4 recipient of a down-conversion (0 hub, 1 legacy_cpo, 2 legacy_emsp, 3 = from
//           the legacy party's role); bits 5-6 legacy party (fixture index 0-2, 3 = none);
//           bit 7 alternate options (every non-default MAPPING §0.3 choice a translation reads)
//   byte 2: bits 0-1 owner (0 none, 1 the legacy party, 2 FR*EMP, 3 BE*BEC); bits 2-4 command
//           type from the URL (0 none, then START_SESSION ... UNLOCK_CONNECTOR, then bogus ones);
//           bit 5 authorize token uid given; bit 6 OCPI-from given; bit 7 unused
// tests/fuzz/make_corpus.py writes the same layout: keep the two in step.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "ocpi/mapping.hpp"
#include "ocpi/memory_context.hpp"

namespace ocpi::fuzz {

inline constexpr std::size_t header_size = 3;
inline constexpr std::size_t kind_count = static_cast<std::size_t>(object_kind::version_details) + 1;

struct selector {
  object_kind kind = object_kind::location;
  direction dir = direction::up;
  input_shape shape = input_shape::object;
  int recipient_choice = 3;  // 3: from the legacy party's role
  int party = 0;             // index into the fixture's legacy parties; 3 = no legacy party
  bool alternate_options = false;
  int owner = 0;
  int command = 0;
  bool token_uid = false;
  bool from = false;
};

inline selector decode(const std::uint8_t* h) {
  selector s;
  s.kind = static_cast<object_kind>(h[0] % kind_count);
  s.dir = (h[1] & 1U) ? direction::down : direction::up;
  const int shape = (h[1] >> 1) & 3;
  s.shape = shape == 1 ? input_shape::patch : shape == 2 ? input_shape::list : input_shape::object;
  s.recipient_choice = (h[1] >> 3) & 3;
  s.party = (h[1] >> 5) & 3;
  s.alternate_options = (h[1] & 0x80U) != 0;
  s.owner = h[2] & 3;
  s.command = (h[2] >> 2) & 7;
  s.token_uid = (h[2] & 0x20U) != 0;
  s.from = (h[2] & 0x40U) != 0;
  return s;
}

inline std::array<std::uint8_t, header_size> encode(const selector& s) {
  const int shape = s.shape == input_shape::patch ? 1 : s.shape == input_shape::list ? 2 : 0;
  return {
      static_cast<std::uint8_t>(s.kind),
      static_cast<std::uint8_t>((s.dir == direction::down ? 1 : 0) | shape << 1 | (s.recipient_choice & 3) << 3 |
                                (s.party & 3) << 5 | (s.alternate_options ? 0x80 : 0)),
      static_cast<std::uint8_t>((s.owner & 3) | (s.command & 7) << 2 | (s.token_uid ? 0x20 : 0) | (s.from ? 0x40 : 0))};
}

// MAPPING §6.0 fixture parties, as the golden suites use them: [0] CPO-A FR/CPO, [1] CPO-B BE/BEC,
// [2] EMSP-A FR/EMP.
inline mapping_options fixture_options(bool alternate) {
  mapping_options o;
  o.legacy.push_back({party_role::cpo, {"FR", "CPO"}, "Example CPO", "FR*CPO", "Europe/Paris", ""});
  o.legacy.push_back({party_role::cpo, {"BE", "BEC"}, "BeCharged", "BE*BEC", "Europe/Brussels", ""});
  o.legacy.push_back({party_role::emsp, {"FR", "EMP"}, "Example eMSP", "", "", ""});
  if (alternate) {
    // The other side of every choice a translation reads, so both branches are fuzzed.
    for (const auto& [k, v] : {std::pair{"emsp.location_id_mode", "OWNER_ID"},
                               {"emsp.operator_name_mode", "ORIGINAL"},
                               {"emsp.cdr_id_mode", "OWNER_ID"},
                               {"emsp.unpublish_action", "IGNORE"},
                               {"emsp.credit_cdr_action", "PARK"},
                               {"emsp.forward_signed_data", "false"},
                               {"cpo.token_issuer_mode", "ORIGINAL"},
                               {"cpo.tariff_patch_escalation", "FORWARD"},
                               {"cpo.cdr_token_fallback", "REJECT"},
                               {"locations.default_publish", "false"},
                               {"sessions.patch_strategy", "PATCH_DELTA"},
                               {"tariffs.start_date_time_source", "NONE"},
                               {"tariffs.emit_gireve_211_extensions", "false"},
                               {"tariffs.session_time_to_211", "true"},
                               {"commands.synthesize_timeout_callback", "false"},
                               {"commands.require_evse_uid", "false"},
                               {"ids.long_id_policy", "HASH"},
                               {"rfid.normalize_uppercase", "false"},
                               {"rfid.format_check", "REJECT"},
                               {"evse_id.prefix_check", "REJECT"},
                               {"advenir.enabled", "true"},
                               {"status.strict_211_codes", "false"},
                               {"time.strip_fraction_for_211", "true"},
                               {"strings.ascii_only_for_211", "true"}})
      if (auto e = o.set(k, v)) throw std::logic_error(*e);
  }
  return o;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every context file of the golden suite, loaded into one context: mutated ids then hit and miss
// the caches, the exposed-id map and the authorization map alike.
inline memory_context fixture_context(const std::filesystem::path& test_data, bool alternate) {
  memory_context ctx(fixture_options(alternate), "2024-06-01T12:00:00Z");
  for (const auto& e : std::filesystem::recursive_directory_iterator(test_data)) {
    const std::string name = e.path().filename().string();
    if (name.size() > 12 && name.compare(name.size() - 12, 12, "context.json") == 0) ctx.load(read_file(e.path()));
  }
  return ctx;
}

// The request a selector stands for; `ctx` must outlive it (legacy points into its options).
inline translate_request make_request(const selector& s, const memory_context& ctx) {
  static constexpr std::array<std::string_view, 8> commands{
      "", "START_SESSION", "STOP_SESSION", "RESERVE_NOW", "CANCEL_RESERVATION", "UNLOCK_CONNECTOR", "start_session",
      "X"};
  translate_request req;
  req.kind = s.kind;
  req.dir = s.dir;
  req.shape = s.shape;
  req.legacy = s.party < 3 ? &ctx.options().legacy[static_cast<std::size_t>(s.party)] : nullptr;
  if (s.owner == 1 && req.legacy) req.owner = req.legacy->id;
  if (s.owner == 2) req.owner = party{"FR", "EMP"};
  if (s.owner == 3) req.owner = party{"BE", "BEC"};
  if (s.dir == direction::down) {
    if (s.recipient_choice < 3)
      req.to = static_cast<recipient>(s.recipient_choice);
    else
      req.to = req.legacy && req.legacy->role == party_role::emsp ? recipient::legacy_emsp : recipient::legacy_cpo;
  }
  if (s.from) req.from = party{"FR", "CPO"};
  req.command = std::string(commands[static_cast<std::size_t>(s.command)]);
  if (s.token_uid) req.token_uid = "AAAAAA";
  return req;
}

// Empty when `r` is a clean outcome: translated into valid JSON (nlohmann's parser also rejects
// invalid UTF-8), suppressed with no body, or refused the way MAPPING §1.6 says: HTTP 400 or 413
// with 2000 for a body that is not JSON or too large, else HTTP 200 with a 2xxx client error or
// 3000 for what the bridge lacks (no legacy party, a cache miss to refresh, no configured timeout).
inline std::string check(const translation& r) {
  if (r.ok()) {
    if (r.suppressed) return r.body.empty() ? "" : "suppressed but a body was written";
    if (!nlohmann::json::accept(r.body)) return "ok but the output is not valid JSON: " + r.body.substr(0, 2000);
    return "";
  }
  const error& e = *r.err;
  if (!r.body.empty()) return "refused but a body was left: " + r.body.substr(0, 200);
  if (e.message.empty()) return "refused without a message";
  const bool framing = (e.http_status == 400 || e.http_status == 413) && e.status_code == status::client_error;
  const bool ocpi = e.http_status == 200 && ((e.status_code >= 2000 && e.status_code <= 2999) || e.status_code == 3000);
  if (!framing && !ocpi)
    return "unexpected refusal: HTTP " + std::to_string(e.http_status) + " status " + std::to_string(e.status_code) +
           " " + e.describe();
  return "";
}

}  // namespace ocpi::fuzz
