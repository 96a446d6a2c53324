#include "proxy/pipeline/request_ids.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include <openssl/rand.h>

namespace ocpi::proxy {

namespace {

void fill_random(unsigned char* out, std::size_t n) {
  // RAND_bytes only fails when the CSPRNG cannot be seeded; continuing with predictable ids would
  // be worse than failing the exchange.
  if (n > 0 && RAND_bytes(out, static_cast<int>(n)) != 1) throw std::runtime_error("RAND_bytes failed");
}

// Request and correlation ids take 16 random bytes each, two or three per exchange: drawn from a
// per-thread block of CSPRNG output instead of one RAND_bytes call (with its locking and fork
// check) per id. Tokens keep calling fill_random directly.
void fill_id_random(unsigned char* out, std::size_t n) {
  struct block {
    std::array<unsigned char, 4096> bytes;
    std::size_t used = 4096;
  };
  thread_local block b;
  if (b.used + n > b.bytes.size()) {
    fill_random(b.bytes.data(), b.bytes.size());
    b.used = 0;
  }
  std::copy_n(b.bytes.data() + b.used, n, out);
  std::fill_n(b.bytes.data() + b.used, n, 0);  // an id's bytes are handed out once
  b.used += n;
}

constexpr std::string_view b64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

}  // namespace

std::string uuid_v4() {
  std::array<unsigned char, 16> b{};
  fill_id_random(b.data(), b.size());
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  constexpr std::string_view hex = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(hex[b[i] >> 4]);
    out.push_back(hex[b[i] & 0x0F]);
  }
  return out;
}

std::string random_b64url(std::size_t bytes) {
  std::vector<unsigned char> b(bytes);
  fill_random(b.data(), b.size());
  std::string out;
  out.reserve((bytes * 4 + 2) / 3);
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : b) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(b64url[(acc >> bits) & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(b64url[(acc << (6 - bits)) & 0x3F]);
  return out;
}

bool usable_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 255) return false;
  for (char c : id)
    if (c < 0x21 || c > 0x7E) return false;
  return true;
}

std::string correlation_for(std::string_view received_correlation) {
  return usable_id(received_correlation) ? std::string(received_correlation) : uuid_v4();
}

trace_ids inbound_ids(std::string_view received_request_id, std::string_view received_correlation) {
  return {usable_id(received_request_id) ? std::string(received_request_id) : uuid_v4(),
          correlation_for(received_correlation)};
}

trace_ids toiop_outbound(std::string_view inbound_correlation) { return {uuid_v4(), correlation_for(inbound_correlation)}; }

std::string toiop_response_request_id(std::string_view inbound_request_id, std::string_view outbound_request_id) {
  return std::string(usable_id(inbound_request_id) ? inbound_request_id : outbound_request_id);
}

trace_ids toiop_response(std::string_view inbound_request_id, const trace_ids& outbound) {
  return {toiop_response_request_id(inbound_request_id, outbound.request_id), outbound.correlation_id};
}

trace_ids fromiop_outbound(std::string_view iop_correlation) { return {uuid_v4(), correlation_for(iop_correlation)}; }

trace_ids fromiop_response(const trace_ids& iop_request) { return iop_request; }

trace_ids callback_outbound(std::string_view command_correlation) {
  return {uuid_v4(), correlation_for(command_correlation)};
}

trace_ids retry_outbound(std::string_view original_correlation) {
  return {uuid_v4(), correlation_for(original_correlation)};
}

trace_ids proxy_initiated(std::optional<std::string_view> trigger_correlation) {
  return {uuid_v4(), correlation_for(trigger_correlation.value_or(std::string_view{}))};
}

}  // namespace ocpi::proxy
