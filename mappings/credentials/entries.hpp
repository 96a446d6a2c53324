#pragma once
// Entry points of the credentials mappings (see NOTES.md in this folder); the registry dispatches to them.
#include "engine/entry.hpp"

namespace ocpi::mappings::credentials {

bool credentials_up(walk& w, od::value root, bool* dropped);
bool credentials_down(walk& w, od::value root, bool* dropped);
bool version_details_up(walk& w, od::value root, bool* dropped);
bool version_details_down(walk& w, od::value root, bool* dropped);

}  // namespace ocpi::mappings::credentials
