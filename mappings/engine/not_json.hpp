#pragma once
// The one wording of "this body is not JSON", shared by the request door (proxy/pipeline/
// request_checks) and the mappings, so that a caller reads the same reason wherever it is caught.
#include <simdjson.h>

#include <string>
#include <string_view>

namespace ocpi::mappings {

// What is wrong with a body simdjson could not parse, in words for the sender (never simdjson's
// developer hints). `text` (the body) refines it: empty, starting with '<' (HTML, SOAP), content
// after the JSON value (and where), truncated, invalid UTF-8 or escapes.
std::string not_json_message(simdjson::error_code ec, std::string_view text = {});

}  // namespace ocpi::mappings
