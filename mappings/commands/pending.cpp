// TRANSIENT scaffold: replaced by the real commands mappings (work in progress in this session).
#include "commands/entries.hpp"

namespace ocpi::mappings::commands {
bool start_session_up(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "start_session up: mapping not available"); }
bool start_session_down(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "start_session down: mapping not available"); }
bool stop_session_up(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "stop_session up: mapping not available"); }
bool stop_session_down(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "stop_session down: mapping not available"); }
bool reserve_now_up(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "reserve_now up: mapping not available"); }
bool reserve_now_down(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "reserve_now down: mapping not available"); }
bool cancel_reservation_up(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "cancel_reservation up: mapping not available"); }
bool cancel_reservation_down(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "cancel_reservation down: mapping not available"); }
bool unlock_connector_up(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "unlock_connector up: mapping not available"); }
bool unlock_connector_down(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "unlock_connector down: mapping not available"); }
bool command_response_up(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "command_response up: mapping not available"); }
bool command_response_down(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "command_response down: mapping not available"); }
bool command_result_up(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "command_result up: mapping not available"); }
bool command_result_down(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "command_result down: mapping not available"); }
}
