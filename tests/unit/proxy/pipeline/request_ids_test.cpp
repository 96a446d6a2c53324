#include <doctest/doctest.h>

#include <set>
#include <string>

#include "proxy/pipeline/request_ids.hpp"

using namespace ocpi::proxy;

namespace {
bool is_uuid_v4(const std::string& s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
  }
  return s[14] == '4' && (s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b');
}
bool is_b64url(const std::string& s) {
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
}
}  // namespace

TEST_CASE("1.5 pipeline uuid_v4: RFC 4122 text form, unique") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = uuid_v4();
    CHECK(is_uuid_v4(id));
    seen.insert(std::move(id));
  }
  CHECK(seen.size() == 1000);
}

TEST_CASE("1.2.3 pipeline random_b64url: 128 bits -> 22 chars, 32 bytes -> 43 chars, no padding") {
  std::set<std::string> seen;
  for (int i = 0; i < 500; ++i) {
    auto cbid = random_b64url(16);
    CHECK(cbid.size() == 22);
    CHECK(is_b64url(cbid));
    seen.insert(cbid);
  }
  CHECK(seen.size() == 500);
  const auto token = random_b64url(32);
  CHECK(token.size() == 43);
  CHECK(is_b64url(token));
  CHECK(random_b64url(3).size() == 4);
  CHECK(random_b64url(0).empty());
}

TEST_CASE("1.5 pipeline trace ids: ToIOP rows") {
  SUBCASE("legacy sent a correlation id: propagated, new request id per attempt") {
    const auto first = toiop_outbound("legacy-corr");
    const auto retry = toiop_outbound("legacy-corr");
    CHECK(first.correlation_id == "legacy-corr");
    CHECK(is_uuid_v4(first.request_id));
    CHECK(first.request_id != retry.request_id);
  }
  SUBCASE("no correlation id: a new one, fixed at arrival and reused") {
    const auto corr = correlation_for("");
    CHECK(is_uuid_v4(corr));
    CHECK(toiop_outbound(corr).correlation_id == corr);
    CHECK(is_uuid_v4(toiop_outbound("").correlation_id));
  }
  SUBCASE("response to legacy: echo its request id, else the outbound one") {
    const trace_ids out{"out-req", "corr"};
    CHECK(toiop_response_request_id("legacy-req", "out-req") == "legacy-req");
    CHECK(toiop_response_request_id("", "out-req") == "out-req");
    const auto resp = toiop_response("", out);
    CHECK(resp.request_id == "out-req");
    CHECK(resp.correlation_id == "corr");
  }
}

TEST_CASE("1.5 pipeline trace ids: FromIOP rows") {
  const auto in = inbound_ids("iop-req", "iop-corr");
  CHECK(in.request_id == "iop-req");
  CHECK(in.correlation_id == "iop-corr");
  const auto to_legacy = fromiop_outbound(in.correlation_id);
  CHECK(to_legacy.correlation_id == "iop-corr");
  CHECK(to_legacy.request_id != "iop-req");
  const auto back = fromiop_response(in);
  CHECK(back.request_id == "iop-req");
  CHECK(back.correlation_id == "iop-corr");

  SUBCASE("IOP sent none: generated for logging, still answered") {
    const auto gen = inbound_ids("", "");
    CHECK(is_uuid_v4(gen.request_id));
    CHECK(is_uuid_v4(gen.correlation_id));
  }
  SUBCASE("unusable received ids are replaced, not echoed") {
    CHECK_FALSE(usable_id("has space"));
    CHECK_FALSE(usable_id(std::string(256, 'a')));
    CHECK(usable_id(std::string(255, 'a')));
    CHECK(is_uuid_v4(inbound_ids("bad\r\nid", "x").request_id));
  }
}

TEST_CASE("1.5 pipeline trace ids: callbacks, retries, proxy-initiated") {
  CHECK(callback_outbound("cmd-corr").correlation_id == "cmd-corr");
  CHECK(retry_outbound("orig-corr").correlation_id == "orig-corr");
  CHECK(proxy_initiated("trigger").correlation_id == "trigger");
  const auto alone = proxy_initiated();
  CHECK(is_uuid_v4(alone.request_id));
  CHECK(is_uuid_v4(alone.correlation_id));
  CHECK(alone.request_id != alone.correlation_id);
}
