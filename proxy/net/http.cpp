#include "proxy/net/http.hpp"

#include "proxy/pipeline/envelope.hpp"

namespace ocpi::proxy {

const char* to_string(face f) noexcept { return f == face::hub ? "hub" : f == face::legacy ? "legacy" : "admin"; }

response make_local_response(http::status status, int ocpi_status, std::string_view message, unsigned version) {
  response res{status, version};
  res.set(http::field::content_type, "application/json");
  res.body() = write_envelope(ocpi_status, message, utc_now());
  res.prepare_payload();
  return res;
}

}  // namespace ocpi::proxy
