// TRANSIENT scaffold: replaced by the real sessions mappings (work in progress in this session).
#include "sessions/entries.hpp"

namespace ocpi::mappings::sessions {
bool session_up(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "session up: mapping not available"); }
bool session_down(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "session down: mapping not available"); }
}
