// token_seal (issue 12, "Tokens at rest"): AES-256-GCM values that open only with their key and
// only in the place (AAD) they were sealed for.
#include "proxy/state/token_seal.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "proxy/pipeline/token_codec.hpp"

using namespace ocpi::proxy;

namespace {

std::string open_error(const token_seal& seal, const std::string& value, const std::string& aad) {
  try {
    seal.open(value, aad);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(opened)";
}

// The value with one bit of its decoded nonce|ciphertext|tag flipped at `at` (from the end if negative).
std::string flip(const std::string& sealed, int at) {
  const auto colon = sealed.rfind(':');
  auto raw = *base64_decode(sealed.substr(colon + 1));
  raw[at >= 0 ? static_cast<std::size_t>(at) : raw.size() - static_cast<std::size_t>(-at)] ^= 0x01;
  return sealed.substr(0, colon + 1) + base64_encode(raw);
}

}  // namespace

TEST_CASE("token seal: round trip, self-describing, a fresh nonce per value") {
  const token_seal seal({token_seal::new_key()});
  const std::string token = "Zm9vYmFyLXRva2VuLXRoYXQtbXVzdC1zdGF5LXNlY3JldA";
  const auto a = seal.seal(token, "credentials.token_to_peer|iop");
  const auto b = seal.seal(token, "credentials.token_to_peer|iop");
  CHECK(a.starts_with("ocpi-seal:v1:" + seal.current_id() + ":"));
  CHECK(token_seal::is_sealed(a));
  CHECK_FALSE(token_seal::is_sealed(token));
  CHECK(token_seal::key_id_of(a) == seal.current_id());
  CHECK(a.find(token) == std::string::npos);
  CHECK(a != b);  // random nonce: equal tokens do not give equal values
  CHECK(seal.open(a, "credentials.token_to_peer|iop") == token);
  CHECK(seal.open(b, "credentials.token_to_peer|iop") == token);
  CHECK(seal.open(seal.seal("", "x"), "x").empty());
  CHECK(seal.sealed_with_current(a));
}

TEST_CASE("token seal: tampered values, another place and unknown keys are refused") {
  const token_seal seal({token_seal::new_key()});
  const std::string aad = "credentials.token_from_peer|legacy:FR*CPO";
  const auto v = seal.seal("secret-token-value", aad);
  CHECK(open_error(seal, flip(v, 0), aad).find("does not authenticate") != std::string::npos);   // nonce
  CHECK(open_error(seal, flip(v, 14), aad).find("does not authenticate") != std::string::npos);  // ciphertext
  CHECK(open_error(seal, flip(v, -1), aad).find("does not authenticate") != std::string::npos);  // tag
  // Moved to another row or column: the AAD differs.
  CHECK(open_error(seal, v, "credentials.token_from_peer|legacy:DE*XYZ").find("does not authenticate") !=
        std::string::npos);
  CHECK(open_error(seal, v, "credentials.token_to_peer|legacy:FR*CPO").find("does not authenticate") !=
        std::string::npos);
  // Another key, relabelled with this key's id or not.
  const token_seal other({token_seal::new_key()});
  CHECK(open_error(other, v, aad).find("not among the state keys") != std::string::npos);
  auto relabelled = other.seal("secret-token-value", aad);
  relabelled.replace(13, 8, seal.current_id());
  CHECK(open_error(seal, relabelled, aad).find("does not authenticate") != std::string::npos);
  CHECK(open_error(seal, "ocpi-seal:v1:" + seal.current_id() + ":AAAA", aad).find("malformed") != std::string::npos);
  CHECK(open_error(seal, "plain-token", aad).find("not a sealed value") != std::string::npos);
  // No message carries the plaintext.
  CHECK(open_error(seal, flip(v, 14), aad).find("secret-token-value") == std::string::npos);
}

TEST_CASE("token seal: during a rotation the new key seals and the old one still opens") {
  const auto old_key = token_seal::new_key();
  const auto new_key = token_seal::new_key();
  const token_seal before({old_key});
  const token_seal during({new_key, old_key});
  const token_seal after({new_key});
  const auto old_value = before.seal("t", "r");
  const auto new_value = during.seal("t", "r");
  CHECK(during.open(old_value, "r") == "t");
  CHECK(token_seal::key_id_of(new_value) == token_seal::key_id(new_key));
  CHECK_FALSE(during.sealed_with_current(old_value));
  CHECK(during.sealed_with_current(new_value));
  CHECK(after.open(new_value, "r") == "t");
  CHECK(open_error(after, old_value, "r").find("not among the state keys") != std::string::npos);
  CHECK(token_seal::key_id(old_key) != token_seal::key_id(new_key));
  CHECK_THROWS_AS(token_seal(std::vector<state_key>{}), std::invalid_argument);
}
