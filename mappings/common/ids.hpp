#pragma once
// Identifier derivations MAPPING prescribes: hashed long ids (§1.9), surrogate Location ids
// (§4.6), prefixed CDR ids (§3.5.8).
#include <string>
#include <string_view>

namespace ocpi::mappings {

std::string sha256_hex(std::string_view data);
std::string base32_sha256(std::string_view data);  // RFC 4648 alphabet, no padding
// first 27 chars + "~" + first 8 hex chars of SHA-256(id): 36 characters (§1.9)
std::string hashed_id(std::string_view id);
// "P" + first 35 chars of base32(SHA-256("cc|pid|id")) (§4.6)
std::string surrogate_location_id(std::string_view cc, std::string_view pid, std::string_view id);
// "<cc><pid>-<id>" when it fits in 36, else "<cc><pid>-" + 30 chars of base32(SHA-256(id)) (§3.5.8)
std::string prefixed_cdr_id(std::string_view cc, std::string_view pid, std::string_view id);

}  // namespace ocpi::mappings
