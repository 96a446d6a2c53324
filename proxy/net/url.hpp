#pragma once
// Absolute http(s) URLs as the bridge handles them: peers' endpoint URLs, callback URLs, Link
// headers. Parsing only; building/joining lives in pipeline/url_mapping.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ocpi::proxy {

struct url {
  std::string scheme;  // "http" | "https" (lower-cased)
  std::string host;    // without brackets for IPv6
  std::uint16_t port = 0;
  std::string target;  // path + optional "?query", never empty ("/" at least)

  bool tls() const noexcept { return scheme == "https"; }
  std::string origin() const;  // "https://host:port"
  std::string path() const;    // target without the query
  std::string query() const;   // after '?', without it; empty if none
  std::string str() const;     // origin() + target
};

// Parses "http(s)://host[:port][/path][?query]" (fragments are dropped). nullopt when malformed.
std::optional<url> parse_url(std::string_view text);

}  // namespace ocpi::proxy
