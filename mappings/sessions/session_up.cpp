// Session 2.1.1 -> 2.2.1, MAPPING §3.4.2. Structural rows: `location` -> three ids, `auth_id` ->
// `cdr_token` (§3.4.4), `total_cost` -> Price. The token, the auth_method upgrade and the EVSE
// fallback all need the authorization map record, so they are written by the end hook from
// values the rows captured (slots) and the begin hook peeked (authorization_id, id).
#include <array>

#include "common/enums.hpp"
#include "sessions/charging_period.hpp"
#include "sessions/entries.hpp"
#include "sessions/legacy_location.hpp"
#include "sessions/token_resolution.hpp"

namespace ocpi::mappings::sessions {

namespace {

enum slot_ix { auth_id_slot, auth_method_slot, authorization_slot, id_slot, evse_slot, connector_slot };
constexpr std::uint32_t location_seen = 1;

#define SAME(v) enum_value{v, v}
constexpr std::array status_211{SAME("ACTIVE"), SAME("COMPLETED"), SAME("INVALID"), SAME("PENDING")};
#undef SAME
constexpr enum_map session_status_up{"SessionStatus", status_211};

bool begin_up(walk& w, object_state& st) {
  const auto owner = up_owner(w);
  if (!owner) return w.fail(status::server_error, {}, "session owner unknown: no URL owner and no legacy party");
  if (!w.patch()) {
    w.out.field("country_code", owner->country_code);
    w.out.field("party_id", owner->party_id);
  }
  return peek_string(w, st, "authorization_id", st.slot[authorization_slot]) && peek_string(w, st, "id", st.slot[id_slot]);
}

// The id of a PATCH is in the URL; 2.2.1 PATCH bodies carry no identifier (§3.4.6).
bool id_up(walk& w, const field_rule&, od::value v, object_state&) {
  bool null;
  if (!null_value(w, v, null) || null) return !w.failed();
  std::string_view id;
  if (!w.read_string(v, {}, id)) return false;
  if (id.size() > 36) return w.fail(status::invalid_parameters, {}, "longer than 36 characters");
  if (!w.patch()) w.out.field("id", id);
  return true;
}

// Captured for the end hook: resolved there with the authorization map (§3.4.4).
bool capture_string(walk& w, od::value v, std::string_view& into) {
  bool null;
  if (!null_value(w, v, null) || null) return !w.failed();
  if (!w.read_string(v, {}, into)) return false;
  if (into.size() > 36) return w.fail(status::invalid_parameters, {}, "longer than 36 characters");
  return true;
}

bool auth_id_up(walk& w, const field_rule&, od::value v, object_state& st) {
  return capture_string(w, v, st.slot[auth_id_slot]);
}

// A longer reference from a legacy CPO can only be corruption: it echoes what it received (§4.1).
bool authorization_id_up(walk& w, const field_rule&, od::value v, object_state& st) {
  return capture_string(w, v, st.slot[authorization_slot]);
}

bool auth_method_up(walk& w, const field_rule&, od::value v, object_state& st) {
  bool null;
  if (!null_value(w, v, null) || null) return !w.failed();
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  if (!enums::auth_method_up.find(s)) return w.fail(status::invalid_parameters, {}, "'" + std::string(s) + "' is not a valid AuthMethod");
  st.slot[auth_method_slot] = s;
  return true;
}

bool location_up(walk& w, const field_rule&, od::value v, object_state& st) {
  bool null;
  if (!null_value(w, v, null) || null) return !w.failed();
  legacy_location loc;
  if (!read_legacy_location(w, v, loc)) return false;
  w.out.field("location_id", loc.id);
  st.slot[evse_slot] = loc.evse_uid;
  st.slot[connector_slot] = loc.connector_id;
  st.flags |= location_seen;
  return true;
}

bool total_cost_up(walk& w, const field_rule&, od::value v, object_state&) {
  bool null;
  if (!null_value(w, v, null) || null) return !w.failed();
  return price_up(w, "total_cost", v);
}

bool periods_up(walk& w, const field_rule&, od::value v, object_state& st) {
  int kept = 0;
  return charging_periods(w, v, st, true, false, kept);
}

// PATCH without authorization_id: the reference of the cached Session (base of §3.4.6).
std::string cached_reference(walk& w, const party& owner, const object_state& st, std::optional<std::string>& session) {
  if (!st.slot[id_slot].empty()) session = w.ctx.session(owner, st.slot[id_slot]);
  if (!session || !w.patch() || !st.slot[authorization_slot].empty()) return std::string(st.slot[authorization_slot]);
  thread_local side_parser parser;
  simdjson::dom::element e;
  std::string_view ref;
  if (parser.parse(*session, e) || e["authorization_reference"].get(ref)) return {};
  return std::string(ref);
}

bool end_up(walk& w, object_state& st) {
  const party owner = *up_owner(w);
  std::optional<std::string> session;
  const std::string reference = cached_reference(w, owner, st, session);
  const auto auth = find_authorization(w, owner, reference);
  if (!write_token_fields(w, st.slot[auth_id_slot], st.slot[auth_method_slot], st.slot[authorization_slot], auth))
    return false;
  if (st.flags & location_seen) {
    std::string_view evse = st.slot[evse_slot], connector = st.slot[connector_slot];
    std::string storage;
    if (!complete_location_ids(w, "location", auth, session ? std::string_view(*session) : std::string_view{}, evse,
                               connector, storage))
      return false;
    w.out.field("evse_uid", evse);
    w.out.field("connector_id", connector);
  }
  if (w.patch() && !st.has("last_updated")) {  // mandatory in a 2.2.1 PATCH (§1.8.4)
    w.out.field("last_updated", w.ctx.now());
    w.lost(loss_kind::defaulted, "last_updated", "PATCH without last_updated: receive time used (1.8.4)");
  }
  return true;
}

constexpr std::array up_fields{
    field_rule{.in = "id", .k = kind::custom, .required = true, .fn = id_up, .section = "3.4.2"},
    field_rule{.in = "start_datetime", .out = "start_date_time", .k = kind::datetime, .required = true, .section = "3.4.2"},
    field_rule{.in = "end_datetime", .out = "end_date_time", .k = kind::datetime, .section = "3.4.2"},
    field_rule{.in = "kwh", .k = kind::number, .required = true, .section = "3.4.2"},
    field_rule{.in = "auth_id", .k = kind::custom, .required = true, .fn = auth_id_up, .section = "3.4.4"},
    field_rule{.in = "auth_method", .k = kind::custom, .required = true, .fn = auth_method_up, .section = "3.4.2"},
    field_rule{.in = "authorization_id", .out = "authorization_reference", .k = kind::custom, .fn = authorization_id_up, .section = "4.1"},
    field_rule{.in = "location", .k = kind::custom, .required = true, .fn = location_up, .section = "3.4.2"},
    field_rule{.in = "meter_id", .k = kind::string, .max_len = 255, .section = "3.4.2"},
    field_rule{.in = "currency", .k = kind::string, .required = true, .max_len = 3, .section = "3.4.2"},
    field_rule{.in = "charging_periods", .k = kind::custom, .fn = periods_up, .section = "3.5.5"},
    field_rule{.in = "total_cost", .k = kind::custom, .fn = total_cost_up, .section = "3.4.2"},
    field_rule{.in = "status", .k = kind::enumeration, .required = true, .enums = &session_status_up, .section = "3.4.2"},
    field_rule{.in = "last_updated", .k = kind::datetime, .required = true, .section = "3.4.2"},
};

}  // namespace

const object_rules session_rules_up{"Session 2.1.1", up_fields, begin_up, end_up};

bool session_up(walk& w, od::value root, bool* dropped) { return w.object(root, session_rules_up, nullptr, dropped); }

}  // namespace ocpi::mappings::sessions
