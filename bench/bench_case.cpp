#include "bench_case.hpp"

#include <simdjson.h>

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace ocpi::bench {

padded_input::padded_input(const std::string& text)
    : buf_(text.size() + simdjson::SIMDJSON_PADDING, ' '), size_(text.size()) {
  buf_.replace(0, text.size(), text);
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  return {std::istreambuf_iterator<char>(f), {}};
}

std::optional<std::string> check_case(bench_case& c) {
  const translation t = translate(c.req, c.input.view(), *c.ctx, c.input.capacity());
  if (!t.ok()) return "refused: " + t.err->message + " at " + t.err->path;
  if (t.suppressed) return std::string("suppressed");
  nlohmann::json out;
  try {
    out = nlohmann::json::parse(t.body);
  } catch (const std::exception& e) {
    return std::string("output is not JSON: ") + e.what();
  }
  if (out.is_object())
    for (const auto& k : c.adds)
      if (!c.expected.contains(k)) out.erase(k);
  if (out != c.expected) return "output differs:\n  got      " + out.dump() + "\n  expected " + c.expected.dump();
  return std::nullopt;
}

}  // namespace ocpi::bench
