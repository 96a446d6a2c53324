// Which IOP answers end a queued request and which are retried (MAPPING §1.6.4, §4.14).
#include "proxy/router/store_forward.hpp"

#include <doctest/doctest.h>

using namespace ocpi::proxy;

namespace {

hop_result answer(unsigned http, std::optional<int> code) {
  hop_result h;
  h.up.res.result(http);
  if (code) h.env = parsed_envelope{*code, "", ""};
  return h;
}

hop_result failure(upstream_result::failure f) {
  hop_result h;
  h.up.fail = f;
  return h;
}

}  // namespace

TEST_CASE("store-and-forward: IOP answers classified as delivered, retried or dead letter") {
  CHECK(classify(answer(200, 1000)) == delivery::accepted);
  CHECK(classify(answer(201, 1000)) == delivery::accepted);
  // Transient: retried for ever.
  CHECK(classify(failure(upstream_result::failure::connect)) == delivery::transient);
  CHECK(classify(failure(upstream_result::failure::timeout)) == delivery::transient);
  CHECK(classify(failure(upstream_result::failure::reset)) == delivery::transient);
  CHECK(classify(answer(500, std::nullopt)) == delivery::transient);
  CHECK(classify(answer(503, 3000)) == delivery::transient);
  CHECK(classify(answer(401, 2000)) == delivery::transient);  // our token at IOP, not the content
  CHECK(classify(answer(403, std::nullopt)) == delivery::transient);
  CHECK(classify(answer(408, std::nullopt)) == delivery::transient);
  CHECK(classify(answer(429, std::nullopt)) == delivery::transient);
  CHECK(classify(answer(200, 4000)) == delivery::transient);
  CHECK(classify(answer(200, 4003)) == delivery::transient);
  CHECK(classify(answer(200, 4901)) == delivery::transient);
  CHECK(classify(answer(200, std::nullopt)) == delivery::transient);  // 2xx without an envelope
  // Permanent: the content was refused.
  CHECK(classify(answer(200, 2001)) == delivery::permanent);
  CHECK(classify(answer(400, 2001)) == delivery::permanent);
  CHECK(classify(answer(404, std::nullopt)) == delivery::permanent);
  CHECK(classify(answer(200, 3001)) == delivery::permanent);
  CHECK(classify(answer(200, 4001)) == delivery::permanent);
  CHECK(classify(answer(413, std::nullopt)) == delivery::permanent);
}

TEST_CASE("store-and-forward: a 2xx status line followed by a malformed head means IOP took it") {
  // IOP echoed a hostile id into a header: Beast refuses the answer after reading "201 Created".
  auto odd = failure(upstream_result::failure::protocol);
  odd.up.answered_status = 201;
  CHECK(classify(odd) == delivery::accepted);  // never POSTed again
  CHECK(taken_despite_malformed_answer(odd));
  forwarded f;
  f.hop = odd;
  CHECK(taken(f));  // what the caches wait for
  // No status line, or one that was not 2xx: nothing says IOP took it.
  CHECK(classify(failure(upstream_result::failure::protocol)) == delivery::transient);
  odd.up.answered_status = 500;
  CHECK(classify(odd) == delivery::transient);
  CHECK_FALSE(taken_despite_malformed_answer(odd));
}
