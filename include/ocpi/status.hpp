#pragma once
// OCPI status codes (MAPPING §1.6.2) and the error a translation or a pipeline step reports.
#include <string>

namespace ocpi {

namespace status {
inline constexpr int success = 1000;
inline constexpr int client_error = 2000;
inline constexpr int invalid_parameters = 2001;
inline constexpr int not_enough_information = 2002;
inline constexpr int unknown_location = 2003;
inline constexpr int unknown_token = 2004;  // 2.2.1 only
inline constexpr int server_error = 3000;
inline constexpr int cannot_use_client_api = 3001;
inline constexpr int unsupported_version = 3002;
inline constexpr int no_matching_endpoints = 3003;
inline constexpr int hub_error = 4000;
inline constexpr int hub_unknown_receiver = 4001;
inline constexpr int hub_timeout = 4002;
inline constexpr int hub_not_connected = 4003;
}  // namespace status

// A refusal: what the caller is told instead of a translated body. `path` is the JSON path of the
// offending field ("evses[1].connectors[0].standard"), empty when the whole message is at fault.
// `http_status` is 200 for OCPI-level refusals (MAPPING §1.6.3) and 400 for bodies that are not JSON.
struct error {
  int status_code = status::invalid_parameters;
  int http_status = 200;
  std::string path;
  std::string message;

  std::string describe() const { return path.empty() ? message : path + ": " + message; }
};

}  // namespace ocpi
