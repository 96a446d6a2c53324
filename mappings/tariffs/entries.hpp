#pragma once
// Entry points of the tariffs mappings (see NOTES.md in this folder); the registry dispatches to them.
#include "engine/entry.hpp"

namespace ocpi::mappings::tariffs {

bool tariff_up(walk& w, od::value root, bool* dropped);
bool tariff_down(walk& w, od::value root, bool* dropped);

}  // namespace ocpi::mappings::tariffs
