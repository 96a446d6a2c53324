#include "proxy/router/peers.hpp"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace ocpi::proxy {

std::string iop_token_out(const runtime& rt) {
  if (auto c = rt.state.credentials(iop_connection)) return c->token_to_peer;
  return rt.cfg.iop.token;
}

std::string iop_token_in(const runtime& rt) {
  if (auto c = rt.state.credentials(iop_connection)) return c->token_from_peer;
  return rt.cfg.iop.accepts_token;
}

std::string iop_versions_url(const runtime& rt) {
  if (auto c = rt.state.credentials(iop_connection); c && !c->versions_url.empty()) return c->versions_url;
  return rt.cfg.iop.versions_url;
}

std::string legacy_connection(const runtime& rt, std::size_t index) { return connection_key(rt.cfg.legacy.at(index).party.id); }

std::optional<std::size_t> legacy_index_of(const runtime& rt, std::string_view connection) {
  for (std::size_t i = 0; i < rt.cfg.legacy.size(); ++i)
    if (legacy_connection(rt, i) == connection) return i;
  return std::nullopt;
}

std::string legacy_token_out(const runtime& rt, std::size_t index) {
  if (auto c = rt.state.credentials(legacy_connection(rt, index))) return c->token_to_peer;
  return rt.cfg.legacy.at(index).token;
}

std::string legacy_token_in(const runtime& rt, std::size_t index) {
  if (auto c = rt.state.credentials(legacy_connection(rt, index))) return c->token_from_peer;
  return rt.cfg.legacy.at(index).accepts_token;
}

std::string legacy_versions_url(const runtime& rt, std::size_t index) {
  if (auto c = rt.state.credentials(legacy_connection(rt, index)); c && !c->versions_url.empty()) return c->versions_url;
  return rt.cfg.legacy.at(index).versions_url;
}

std::string new_credentials_token() {
  std::array<unsigned char, 32> raw{};
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) throw std::runtime_error("RAND_bytes failed");
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve(43);
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char b : raw) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(alphabet[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(alphabet[(acc << (6 - bits)) & 63]);
  return out;
}

}  // namespace ocpi::proxy
