// TRANSIENT scaffold: replaced by the real tariffs mappings (work in progress in this session).
#include "tariffs/entries.hpp"

namespace ocpi::mappings::tariffs {
bool tariff_up(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "tariff up: mapping not available"); }
bool tariff_down(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "tariff down: mapping not available"); }
}
