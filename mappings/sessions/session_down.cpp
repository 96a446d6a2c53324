// Session 2.2.1 -> 2.1.1, MAPPING §3.4.2 and §3.4.5. The three Location references are captured
// and the full 2.1.1 Location is rebuilt by the end hook from the Location cache (the owner is
// peeked by the begin hook when the URL does not give it).
#include <array>

#include "common/enums.hpp"
#include "sessions/charging_period.hpp"
#include "sessions/entries.hpp"
#include "sessions/location_211.hpp"
#include "sessions/token_resolution.hpp"
#include "tokens/id_rules.hpp"

namespace ocpi::mappings::sessions {

namespace {

enum slot_ix { cc_slot, pid_slot, location_slot, evse_slot, connector_slot, id_slot };

bool begin_down(walk& w, object_state& st) {
  if (!w.req.owner && (!peek_string(w, st, "country_code", st.slot[cc_slot]) ||
                       !peek_string(w, st, "party_id", st.slot[pid_slot])))
    return false;
  return !w.patch() || peek_string(w, st, "id", st.slot[id_slot]);
}

bool capture(walk& w, od::value v, std::size_t max, std::string_view& into) {
  bool null;
  if (!null_value(w, v, null) || null) return !w.failed();
  if (!w.read_string(v, {}, into)) return false;
  if (into.size() > max) return w.fail(status::invalid_parameters, {}, "longer than " + std::to_string(max) + " characters");
  return true;
}

// Owner fields: used for the cache lookups, not emitted (they are in the 2.1.1 URL).
bool country_code_down(walk& w, const field_rule&, od::value v, object_state& st) { return capture(w, v, 2, st.slot[cc_slot]); }
bool party_id_down(walk& w, const field_rule&, od::value v, object_state& st) { return capture(w, v, 3, st.slot[pid_slot]); }
bool location_id_down(walk& w, const field_rule&, od::value v, object_state& st) { return capture(w, v, 36, st.slot[location_slot]); }
bool evse_uid_down(walk& w, const field_rule&, od::value v, object_state& st) { return capture(w, v, 36, st.slot[evse_slot]); }
bool connector_id_down(walk& w, const field_rule&, od::value v, object_state& st) { return capture(w, v, 36, st.slot[connector_slot]); }

bool token_field(walk& w, std::string_view k, od::value v, std::string_view& contract_id) {
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  const std::size_t max = k == "country_code" ? 2 : k == "party_id" ? 3 : 36;
  if (s.size() > max) return w.fail(status::invalid_parameters, {}, "longer than " + std::to_string(max) + " characters");
  if (k == "type" && !enums::token_type_down.find(s)) return w.fail(status::invalid_parameters, {}, "'" + std::string(s) + "' is not a valid TokenType");
  if (k == "contract_id") contract_id = s;
  return true;
}

}  // namespace

// CdrToken -> auth_id = contract_id (§3.4.2); shared with CDRs.
bool cdr_token_down(walk& w, const field_rule&, od::value v, object_state&) {
  bool null;
  if (!null_value(w, v, null) || null) return !w.failed();
  od::object obj;
  if (auto ec = v.get_object().get(obj)) return w.fail_json({}, ec);
  std::string_view contract_id;
  for (auto f : obj) {
    std::string_view k;
    if (auto ec = f.unescaped_key().get(k)) return w.fail_json({}, ec);
    od::value fv = f.value();
    bool is_null = false;
    if (auto ec = fv.is_null().get(is_null)) return w.fail_json(k, ec);
    if (is_null) continue;
    if (k != "country_code" && k != "party_id" && k != "uid" && k != "type" && k != "contract_id") {
      w.lost(loss_kind::dropped, k, "unknown field in CdrToken (0.2)");
      continue;
    }
    w.push(k);
    const bool ok = token_field(w, k, fv, contract_id);
    w.pop();
    if (!ok) return false;
  }
  if (contract_id.empty()) return w.fail(status::invalid_parameters, "contract_id", "missing mandatory field (3.4.3)");
  w.out.field("auth_id", contract_id);
  w.lost(loss_kind::dropped, {}, "only contract_id crosses (auth_id): token owner, uid and type dropped (3.4.2)");
  return true;
}

// COMMAND has no 2.1.1 value (§3.4.2); shared with CDRs.
bool auth_method_down(walk& w, const field_rule&, od::value v, object_state&) {
  bool null;
  if (!null_value(w, v, null) || null) return !w.failed();
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  const enum_value* e = enums::auth_method_down.find(s);
  if (!e) return w.fail(status::invalid_parameters, {}, "'" + std::string(s) + "' is not a valid AuthMethod");
  if (e->to != s) w.lost(loss_kind::derived, {}, std::string(s) + " written as " + std::string(e->to) + " (3.4.2)");
  w.out.field("auth_method", e->to);
  return true;
}

// A reference the proxy hashed (over-long 2.1.1 value, §4.1) gets its original back; shared.
bool authorization_reference_down(walk& w, const field_rule&, od::value v, object_state&) {
  bool null;
  if (!null_value(w, v, null) || null) return !w.failed();
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  if (s.size() > 36) return w.fail(status::invalid_parameters, {}, "longer than 36 characters");
  if (!tokens::authorization_id_wanted(w)) return true;
  if (const auto original = w.ctx.original_of_hash(s)) w.out.field("authorization_id", *original);
  else w.out.field("authorization_id", s);
  return true;
}

namespace {

bool status_down(walk& w, const field_rule&, od::value v, object_state&) {
  bool null;
  if (!null_value(w, v, null) || null) return !w.failed();
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  if (s == "RESERVATION") {
    w.lost(loss_kind::derived, {}, "RESERVATION written as PENDING (3.4.2)");
    s = "PENDING";
  } else if (s != "ACTIVE" && s != "COMPLETED" && s != "INVALID" && s != "PENDING") {
    return w.fail(status::invalid_parameters, {}, "'" + std::string(s) + "' is not a valid SessionStatus");
  }
  w.out.field("status", s);
  return true;
}

bool total_cost_down(walk& w, const field_rule&, od::value v, object_state&) {
  bool null;
  if (!null_value(w, v, null) || null) return !w.failed();
  return price_down(w, "total_cost", v);
}

// 2.2.1 PATCH periods are appended by the receiver; the stateful merge into the whole 2.1.1 list
// is the proxy's (§3.4.6, see NOTES.md). Here the periods present are translated.
bool periods_down(walk& w, const field_rule&, od::value v, object_state& st) {
  int kept = 0;
  return charging_periods(w, v, st, false, false, kept);
}

// In a PATCH the references may come alone: the others are taken from the cached Session.
bool complete_references(walk& w, const party& owner, object_state& st, std::string& storage) {
  if (!st.slot[location_slot].empty() && !st.slot[evse_slot].empty() && !st.slot[connector_slot].empty()) return true;
  thread_local side_parser parser;
  const auto cached = st.slot[id_slot].empty() ? std::nullopt : w.ctx.session(owner, st.slot[id_slot]);
  simdjson::dom::element s;
  if (cached && !parser.parse(*cached, s)) {
    std::string_view l, e, c;
    if (s["location_id"].get(l)) l = {};
    if (s["evse_uid"].get(e)) e = {};
    if (s["connector_id"].get(c)) c = {};
    storage.append(l).append(e).append(c);
    const std::string_view all = storage;
    if (st.slot[location_slot].empty()) st.slot[location_slot] = all.substr(0, l.size());
    if (st.slot[evse_slot].empty()) st.slot[evse_slot] = all.substr(l.size(), e.size());
    if (st.slot[connector_slot].empty()) st.slot[connector_slot] = all.substr(l.size() + e.size());
  }
  return !st.slot[location_slot].empty() && !st.slot[evse_slot].empty() && !st.slot[connector_slot].empty();
}

bool end_down(walk& w, object_state& st) {
  if (!st.has("location_id") && !st.has("evse_uid") && !st.has("connector_id")) return true;
  const party owner = down_owner(w, st, cc_slot, pid_slot);
  std::string storage;
  if (!complete_references(w, owner, st, storage)) {
    w.lost(loss_kind::warning, "location_id", "partial Location reference without a cached Session: not forwarded (3.4.6)");
    return true;
  }
  location_211_args a{owner, st.slot[location_slot], st.slot[evse_slot], st.slot[connector_slot]};
  return write_location_211(w, "location_id", a);
}

constexpr std::array down_fields{
    field_rule{.in = "country_code", .k = kind::custom, .required = true, .fn = country_code_down, .section = "3.4.2"},
    field_rule{.in = "party_id", .k = kind::custom, .required = true, .fn = party_id_down, .section = "3.4.2"},
    field_rule{.in = "id", .k = kind::string, .required = true, .max_len = 36, .section = "3.4.2"},
    field_rule{.in = "start_date_time", .out = "start_datetime", .k = kind::datetime, .required = true, .section = "3.4.2"},
    field_rule{.in = "end_date_time", .out = "end_datetime", .k = kind::datetime, .section = "3.4.2"},
    field_rule{.in = "kwh", .k = kind::number, .required = true, .section = "3.4.2"},
    field_rule{.in = "cdr_token", .k = kind::custom, .required = true, .fn = cdr_token_down, .section = "3.4.2"},
    field_rule{.in = "auth_method", .k = kind::custom, .required = true, .fn = auth_method_down, .section = "3.4.2"},
    field_rule{.in = "authorization_reference", .k = kind::custom, .fn = authorization_reference_down, .section = "4.1"},
    field_rule{.in = "location_id", .k = kind::custom, .required = true, .fn = location_id_down, .section = "3.4.5"},
    field_rule{.in = "evse_uid", .k = kind::custom, .required = true, .fn = evse_uid_down, .section = "3.4.5"},
    field_rule{.in = "connector_id", .k = kind::custom, .required = true, .fn = connector_id_down, .section = "3.4.5"},
    field_rule{.in = "meter_id", .k = kind::string, .max_len = 255, .section = "3.4.2"},
    field_rule{.in = "currency", .k = kind::string, .required = true, .max_len = 3, .section = "3.4.2"},
    field_rule{.in = "charging_periods", .k = kind::custom, .fn = periods_down, .section = "3.5.5"},
    field_rule{.in = "total_cost", .k = kind::custom, .fn = total_cost_down, .section = "3.4.2"},
    field_rule{.in = "status", .k = kind::custom, .required = true, .fn = status_down, .section = "3.4.2"},
    field_rule{.in = "last_updated", .k = kind::datetime, .required = true, .section = "3.4.2"},
};

}  // namespace

const object_rules session_rules_down{"Session 2.2.1", down_fields, begin_down, end_down};

bool session_down(walk& w, od::value root, bool* dropped) { return w.object(root, session_rules_down, nullptr, dropped); }

}  // namespace ocpi::mappings::sessions
