#pragma once
// Entry points of the tokens mappings (see NOTES.md in this folder); the registry dispatches to them.
#include "engine/entry.hpp"

namespace ocpi::mappings::tokens {

bool token_up(walk& w, od::value root, bool* dropped);
bool token_down(walk& w, od::value root, bool* dropped);
bool authorization_info_up(walk& w, od::value root, bool* dropped);
bool authorization_info_down(walk& w, od::value root, bool* dropped);
bool location_references_up(walk& w, od::value root, bool* dropped);
bool location_references_down(walk& w, od::value root, bool* dropped);

}  // namespace ocpi::mappings::tokens
