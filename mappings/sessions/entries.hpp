#pragma once
// Entry points of the sessions mappings (see NOTES.md in this folder); the registry dispatches to them.
#include "engine/entry.hpp"

namespace ocpi::mappings::sessions {

bool session_up(walk& w, od::value root, bool* dropped);
bool session_down(walk& w, od::value root, bool* dropped);

}  // namespace ocpi::mappings::sessions
