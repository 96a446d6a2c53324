#include "proxy/state/token_seal.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

#include "proxy/pipeline/token_codec.hpp"

namespace ocpi::proxy {

namespace {

constexpr std::string_view prefix = "ocpi-seal:v1:";
constexpr std::size_t id_length = 8;  // hex digits
constexpr std::size_t nonce_length = 12;
constexpr std::size_t tag_length = 16;

using cipher_ctx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

cipher_ctx new_ctx() {
  cipher_ctx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!ctx) throw std::runtime_error("token seal: cannot allocate a cipher context");
  return ctx;
}

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
int length(std::string_view s) { return static_cast<int>(s.size()); }

// The version and key id travel in clear: authenticating them too means a relabelled value fails
// like a tampered one instead of being tried under another name.
std::string full_aad(std::string_view id, std::string_view aad) {
  return std::string(prefix) + std::string(id) + ":" + std::string(aad);
}

}  // namespace

token_seal::token_seal(std::vector<state_key> keys) : keys_(std::move(keys)) {
  if (keys_.empty()) throw std::invalid_argument("token seal: no key");
  for (const auto& k : keys_) ids_.push_back(key_id(k));
}

token_seal::~token_seal() {
  for (auto& k : keys_) OPENSSL_cleanse(k.data(), k.size());
}

state_key token_seal::new_key() {
  state_key k{};
  if (RAND_bytes(k.data(), static_cast<int>(k.size())) != 1)
    throw std::runtime_error("token seal: no random bytes for a key");
  return k;
}

std::string token_seal::key_id(const state_key& key) {
  static constexpr std::string_view label = "ocpi-bridge state key";
  std::string input(label);
  input.append(reinterpret_cast<const char*>(key.data()), key.size());
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_length = 0;
  const bool hashed = EVP_Digest(input.data(), input.size(), digest.data(), &digest_length, EVP_sha256(), nullptr) == 1;
  OPENSSL_cleanse(input.data(), input.size());
  if (!hashed) throw std::runtime_error("token seal: SHA-256 failed");
  static constexpr char hex[] = "0123456789abcdef";
  std::string id;
  for (std::size_t i = 0; i < id_length / 2; ++i) {
    id += hex[digest[i] >> 4];
    id += hex[digest[i] & 0xf];
  }
  return id;
}

bool token_seal::is_sealed(std::string_view value) { return value.starts_with(prefix); }

std::string_view token_seal::key_id_of(std::string_view value) {
  if (!is_sealed(value) || value.size() < prefix.size() + id_length + 1 || value[prefix.size() + id_length] != ':')
    return {};
  return value.substr(prefix.size(), id_length);
}

std::string token_seal::seal(std::string_view plaintext, std::string_view aad) const {
  const std::string a = full_aad(ids_.front(), aad);
  std::string out(nonce_length + plaintext.size() + tag_length, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  // A random 96-bit nonce per value: GCM stays safe for far more values than a store will ever seal
  // under one key (NIST SP 800-38D: 2^32).
  if (RAND_bytes(nonce, nonce_length) != 1) throw std::runtime_error("token seal: no random bytes for a nonce");
  auto ctx = new_ctx();
  int n = 0;
  auto* ct = nonce + nonce_length;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, keys_.front().data(), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &n, bytes(a), length(a)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), ct, &n, bytes(plaintext), length(plaintext)) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), ct + n, &n) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, tag_length, ct + plaintext.size()) != 1)
    throw std::runtime_error("token seal: encryption failed");
  return std::string(prefix) + ids_.front() + ":" + base64_encode(out);
}

std::string token_seal::open(std::string_view value, std::string_view aad) const {
  const std::string_view id = key_id_of(value);
  if (id.empty()) throw std::runtime_error("not a sealed value");
  std::size_t which = 0;
  while (which < ids_.size() && ids_[which] != id) ++which;
  if (which == ids_.size())
    throw std::runtime_error("sealed with key " + std::string(id) + ", which is not among the state keys");
  const auto raw = base64_decode(value.substr(prefix.size() + id_length + 1));
  if (!raw || raw->size() < nonce_length + tag_length) throw std::runtime_error("sealed value is malformed");
  const std::string a = full_aad(id, aad);
  const auto* nonce = bytes(*raw);
  const std::size_t ct_length = raw->size() - nonce_length - tag_length;
  std::string plain(ct_length, '\0');
  auto* out = reinterpret_cast<unsigned char*>(plain.data());
  auto ctx = new_ctx();
  int n = 0;
  // The tag is set before the final call, which is where GCM authenticates: no plaintext is
  // returned from a value that fails.
  auto* tag = const_cast<unsigned char*>(nonce + nonce_length + ct_length);
  const bool ok = EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, keys_[which].data(), nonce) == 1 &&
                  EVP_DecryptUpdate(ctx.get(), nullptr, &n, bytes(a), length(a)) == 1 &&
                  EVP_DecryptUpdate(ctx.get(), out, &n, nonce + nonce_length, static_cast<int>(ct_length)) == 1 &&
                  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, tag_length, tag) == 1 &&
                  EVP_DecryptFinal_ex(ctx.get(), out + n, &n) == 1;
  if (!ok) {
    OPENSSL_cleanse(plain.data(), plain.size());
    throw std::runtime_error("sealed value does not authenticate (tampered, or moved from another row)");
  }
  return plain;
}

}  // namespace ocpi::proxy
