#pragma once
// Entry points of the cdrs mappings (see NOTES.md in this folder); the registry dispatches to them.
#include "engine/entry.hpp"

namespace ocpi::mappings::cdrs {

bool cdr_up(walk& w, od::value root, bool* dropped);
bool cdr_down(walk& w, od::value root, bool* dropped);

}  // namespace ocpi::mappings::cdrs
