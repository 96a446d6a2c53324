// StartSession, MAPPING §3.3.3 (+ §4.8 evse_uid/connector_id, §4.6 exposed Location ids, §4.1).
#include <array>

#include "commands/entries.hpp"
#include "common/text.hpp"
#include "tokens/id_rules.hpp"
#include "tokens/token_rules.hpp"

namespace ocpi::mappings::commands {

namespace {

using namespace tokens;  // id rows and the Token tables

// object_state slots: slot 0 is the exposed Location id (exposed_location_id_up).
enum : std::size_t { slot_location = 0, slot_evse = 1, slot_connector = 2 };

// The EVSEs of a cached 2.2.1 Location (thread-local side parser: views valid until next parse).
struct cached_location {
  simdjson::dom::array evses;
  bool ok = false;
};

cached_location load_location(const mapping_context& ctx, const party& owner, std::string_view id) {
  thread_local side_parser parser;
  cached_location c;
  const auto text = ctx.location(owner, id);
  simdjson::dom::element loc;
  c.ok = text && !parser.parse(*text, loc) && !loc["evses"].get(c.evses);
  return c;
}

bool is_removed(simdjson::dom::element evse) {
  std::string_view status;
  return !evse["status"].get(status) && status == "REMOVED";
}

bool find_evse(const cached_location& c, std::string_view uid, simdjson::dom::element& out) {
  if (!c.ok) return false;
  for (auto e : c.evses) {
    std::string_view u;
    if (!e["uid"].get(u) && iequals(u, uid)) {
      out = e;
      return true;
    }
  }
  return false;
}

std::size_t connector_count(simdjson::dom::element evse, std::string_view* first_id) {
  simdjson::dom::array connectors;
  if (evse["connectors"].get(connectors)) return 0;
  std::size_t n = 0;
  for (auto c : connectors) {
    if (n == 0 && first_id && c["id"].get(*first_id)) *first_id = {};
    ++n;
  }
  return n;
}

bool has_capability(simdjson::dom::element evse, std::string_view cap) {
  simdjson::dom::array caps;
  if (evse["capabilities"].get(caps)) return false;
  for (auto c : caps) {
    std::string_view s;
    if (!c.get(s) && s == cap) return true;
  }
  return false;
}

// --- up (C1: legacy eMSP -> IOP) ------------------------------------------------------------

bool evse_uid_up(walk& w, const field_rule& r, od::value v, object_state& st) {
  std::string_view uid;
  if (!w.read_string(v, {}, uid)) return false;
  st.slot[slot_evse] = uid;
  return write_long_id_up(w, {}, r.target(), uid);
}

// §4.8: Gireve needs evse_uid (filled when the Location has one EVSE) and, for EVSEs with
// START_SESSION_CONNECTOR_REQUIRED, a connector_id when there is no choice to make.
bool start_session_up_end(walk& w, object_state& st) {
  const auto key = w.ctx.location_by_exposed_id(st.slot[slot_location]);
  if (!key) return true;  // the location_id row already refused it
  const cached_location loc = load_location(w.ctx, key->owner, key->id);
  simdjson::dom::element evse;
  bool found = false;
  if (st.has("evse_uid")) {
    found = find_evse(loc, st.slot[slot_evse], evse);
  } else {
    std::size_t n = 0;
    if (loc.ok)
      for (auto e : loc.evses)
        if (!is_removed(e)) {
          evse = e;
          ++n;
        }
    std::string_view uid;
    if (n == 1 && !evse["uid"].get(uid) && uid.size() <= 36) {
      w.out.field("evse_uid", uid);
      w.lost(loss_kind::derived, "evse_uid", "filled from the cached Location's only EVSE (4.8)");
      found = true;
    } else if (w.opts().commands_require_evse_uid) {
      return w.fail(status::invalid_parameters, {}, "evse_uid required by IOP");
    }
  }
  std::string_view connector_id;
  if (found && has_capability(evse, "START_SESSION_CONNECTOR_REQUIRED") && connector_count(evse, &connector_id) == 1 &&
      !connector_id.empty() && connector_id.size() <= 36) {
    w.out.field("connector_id", connector_id);
    w.lost(loss_kind::derived, "connector_id", "filled from the cached EVSE's only connector (4.8)");
  }
  return true;
}

constexpr std::array up_fields{
    field_rule{.in = "response_url", .k = kind::string, .required = true, .max_len = 255, .section = "3.3.2"},
    field_rule{.in = "token", .k = kind::object, .required = true, .sub = &token_rules_up, .section = "3.3.3"},
    field_rule{.in = "location_id", .k = kind::custom, .required = true, .fn = exposed_location_id_up, .section = "4.6"},
    field_rule{.in = "evse_uid", .k = kind::custom, .fn = evse_uid_up, .section = "4.8"},
    field_rule{.in = "authorization_id", .out = "authorization_reference", .k = kind::custom, .fn = authorization_id_up, .section = "4.1"},
};

// --- down (C3: IOP -> legacy CPO) -----------------------------------------------------------

template <std::size_t Slot>
bool id_capture_down(walk& w, const field_rule& r, od::value v, object_state& st) {
  std::string_view id;
  if (!w.read_string(v, {}, id)) return false;
  st.slot[Slot] = id;
  return write_id_down(w, {}, r.target(), id);
}

bool connector_capture(walk& w, const field_rule&, od::value v, object_state& st) {
  std::string_view id;
  if (!w.read_string(v, {}, id)) return false;
  if (id.size() > 36) return w.fail(status::invalid_parameters, {}, "longer than 36 characters");
  st.slot[slot_connector] = id;
  return true;
}

// §4.8: 2.1.1 StartSession has no connector_id. Silent only when the cached EVSE leaves no choice.
bool start_session_down_end(walk& w, object_state& st) {
  if (!st.has("connector_id")) return true;
  const party* cpo = w.req.legacy ? &w.req.legacy->id : (w.req.owner ? &*w.req.owner : nullptr);
  simdjson::dom::element evse;
  if (cpo && st.has("evse_uid")) {
    const cached_location loc = load_location(w.ctx, *cpo, st.slot[slot_location]);
    if (find_evse(loc, st.slot[slot_evse], evse) && connector_count(evse, nullptr) == 1) return true;
  }
  w.lost(loss_kind::dropped, "connector_id", "connector " + std::string(st.slot[slot_connector]) +
                                                 " dropped: no connector_id in 2.1.1, the CPO picks one (4.8)");
  return true;
}

constexpr std::array down_fields{
    field_rule{.in = "response_url", .k = kind::string, .required = true, .max_len = 255, .section = "3.3.2"},
    field_rule{.in = "token", .k = kind::object, .required = true, .sub = &token_rules_down, .section = "3.3.3"},
    field_rule{.in = "location_id", .k = kind::custom, .required = true, .fn = id_capture_down<slot_location>, .section = "3.3.3"},
    field_rule{.in = "evse_uid", .k = kind::custom, .fn = id_capture_down<slot_evse>, .section = "3.3.3"},
    field_rule{.in = "connector_id", .k = kind::custom, .fn = connector_capture, .section = "4.8"},
    field_rule{.in = "authorization_reference", .out = "authorization_id", .k = kind::custom, .fn = tokens::authorization_reference_down, .section = "4.1"},
};

const object_rules rules_up{"StartSession 2.1.1", up_fields, nullptr, start_session_up_end};
const object_rules rules_down{"StartSession 2.2.1", down_fields, nullptr, start_session_down_end};

}  // namespace

bool start_session_up(walk& w, od::value root, bool* dropped) { return w.object(root, rules_up, nullptr, dropped); }
bool start_session_down(walk& w, od::value root, bool* dropped) { return w.object(root, rules_down, nullptr, dropped); }

}  // namespace ocpi::mappings::commands
