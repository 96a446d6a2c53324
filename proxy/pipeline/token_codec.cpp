#include "proxy/pipeline/token_codec.hpp"

#include <array>
#include <cstdint>

#include <openssl/crypto.h>

namespace ocpi::proxy {

namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> make_decode_table() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (std::size_t i = 0; i < alphabet.size(); ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  return t;
}
constexpr auto decode_table = make_decode_table();

bool iequals_ascii(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// The credential part of "Token <value>"; empty when the scheme is not Token or there is no value.
std::string_view credential_of(std::string_view header) noexcept {
  constexpr std::string_view scheme = "Token";
  if (header.size() <= scheme.size() || !iequals_ascii(header.substr(0, scheme.size()), scheme)) return {};
  std::string_view rest = header.substr(scheme.size());
  if (rest.front() != ' ') return {};  // "Tokenabc" or "Token\tabc": not the §1.3 form
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
  return rest;
}

// Compares `candidate` with every known token, always all of them, so the time taken does not
// say which one (if any) matched.
std::optional<std::size_t> find_token(std::string_view candidate, std::span<const std::string_view> known) noexcept {
  std::optional<std::size_t> hit;
  for (std::size_t i = 0; i < known.size(); ++i)
    if (!known[i].empty() && constant_time_equal(candidate, known[i]) && !hit) hit = i;
  return hit;
}

std::optional<std::size_t> match_base64(std::string_view value, std::span<const std::string_view> known) {
  auto decoded = base64_decode(value);
  if (!decoded) return std::nullopt;
  std::string_view bytes = *decoded;
  // The 2.2.1 spec's own examples encode the token followed by a newline (§1.3): strip exactly one.
  if (bytes.ends_with("\r\n")) bytes.remove_suffix(2);
  else if (bytes.ends_with('\n')) bytes.remove_suffix(1);
  auto hit = find_token(bytes, known);
  OPENSSL_cleanse(decoded->data(), decoded->size());
  return hit;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  const auto at = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(alphabet[(v >> shift) & 0x3F]);
  }
  const std::size_t rem = bytes.size() - i;
  if (rem > 0) {
    const std::uint32_t v = at(i) << 16 | (rem == 2 ? at(i + 1) << 8 : 0);
    out.push_back(alphabet[(v >> 18) & 0x3F]);
    out.push_back(alphabet[(v >> 12) & 0x3F]);
    out.push_back(rem == 2 ? alphabet[(v >> 6) & 0x3F] : '=');
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::size_t pad = 0;
  while (!text.empty() && text.back() == '=' && pad < 2) {
    text.remove_suffix(1);
    ++pad;
  }
  // With padding the whole must have been a multiple of 4; without it, a lone trailing sextet is
  // impossible in any encoding.
  if (pad > 0 && (text.size() + pad) % 4 != 0) return std::nullopt;
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const auto v = decode_table[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

std::string authorization_value(std::string_view token, bool base64) {
  return "Token " + (base64 ? base64_encode(token) : std::string(token));
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;  // token lengths are not secret (string(64), often fixed)
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<token_match> match_authorization(std::string_view header_value,
                                               std::span<const std::string_view> known_tokens,
                                               bool base64_first) {
  const std::string_view value = credential_of(header_value);
  if (value.empty()) return std::nullopt;
  // A raw token can itself be valid Base64 (§1.3 step 4), so each face tries its own rule first.
  for (int round = 0; round < 2; ++round) {
    const bool try_base64 = (round == 0) == base64_first;
    const auto hit = try_base64 ? match_base64(value, known_tokens) : find_token(value, known_tokens);
    if (hit) return token_match{*hit, try_base64};
  }
  return std::nullopt;
}

}  // namespace ocpi::proxy
