#pragma once
// Entry points of the commands mappings (see NOTES.md in this folder); the registry dispatches to them.
#include "engine/entry.hpp"

namespace ocpi::mappings::commands {

bool start_session_up(walk& w, od::value root, bool* dropped);
bool start_session_down(walk& w, od::value root, bool* dropped);
bool stop_session_up(walk& w, od::value root, bool* dropped);
bool stop_session_down(walk& w, od::value root, bool* dropped);
bool reserve_now_up(walk& w, od::value root, bool* dropped);
bool reserve_now_down(walk& w, od::value root, bool* dropped);
bool cancel_reservation_up(walk& w, od::value root, bool* dropped);
bool cancel_reservation_down(walk& w, od::value root, bool* dropped);
bool unlock_connector_up(walk& w, od::value root, bool* dropped);
bool unlock_connector_down(walk& w, od::value root, bool* dropped);
bool command_response_up(walk& w, od::value root, bool* dropped);
bool command_response_down(walk& w, od::value root, bool* dropped);
bool command_result_up(walk& w, od::value root, bool* dropped);
bool command_result_down(walk& w, od::value root, bool* dropped);

}  // namespace ocpi::mappings::commands
