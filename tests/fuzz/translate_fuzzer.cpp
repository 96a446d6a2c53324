// libFuzzer target over every translation: the first three bytes choose the object kind,
// direction, shape, legacy party, recipient, owner, options and URL parameters (harness.hpp), the
// rest is the body. Anything but a clean outcome (harness.hpp check()) aborts, so libFuzzer keeps
// the input. Build and run: tests/fuzz/README.md.
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "fuzz/harness.hpp"

namespace {

std::unique_ptr<ocpi::memory_context> normal, alternate;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // The context files of the golden suite, so mutated ids both hit and miss the caches.
  const char* dir = std::getenv("OCPI_TEST_DATA_DIR");
  const std::string data = dir && *dir ? dir : OCPI_TEST_DATA;
  normal = std::make_unique<ocpi::memory_context>(ocpi::fuzz::fixture_context(data, false));
  alternate = std::make_unique<ocpi::memory_context>(ocpi::fuzz::fixture_context(data, true));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < ocpi::fuzz::header_size) return -1;  // not worth keeping in the corpus
  const auto sel = ocpi::fuzz::decode(data);
  // A fresh copy per input: translations record id mappings, and an input must not depend on
  // the ones before it (libFuzzer replays crashes one at a time).
  ocpi::memory_context ctx = sel.alternate_options ? *alternate : *normal;
  const ocpi::translate_request req = ocpi::fuzz::make_request(sel, ctx);
  const std::string_view body(reinterpret_cast<const char*>(data) + ocpi::fuzz::header_size,
                              size - ocpi::fuzz::header_size);
  const auto r = ocpi::translate(req, body, ctx);
  if (const std::string problem = ocpi::fuzz::check(r); !problem.empty()) {
    std::fprintf(stderr, "translate %s %s shape %d: %s\n", std::string(ocpi::to_string(req.kind)).c_str(),
                 std::string(ocpi::to_string(req.dir)).c_str(), static_cast<int>(req.shape), problem.c_str());
    std::abort();
  }
  return 0;
}
