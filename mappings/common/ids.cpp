#include "common/ids.hpp"

#include <openssl/sha.h>

#include <algorithm>

namespace ocpi::mappings {

namespace {
std::string digest(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return std::string(reinterpret_cast<const char*>(md), sizeof md);
}
}  // namespace

std::string sha256_hex(std::string_view data) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : digest(data)) {
    out += hex[c >> 4];
    out += hex[c & 0xF];
  }
  return out;
}

std::string base32_sha256(std::string_view data) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const std::string d = digest(data);
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : d) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(buffer << (5 - bits)) & 31];
  return out;
}

std::string hashed_id(std::string_view id) {
  // At most 27 bytes, never ending inside a UTF-8 sequence: a cut multi-byte character would make
  // the whole output invalid UTF-8 (found by the mutation test; the hash keeps the id unique).
  std::size_t keep = std::min<std::size_t>(27, id.size());
  while (keep > 0 && keep < id.size() && (static_cast<unsigned char>(id[keep]) & 0xC0U) == 0x80U) --keep;
  return std::string(id.substr(0, keep)) + "~" + sha256_hex(id).substr(0, 8);
}

std::string surrogate_location_id(std::string_view cc, std::string_view pid, std::string_view id) {
  std::string k;
  k.append(cc).append("|").append(pid).append("|").append(id);
  return "P" + base32_sha256(k).substr(0, 35);
}

std::string prefixed_cdr_id(std::string_view cc, std::string_view pid, std::string_view id) {
  std::string prefix;
  prefix.append(cc).append(pid).append("-");
  if (prefix.size() + id.size() <= 36) return prefix + std::string(id);
  return prefix + base32_sha256(id).substr(0, 30);
}

}  // namespace ocpi::mappings
