#pragma once
// The Authorization header (MAPPING §1.3): Base64 as OCPI 2.2.1 wants it, and the tolerant inbound
// match that accepts both encodings because real peers (and the spec's own examples) disagree.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ocpi::proxy {

// RFC 4648 §4: standard alphabet, `=` padding.
std::string base64_encode(std::string_view bytes);

// Standard alphabet; missing padding accepted, correct padding accepted, anything else (other
// characters, `=` in the middle, impossible lengths) rejected with nullopt.
std::optional<std::string> base64_decode(std::string_view text);

// "Token <token>" (2.1.1, base64=false) or "Token <base64(token)>" (2.2.1), no trailing newline.
std::string authorization_value(std::string_view token, bool base64);

// Equal length and equal bytes; the content comparison has no early exit.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

struct token_match {
  std::size_t index;  // into known_tokens
  bool sent_base64;   // peer.sends_base64 (§1.3 steps 2-3)
};

// §1.3 inbound steps 1-4. `base64_first` is true on the 2.2.1 face (candidate A, then B) and false
// on the 2.1.1 face (B, then A). Empty known tokens never match. nullopt -> HTTP 401.
std::optional<token_match> match_authorization(std::string_view header_value,
                                               std::span<const std::string_view> known_tokens,
                                               bool base64_first);

}  // namespace ocpi::proxy
