#pragma once
// The signature of a module's entry point: translate the object `root`, writing it to w.out.
// `dropped` is set when a rule decided the whole object must not be forwarded.
#include "engine/walk.hpp"

namespace ocpi::mappings {

using entry_fn = bool (*)(walk& w, od::value root, bool* dropped);

}  // namespace ocpi::mappings
