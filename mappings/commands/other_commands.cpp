// StopSession, ReserveNow, CancelReservation, UnlockConnector: MAPPING §3.3.3.
#include <array>
#include <charconv>
#include <cstdint>
#include <limits>

#include "commands/entries.hpp"
#include "tokens/id_rules.hpp"
#include "tokens/token_rules.hpp"

namespace ocpi::mappings::commands {

namespace {

using namespace tokens;  // id rows and the Token tables

constexpr field_rule response_url{.in = "response_url", .k = kind::string, .required = true, .max_len = 255, .section = "3.3.2"};

// --- StopSession: identical in both versions ------------------------------------------------

constexpr std::array stop_fields{
    response_url,
    field_rule{.in = "session_id", .k = kind::string, .required = true, .max_len = 36, .section = "3.3.3"},
};
const object_rules stop_up{"StopSession 2.1.1", stop_fields};
const object_rules stop_down{"StopSession 2.2.1", stop_fields};

// --- ReserveNow --------------------------------------------------------------------------------

// 2.1.1 int -> 2.2.1 CiString(36): its decimal text.
bool reservation_id_up(walk& w, const field_rule& r, od::value v, object_state&) {
  std::int64_t id;
  if (!w.read_int(v, {}, id)) return false;
  std::array<char, 24> buf{};
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), id);
  w.out.field(r.target(), std::string_view(buf.data(), static_cast<std::size_t>(res.ptr - buf.data())));
  return true;
}

// Canonical decimal (no sign but '-', no leading zero) that fits an int32: the reverse of the up
// rule, so the id IOP gets back in a later command is the one it sent.
bool canonical_int32(std::string_view s, std::int32_t& out) {
  const std::string_view digits = !s.empty() && s[0] == '-' ? s.substr(1) : s;
  if (digits.empty() || (digits[0] == '0' && (digits.size() > 1 || s.size() > 1))) return false;
  for (char c : digits)
    if (c < '0' || c > '9') return false;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), out);
  return res.ec == std::errc{} && res.ptr == s.data() + s.size();
}

// 2.2.1 CiString(36) -> 2.1.1 int. A non-numeric reference needs the persisted proxy allocation
// of §5.2 (monotonic int <-> reference), which belongs to the stateful id maps: refused for now.
bool reservation_id_down(walk& w, const field_rule& r, od::value v, object_state&) {
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  if (s.size() > 36) return w.fail(status::invalid_parameters, {}, "longer than 36 characters");
  std::int32_t id = 0;
  if (!canonical_int32(s, id))
    return w.fail(status::invalid_parameters, {},
                  "reservation_id '" + std::string(s) +
                      "' is not a 32-bit decimal integer; the proxy-allocated int of 3.3.3 (id map 5.2) is not "
                      "available yet");
  w.out.key(r.target());
  w.out.integer(id);
  return true;
}

constexpr std::array reserve_up_fields{
    response_url,
    field_rule{.in = "token", .k = kind::object, .required = true, .sub = &token_rules_up, .section = "3.3.3"},
    field_rule{.in = "expiry_date", .k = kind::datetime, .required = true, .section = "3.3.3"},
    field_rule{.in = "reservation_id", .k = kind::custom, .required = true, .fn = reservation_id_up, .section = "3.3.3"},
    field_rule{.in = "location_id", .k = kind::custom, .required = true, .fn = exposed_location_id_up, .section = "4.6"},
    field_rule{.in = "evse_uid", .k = kind::custom, .fn = long_id_up, .section = "1.9"},
};
constexpr std::array reserve_down_fields{
    response_url,
    field_rule{.in = "token", .k = kind::object, .required = true, .sub = &token_rules_down, .section = "3.3.3"},
    field_rule{.in = "expiry_date", .k = kind::datetime, .required = true, .section = "3.3.3"},
    field_rule{.in = "reservation_id", .k = kind::custom, .required = true, .fn = reservation_id_down, .section = "3.3.3"},
    field_rule{.in = "location_id", .k = kind::custom, .required = true, .fn = id_down, .section = "3.3.3"},
    field_rule{.in = "evse_uid", .k = kind::custom, .fn = id_down, .section = "3.3.3"},
    field_rule{.in = "authorization_reference", .k = kind::drop, .section = "4.1"},
};
const object_rules reserve_up{"ReserveNow 2.1.1", reserve_up_fields};
const object_rules reserve_down{"ReserveNow 2.2.1", reserve_down_fields};

// --- CancelReservation: 2.2.1 only --------------------------------------------------------------

// C3: a 2.1.1 CPO has no cancel command; the object is validated, then suppressed so the proxy
// answers IOP itself {"result":"NOT_SUPPORTED","timeout":0} (3.3.3).
bool cancel_down_end(walk& w, object_state& st) {
  st.drop = true;
  w.lost(loss_kind::dropped, {}, "no CancelReservation in 2.1.1: answered NOT_SUPPORTED by the proxy (3.3.3)");
  return true;
}

constexpr std::array cancel_fields{
    response_url,
    field_rule{.in = "reservation_id", .k = kind::string, .required = true, .max_len = 36, .section = "3.3.3"},
};
const object_rules cancel_down{"CancelReservation 2.2.1", cancel_fields, nullptr, cancel_down_end};

// --- UnlockConnector ----------------------------------------------------------------------------

constexpr std::array unlock_up_fields{
    response_url,
    field_rule{.in = "location_id", .k = kind::custom, .required = true, .fn = exposed_location_id_up, .section = "4.6"},
    field_rule{.in = "evse_uid", .k = kind::custom, .required = true, .fn = long_id_up, .section = "1.9"},
    field_rule{.in = "connector_id", .k = kind::string, .required = true, .max_len = 36, .section = "3.3.3"},
};
constexpr std::array unlock_down_fields{
    response_url,
    field_rule{.in = "location_id", .k = kind::custom, .required = true, .fn = id_down, .section = "3.3.3"},
    field_rule{.in = "evse_uid", .k = kind::custom, .required = true, .fn = id_down, .section = "3.3.3"},
    field_rule{.in = "connector_id", .k = kind::string, .required = true, .max_len = 36, .section = "3.3.3"},
};
const object_rules unlock_up{"UnlockConnector 2.1.1", unlock_up_fields};
const object_rules unlock_down{"UnlockConnector 2.2.1", unlock_down_fields};

}  // namespace

bool stop_session_up(walk& w, od::value root, bool* dropped) { return w.object(root, stop_up, nullptr, dropped); }
bool stop_session_down(walk& w, od::value root, bool* dropped) { return w.object(root, stop_down, nullptr, dropped); }
bool reserve_now_up(walk& w, od::value root, bool* dropped) { return w.object(root, reserve_up, nullptr, dropped); }
bool reserve_now_down(walk& w, od::value root, bool* dropped) { return w.object(root, reserve_down, nullptr, dropped); }
bool cancel_reservation_up(walk& w, od::value, bool*) {
  return w.fail(status::invalid_parameters, {}, "CancelReservation does not exist in OCPI 2.1.1 (3.3.3)");
}
bool cancel_reservation_down(walk& w, od::value root, bool* dropped) { return w.object(root, cancel_down, nullptr, dropped); }
bool unlock_connector_up(walk& w, od::value root, bool* dropped) { return w.object(root, unlock_up, nullptr, dropped); }
bool unlock_connector_down(walk& w, od::value root, bool* dropped) { return w.object(root, unlock_down, nullptr, dropped); }

}  // namespace ocpi::mappings::commands
