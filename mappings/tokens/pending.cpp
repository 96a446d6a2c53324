// TRANSIENT scaffold: replaced by the real tokens mappings (work in progress in this session).
#include "tokens/entries.hpp"

namespace ocpi::mappings::tokens {
bool token_up(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "token up: mapping not available"); }
bool token_down(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "token down: mapping not available"); }
bool authorization_info_up(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "authorization_info up: mapping not available"); }
bool authorization_info_down(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "authorization_info down: mapping not available"); }
bool location_references_up(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "location_references up: mapping not available"); }
bool location_references_down(walk& w, od::value, bool*) { return w.fail(status::server_error, {}, "location_references down: mapping not available"); }
}
