#include "proxy/net/http.hpp"

#include "proxy/pipeline/envelope.hpp"

namespace ocpi::proxy {

const char* to_string(face f) noexcept { return f == face::hub ? "hub" : f == face::legacy ? "legacy" : "admin"; }

namespace {

void append_version(std::string& out, unsigned version) {
  out += "HTTP/";
  out += static_cast<char>('0' + version / 10);
  out += '.';
  out += static_cast<char>('0' + version % 10);
}

void append_fields(std::string& out, const http::fields& fields) {
  for (const auto& f : fields) {
    out += f.name_string();
    out += ": ";
    out += f.value();
    out += "\r\n";
  }
  out += "\r\n";
}

}  // namespace

std::string wire_head(const request& req) {
  std::string out;
  out.reserve(256);
  out += req.method_string();
  out += ' ';
  out += req.target();
  out += ' ';
  append_version(out, req.version());
  out += "\r\n";
  append_fields(out, req.base());
  return out;
}

std::string wire_head(const response& res) {
  std::string out;
  out.reserve(256);
  append_version(out, res.version());
  out += ' ';
  out += std::to_string(res.result_int());
  out += ' ';
  out += res.reason();
  out += "\r\n";
  append_fields(out, res.base());
  return out;
}

response make_local_response(http::status status, int ocpi_status, std::string_view message, unsigned version) {
  response res{status, version};
  res.set(http::field::content_type, "application/json");
  res.body() = write_envelope(ocpi_status, message, utc_now());
  res.prepare_payload();
  return res;
}

}  // namespace ocpi::proxy
