// CommandResponse (synchronous, MAPPING §3.3.4) and CommandResult (asynchronous, §3.3.5; its 2.1.1
// form is the 2.1.1 CommandResponse POSTed to response_url).
#include <array>

#include "commands/entries.hpp"

namespace ocpi::mappings::commands {

namespace {

#define SAME(v) enum_value{v, v}
// 2.2.1 CommandResponseType -> 2.1.1 (C1 answer): the four values exist in both.
constexpr std::array response_221{SAME("NOT_SUPPORTED"), SAME("REJECTED"), SAME("ACCEPTED"), SAME("UNKNOWN_SESSION")};
// 2.1.1 CommandResponseType -> 2.2.1 CommandResponseType (C3 answer): TIMEOUT is no longer synchronous.
constexpr std::array response_211_sync{SAME("NOT_SUPPORTED"), SAME("REJECTED"), SAME("ACCEPTED"),
                                       SAME("UNKNOWN_SESSION"), enum_value{"TIMEOUT", "REJECTED"}};
// 2.1.1 CommandResponseType -> 2.2.1 CommandResultType (C4 callback).
constexpr std::array response_211_async{SAME("ACCEPTED"), SAME("REJECTED"), SAME("NOT_SUPPORTED"), SAME("TIMEOUT"),
                                        enum_value{"UNKNOWN_SESSION", "FAILED"}};
// 2.2.1 CommandResultType -> 2.1.1 CommandResponseType (C2 callback).
constexpr std::array result_221{SAME("ACCEPTED"), enum_value{"CANCELED_RESERVATION", "REJECTED"},
                                enum_value{"EVSE_OCCUPIED", "REJECTED"}, enum_value{"EVSE_INOPERATIVE", "REJECTED"},
                                enum_value{"FAILED", "REJECTED"}, SAME("NOT_SUPPORTED"), SAME("REJECTED"),
                                SAME("TIMEOUT"), enum_value{"UNKNOWN_RESERVATION", "REJECTED"}};
#undef SAME
const enum_map response_down{"CommandResponseType", response_221};
const enum_map response_up_sync{"CommandResponseType", response_211_sync};
const enum_map response_up_async{"CommandResultType", response_211_async};
const enum_map result_down{"CommandResponseType", result_221};

// Maps `result`; a value that changes meaning is written and reported, and (up) the original
// 2.1.1 value is kept in `message` so IOP and the eMSP still see it.
bool result_row(walk& w, const field_rule& r, od::value v, object_state&) {
  std::string_view s;
  if (!w.read_string(v, {}, s)) return false;
  const enum_value* e = r.enums->find(s);
  if (!e) return w.fail(status::invalid_parameters, {}, "'" + std::string(s) + "' is not a valid CommandResponseType");
  w.out.field("result", e->to);
  if (e->to == s) return true;
  w.lost(loss_kind::derived, {}, std::string(s) + " written as " + std::string(e->to) + " (" + std::string(r.section) + ")");
  if (w.req.dir == direction::up) {
    w.out.key("message");
    w.out.begin_array();
    w.out.begin_object();
    w.out.field("language", std::string_view{"en"});
    w.out.field("text", s);
    w.out.end_object();
    w.out.end_array();
  }
  return true;
}

// §3.3.4: 2.2.1 requires `timeout`; the legacy CPO gives none, so the configured one is announced.
bool command_response_up_end(walk& w, object_state&) {
  const auto& timeouts = w.opts().commands_timeout_s;
  const auto it = timeouts.find(w.req.command);
  if (it == timeouts.end())
    return w.fail(status::server_error, {}, "no commands.timeout_s for command '" + w.req.command + "' (3.3.4)");
  w.out.key("timeout");
  w.out.integer(it->second);
  return true;
}

constexpr std::array response_up_fields{
    field_rule{.in = "result", .k = kind::custom, .required = true, .enums = &response_up_sync, .fn = result_row, .section = "3.3.4"},
};
constexpr std::array response_down_fields{
    field_rule{.in = "result", .k = kind::enumeration, .required = true, .enums = &response_down, .section = "3.3.4"},
    // Read by the proxy for the pending deadline (3.3.2) before translation; 2.1.1 has no field.
    field_rule{.in = "timeout", .k = kind::drop, .section = "3.3.4"},
    field_rule{.in = "message", .k = kind::drop, .section = "3.3.4"},
};
constexpr std::array result_up_fields{
    field_rule{.in = "result", .k = kind::custom, .required = true, .enums = &response_up_async, .fn = result_row, .section = "3.3.5"},
};
constexpr std::array result_down_fields{
    field_rule{.in = "result", .k = kind::custom, .required = true, .enums = &result_down, .fn = result_row, .section = "3.3.5"},
    field_rule{.in = "message", .k = kind::drop, .section = "3.3.5"},
};

const object_rules response_up{"CommandResponse 2.1.1", response_up_fields, nullptr, command_response_up_end};
const object_rules response_down_rules{"CommandResponse 2.2.1", response_down_fields};
const object_rules result_up{"CommandResponse 2.1.1 (result)", result_up_fields};
const object_rules result_down_rules{"CommandResult 2.2.1", result_down_fields};

}  // namespace

bool command_response_up(walk& w, od::value root, bool* dropped) { return w.object(root, response_up, nullptr, dropped); }
bool command_response_down(walk& w, od::value root, bool* dropped) {
  return w.object(root, response_down_rules, nullptr, dropped);
}
bool command_result_up(walk& w, od::value root, bool* dropped) { return w.object(root, result_up, nullptr, dropped); }
bool command_result_down(walk& w, od::value root, bool* dropped) {
  return w.object(root, result_down_rules, nullptr, dropped);
}

}  // namespace ocpi::mappings::commands
