#pragma once
// One benchmarked translation: the request, the state it runs against, the input bytes and the
// expected output. Built from tests/data/golden_cases.json (golden_cases.cpp) or generated
// (generated_inputs.cpp); checked once before it is timed (check_case).
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "ocpi/mapping.hpp"
#include "ocpi/memory_context.hpp"

namespace ocpi::bench {

// Input text held in a buffer with simdjson's padding behind it, so that translate() and the
// simdjson baselines read it in place, as the proxy does with its receive buffer.
class padded_input {
 public:
  padded_input() = default;
  explicit padded_input(const std::string& text);
  std::string_view view() const { return {buf_.data(), size_}; }
  std::size_t capacity() const { return buf_.size(); }
  std::size_t size() const { return size_; }

 private:
  std::string buf_;
  std::size_t size_ = 0;
};

struct bench_case {
  std::string name;  // "locations/tv03_location_put/up"
  translate_request req;
  // The context owns the options the request's `legacy` points into: never copied.
  std::unique_ptr<memory_context> ctx;
  padded_input input;
  nlohmann::json expected;
  std::vector<std::string> adds;  // members the translation adds that `expected` lacks
};

// Translates once and compares with `expected` as parsed JSON (member order irrelevant, numbers by
// value). Returns the reason when they differ, nullopt when the case is right.
std::optional<std::string> check_case(bench_case& c);

std::string read_file(const std::string& path);

}  // namespace ocpi::bench
