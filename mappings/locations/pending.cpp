// TRANSIENT scaffold: replaced by the real locations mappings (work in progress in this session).
#include "locations/entries.hpp"

namespace ocpi::mappings::locations {
bool location_up(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "location up: mapping not available"); }
bool location_down(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "location down: mapping not available"); }
bool evse_up(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "evse up: mapping not available"); }
bool evse_down(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "evse down: mapping not available"); }
}
