#include "proxy/pipeline/envelope.hpp"

#include <chrono>

#include "mappings/common/datetime.hpp"

#include "ocpi/json_writer.hpp"

namespace ocpi::proxy {

std::string write_envelope(int status_code, std::string_view status_message, std::string_view timestamp,
                           std::string_view data_json) {
  std::string out;
  out.reserve(data_json.size() + 128);
  json_writer w(out);
  w.begin_object();
  if (!data_json.empty()) w.field_raw("data", data_json);
  w.key("status_code");
  w.integer(status_code);
  if (!status_message.empty()) w.field("status_message", status_message);
  w.field("timestamp", timestamp);
  w.end_object();
  return out;
}

std::string utc_now() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return mappings::format_epoch(std::chrono::duration_cast<std::chrono::seconds>(now).count());
}

}  // namespace ocpi::proxy
