#include <doctest/doctest.h>

#include <array>
#include <string>

#include "proxy/pipeline/envelope.hpp"
#include "proxy/pipeline/token_codec.hpp"

using namespace ocpi::proxy;

TEST_CASE("pipeline token_codec: base64 round trips RFC 4648 vectors") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foob") == "Zm9vYg==");
  CHECK(base64_encode("fooba") == "Zm9vYmE=");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(base64_encode(std::string("\xff\xfe\x00", 3)) == "//4A");
  for (const char* s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) CHECK(base64_decode(base64_encode(s)) == std::string(s));
}

TEST_CASE("pipeline token_codec: tolerant base64 decode") {
  CHECK(base64_decode("Zg") == std::string("f"));      // padding missing
  CHECK(base64_decode("Zm8") == std::string("fo"));
  CHECK(base64_decode("Zm9vYg") == std::string("foob"));
  CHECK_FALSE(base64_decode("Zm9v!"));                 // outside the alphabet
  CHECK_FALSE(base64_decode("Zm 9v"));
  CHECK_FALSE(base64_decode("Zm9v-_"));                // base64url is not the 2.2.1 encoding
  CHECK_FALSE(base64_decode("Z"));                     // impossible length
  CHECK_FALSE(base64_decode("Zg="));                   // padding present but wrong
  CHECK_FALSE(base64_decode("Zg===="));
  CHECK_FALSE(base64_decode("Z=g="));                  // '=' in the middle
}

TEST_CASE("TV-01 outbound Authorization toward IOP and toward legacy") {
  CHECK(authorization_value("iop-token-B-1234", true) == "Token aW9wLXRva2VuLUItMTIzNA==");
  CHECK(authorization_value("cpoa-legacy-token", false) == "Token cpoa-legacy-token");
  // Spec check: the spec's example value is the token plus "\n"; the encoder must not copy that.
  CHECK(base64_encode("example-token") == "ZXhhbXBsZS10b2tlbg==");
  CHECK(base64_decode("ZXhhbXBsZS10b2tlbgo=") == std::string("example-token\n"));
}

TEST_CASE("TV-01 inbound on the 2.2.1 face (1.3)") {
  const std::array<std::string_view, 2> known{"other-token", "proxy-token-C-5678"};
  const auto match = [&](std::string_view header) { return match_authorization(header, known, true); };

  SUBCASE("Base64") {
    auto m = match("Token cHJveHktdG9rZW4tQy01Njc4");
    REQUIRE(m);
    CHECK(m->index == 1);
    CHECK(m->sent_base64);
  }
  SUBCASE("Base64 of token + newline, as in the spec's examples") {
    auto m = match("Token cHJveHktdG9rZW4tQy01Njc4Cg==");
    REQUIRE(m);
    CHECK(m->index == 1);
    CHECK(m->sent_base64);
  }
  SUBCASE("Base64 of token + CRLF; only one newline is stripped") {
    CHECK(match("Token " + base64_encode("proxy-token-C-5678\r\n")));
    CHECK_FALSE(match("Token " + base64_encode("proxy-token-C-5678\n\n")));
  }
  SUBCASE("unencoded, tolerated") {
    auto m = match("Token proxy-token-C-5678");
    REQUIRE(m);
    CHECK(m->index == 1);
    CHECK_FALSE(m->sent_base64);
  }
  SUBCASE("scheme word case-insensitive, several spaces") {
    CHECK(match("token cHJveHktdG9rZW4tQy01Njc4"));
    CHECK(match("TOKEN   cHJveHktdG9rZW4tQy01Njc4"));
  }
  SUBCASE("unknown token -> 401 with an OCPI body") {
    CHECK_FALSE(match("Token cHJveHktdG9rZW4tQy01Njc5"));
    CHECK(write_envelope(2000, "unknown token", "2024-06-01T12:00:00Z") ==
          R"({"status_code":2000,"status_message":"unknown token","timestamp":"2024-06-01T12:00:00Z"})");
  }
  SUBCASE("other scheme or malformed -> 401") {
    CHECK_FALSE(match("Bearer cHJveHktdG9rZW4tQy01Njc4"));
    CHECK_FALSE(match(""));
    CHECK_FALSE(match("Token"));
    CHECK_FALSE(match("Token   "));
    CHECK_FALSE(match("TokencHJveHktdG9rZW4tQy01Njc4"));
    CHECK_FALSE(match("Tokens cHJveHktdG9rZW4tQy01Njc4"));
  }
}

TEST_CASE("TV-01 inbound on the 2.1.1 face from CPO-A (1.3)") {
  const std::array<std::string_view, 1> known{"cpoa-calls-proxy"};
  auto raw = match_authorization("Token cpoa-calls-proxy", known, false);
  REQUIRE(raw);
  CHECK_FALSE(raw->sent_base64);
  auto b64 = match_authorization("Token Y3BvYS1jYWxscy1wcm94eQ==", known, false);
  REQUIRE(b64);
  CHECK(b64->sent_base64);
}

TEST_CASE("pipeline token_codec: each face tries its own rule first (1.3 step 4)") {
  // The 2.1.1 example token is itself valid Base64; so is its decoding's encoding. Register both a
  // raw token and a token equal to its decoding: the face decides which one is meant.
  const std::string raw = "IpbJOXxkxOAuKR92z0nEcmVF3Qw09VG7I7d/WCg0koM=";
  const std::string decoded = *base64_decode(raw);
  const std::array<std::string_view, 2> known{decoded, raw};
  auto on_211 = match_authorization("Token " + raw, known, false);
  REQUIRE(on_211);
  CHECK(on_211->index == 1);
  CHECK_FALSE(on_211->sent_base64);
  auto on_221 = match_authorization("Token " + raw, known, true);
  REQUIRE(on_221);
  CHECK(on_221->index == 0);
  CHECK(on_221->sent_base64);
}

TEST_CASE("pipeline token_codec: empty known tokens never match, comparison is exact") {
  const std::array<std::string_view, 2> known{"", "abc"};
  CHECK_FALSE(match_authorization("Token =", known, true));
  CHECK_FALSE(match_authorization("Token ABC", known, false));
  CHECK(constant_time_equal("abc", "abc"));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "abcd"));
  CHECK(constant_time_equal("", ""));
}
