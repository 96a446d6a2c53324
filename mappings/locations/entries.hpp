#pragma once
// Entry points of the locations mappings (see NOTES.md in this folder); the registry dispatches to them.
#include "engine/entry.hpp"

namespace ocpi::mappings::locations {

bool location_up(walk& w, od::value root, bool* dropped);
bool location_down(walk& w, od::value root, bool* dropped);
bool evse_up(walk& w, od::value root, bool* dropped);
bool evse_down(walk& w, od::value root, bool* dropped);
bool connector_up(walk& w, od::value root, bool* dropped);
bool connector_down(walk& w, od::value root, bool* dropped);

}  // namespace ocpi::mappings::locations
