#pragma once
// AES-256-GCM for the secrets a state store keeps (credentials tokens, the peer's Credentials
// object, tokens A), so that a copy of the data dir alone reveals none of them (issue 12). Store
// independent: sqlite_store uses it, a future store reuses it as is.
//
// A sealed value is text, self-describing, so that a store tells it from an old plaintext row and
// knows which key opens it:  "ocpi-seal:v1:<key id>:<base64(nonce[12] | ciphertext | tag[16])>".
// The key id is the first 4 bytes of SHA-256("ocpi-bridge state key" | key) in hex: it names a key
// without revealing it, and needs no numbering kept anywhere. The caller's AAD binds the value to
// its place (table, column, row key): a sealed value copied to another row does not open.
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace ocpi::proxy {

using state_key = std::array<unsigned char, 32>;

class token_seal {
 public:
  // keys[0] seals; every key opens what it sealed (the others are kept readable while a rotation
  // re-seals). Throws std::invalid_argument when `keys` is empty.
  explicit token_seal(std::vector<state_key> keys);
  ~token_seal();  // wipes the keys
  token_seal(const token_seal&) = delete;
  token_seal& operator=(const token_seal&) = delete;

  static state_key new_key();  // from the OpenSSL CSPRNG
  static std::string key_id(const state_key& key);
  static bool is_sealed(std::string_view value);
  // The key id a sealed value names ("" when `value` is not sealed).
  static std::string_view key_id_of(std::string_view value);

  std::string seal(std::string_view plaintext, std::string_view aad) const;
  // Throws std::runtime_error when `value` is not sealed, names an unknown key, or fails
  // authentication (tampered, or sealed for another place). The message holds no secret.
  std::string open(std::string_view value, std::string_view aad) const;
  bool sealed_with_current(std::string_view value) const { return key_id_of(value) == ids_.front(); }

  const std::vector<state_key>& keys() const { return keys_; }
  const std::string& current_id() const { return ids_.front(); }

 private:
  std::vector<state_key> keys_;
  std::vector<std::string> ids_;
};

}  // namespace ocpi::proxy
