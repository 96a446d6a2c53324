#pragma once
// The OCPI response envelope (MAPPING §1.6.1): the bridge always re-creates it.
#include <string>
#include <string_view>

namespace ocpi::proxy {

// {"data":<data_json>,"status_code":..,"status_message":..,"timestamp":..}; `data_json` is raw
// JSON text and is omitted when empty (2.2.1 acknowledgements); pass "{}" toward 2.1.1.
std::string write_envelope(int status_code, std::string_view status_message, std::string_view timestamp,
                           std::string_view data_json = {});

// The bridge's clock as RFC 3339 UTC, seconds precision, with `Z`.
std::string utc_now();

}  // namespace ocpi::proxy
