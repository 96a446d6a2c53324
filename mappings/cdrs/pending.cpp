// TRANSIENT scaffold: replaced by the real cdrs mappings (work in progress in this session).
#include "cdrs/entries.hpp"

namespace ocpi::mappings::cdrs {
bool cdr_up(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "cdr up: mapping not available"); }
bool cdr_down(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "cdr down: mapping not available"); }
}
