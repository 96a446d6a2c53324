// TRANSIENT scaffold: replaced by the real credentials mappings (work in progress in this session).
#include "credentials/entries.hpp"

namespace ocpi::mappings::credentials {
bool credentials_up(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "credentials up: mapping not available"); }
bool credentials_down(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "credentials down: mapping not available"); }
bool version_details_up(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "version_details up: mapping not available"); }
bool version_details_down(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "version_details down: mapping not available"); }
}
