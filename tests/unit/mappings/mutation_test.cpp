// Bounded randomized robustness test (issue 3): every object kind x direction x shape, fed mutated
// golden inputs from tests/data, must end cleanly: valid JSON out, suppressed, or a refusal
// tests/fuzz/harness.hpp calls clean. The libFuzzer target explores further but is too slow for
// CI; this runs inside the normal ASan+UBSan build with a fixed seed and a fixed iteration count,
// so a run is deterministic and a failure replays exactly:
//   OCPI_MUTATION_SEED=S OCPI_MUTATION_ONLY=I ocpi_unit_tests --test-suite=mutation
// OCPI_MUTATION_ITERATIONS=N changes the count (more for a longer local hunt).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "fuzz/harness.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define OCPI_HAVE_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OCPI_HAVE_SANITIZER 1
#endif
#endif
#ifdef OCPI_HAVE_SANITIZER
#include <sanitizer/common_interface_defs.h>
#endif

using namespace ocpi;
using nlohmann::json;

namespace {

constexpr std::uint64_t default_seed = 20240601;
// Every one of the 108 kind/direction/shape combinations gets iterations / 108 inputs; 10800 take
// about 40 s under ASan -O0 on the 2-core machine.
constexpr std::uint64_t default_iterations = 10800;

std::uint64_t env_u64(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 0) : fallback;
}

// A golden input and the request its pair uses (tests/data/golden_cases.json).
struct seed_input {
  fuzz::selector sel;
  json value;  // one object (list inputs contribute each element)
};

int party_index(const json& parties, const std::string& name) {
  if (name == "CPO-A") return 0;
  if (name == "CPO-B") return 1;
  if (name == "EMSP-A") return 2;
  return parties.at(name).value("role", "CPO") == "EMSP" ? 2 : 1;
}

std::vector<seed_input> golden_seeds() {
  const std::string root = OCPI_TEST_DATA;
  const json manifest = json::parse(fuzz::read_file(root + "/golden_cases.json"));
  std::vector<seed_input> seeds;
  for (const auto& c : manifest["cases"]) {
    for (const char* d : {"up", "down"}) {
      if (!c.contains(d)) continue;
      const json& p = c[d];
      fuzz::selector s;
      s.kind = *parse_object_kind(c["object"].get<std::string>());
      s.dir = std::string(d) == "up" ? direction::up : direction::down;
      const std::string shape = c.value("shape", "object");
      s.shape = shape == "patch" ? input_shape::patch : shape == "list" ? input_shape::list : input_shape::object;
      s.party = party_index(manifest["parties"], p["party"].get<std::string>());
      const std::string to = p.value("recipient", "");
      s.recipient_choice = to == "hub" ? 0 : to == "legacy_cpo" ? 1 : to == "legacy_emsp" ? 2 : 3;
      const json owner = p.contains("owner") ? p["owner"] : json(s.dir == direction::up ? "legacy" : "");
      s.owner = owner == "FR*EMP" ? 2 : owner == "BE*BEC" ? 3 : owner.is_string() && owner != "" ? 1 : 0;
      s.command = p.value("command", "") == "START_SESSION" ? 1 : 0;
      s.token_uid = p.contains("token_uid");
      s.from = p.contains("sender");
      const std::string in =
          root + "/" + c["case"].get<std::string>() + (s.dir == direction::up ? ".v211.json" : ".v221.json");
      const json v = json::parse(fuzz::read_file(in));
      if (v.is_array()) {
        for (const auto& e : v) seeds.push_back({s, e});
      } else {
        seeds.push_back({s, v});
      }
    }
  }
  // CancelReservation has no golden pair (2.1.1 has no such command): the 2.2.1 example body.
  for (const direction dir : {direction::up, direction::down}) {
    fuzz::selector s;
    s.kind = object_kind::cancel_reservation;
    s.dir = dir;
    s.party = 1;
    seeds.push_back(
        {s, json::parse(R"({"response_url":"https://emsp.example.com/ocpi/2.2.1/commands/CANCEL_RESERVATION/8",
                                        "reservation_id":"RES-1"})")});
  }
  return seeds;
}

// --- structured mutations: nlohmann values with raw-text placeholders --------------------------
// Text nlohmann cannot hold (1e400, invalid UTF-8, duplicate keys) is put in as a placeholder
// string and substituted after dump().
struct raw_texts {
  std::vector<std::string> texts;
  json placeholder(std::string raw) {
    texts.push_back(std::move(raw));
    return "@@RAW" + std::to_string(texts.size() - 1) + "@@";
  }
  std::string render(const json& v) const {
    std::string s = v.dump();
    for (std::size_t i = texts.size(); i-- > 0;) {
      const std::string marker = "\"@@RAW" + std::to_string(i) + "@@\"";
      for (auto at = s.find(marker); at != std::string::npos; at = s.find(marker, at + texts[i].size()))
        s.replace(at, marker.size(), texts[i]);
    }
    return s;
  }
};

using rng = std::mt19937_64;

std::size_t pick(rng& r, std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(r); }

void collect_pointers(const json& v, const json::json_pointer& at, std::vector<json::json_pointer>& out) {
  out.push_back(at);
  if (v.is_object())
    for (auto it = v.begin(); it != v.end(); ++it) collect_pointers(it.value(), at / it.key(), out);
  else if (v.is_array())
    for (std::size_t i = 0; i < v.size(); ++i) collect_pointers(v[i], at / i, out);
}

std::string huge_string(rng& r) {
  static constexpr std::size_t sizes[] = {37, 256, 4097, 70000, 300000};
  const std::size_t n = sizes[pick(r, std::size(sizes))];
  static constexpr const char* fills[] = {"A", "\xc3\xa9", "\xf0\x9f\x94\x8c", "\\\"", "\\u00e9"};
  const std::string fill = fills[pick(r, std::size(fills))];
  std::string s = "\"";
  while (s.size() < n) s += fill;
  return s + "\"";
}

std::string deep_nesting(rng& r) {
  static constexpr std::size_t depths[] = {64, 1100, 5000};
  const std::size_t d = depths[pick(r, std::size(depths))];
  const bool objects = pick(r, 2) == 0;
  std::string s;
  for (std::size_t i = 0; i < d; ++i) s += objects ? "{\"a\":" : "[";
  s += "1";
  for (std::size_t i = 0; i < d; ++i) s += objects ? "}" : "]";
  return s;
}

const char* const odd_numbers[] = {"1e400",
                                   "-1e400",
                                   "1e-400",
                                   "18446744073709551616",
                                   "-9223372036854775809",
                                   "123456789012345678901234567890",
                                   "9007199254740993",
                                   "-0",
                                   "0.0000000000000000001",
                                   "1E+308",
                                   "4.9e-324",
                                   "-1",
                                   "0",
                                   "2147483648",
                                   "1.7976931348623157e309"};
const char* const bad_strings[] = {"\"\xff\"",
                                   "\"\xc0\xaf\"",
                                   "\"\xed\xa0\x80\"",
                                   "\"\xf4\x90\x80\x80\"",
                                   "\"ab\xe2\x82\"",
                                   "\"\\ud800\"",
                                   "\"\\udc00x\"",
                                   "\"\\u0000\"",
                                   "\"\\uZZZZ\"",
                                   "\"\x01\x1f\"",
                                   "\"\"",
                                   "\" \"",
                                   "\"#NA\"",
                                   "\"null\"",
                                   "\"2024-13-45T25:61:61Z\"",
                                   "\"2024-06-01T12:00:00.123456789+14:00\"",
                                   "\"9999-12-31T23:59:59Z\""};
const char* const wrong_types[] = {"0",  "-1", "1.5", "true",      "false",  "null", "\"\"", "\"x\"",
                                   "[]", "{}", "[1]", "{\"a\":1}", "[null]", "[{}]", "\"1\""};

// A member added twice (first and last wins disagree), with the same or a different value.
std::string with_duplicate(rng& r, const json& obj) {
  std::string text = obj.dump();
  if (obj.empty()) return text;
  auto it = obj.begin();
  std::advance(it, static_cast<std::ptrdiff_t>(pick(r, obj.size())));
  const std::string value = pick(r, 2) ? it.value().dump() : wrong_types[pick(r, std::size(wrong_types))];
  const std::string member = json(it.key()).dump() + ":" + value;
  if (pick(r, 2)) return "{" + member + "," + text.substr(1);
  return text.substr(0, text.size() - 1) + "," + member + "}";
}

void mutate_structure(rng& r, json& root, raw_texts& raw) {
  std::vector<json::json_pointer> ptrs;
  collect_pointers(root, json::json_pointer(), ptrs);
  const json::json_pointer at = ptrs[pick(r, ptrs.size())];
  json& node = root[at];
  switch (pick(r, 10)) {
    case 0:
      node = raw.placeholder(huge_string(r));
      break;
    case 1:
      node = raw.placeholder(deep_nesting(r));
      break;
    case 2:
      node = raw.placeholder(wrong_types[pick(r, std::size(wrong_types))]);
      break;
    case 3:
      node = raw.placeholder(odd_numbers[pick(r, std::size(odd_numbers))]);
      break;
    case 4:
      node = raw.placeholder(bad_strings[pick(r, std::size(bad_strings))]);
      break;
    case 5:
      if (node.is_object())
        node = raw.placeholder(with_duplicate(r, node));
      else
        node = raw.placeholder(bad_strings[pick(r, std::size(bad_strings))]);
      break;
    case 6:  // remove a member or an element (a mandatory field missing)
      if (node.is_object() && !node.empty()) {
        auto it = node.begin();
        std::advance(it, static_cast<std::ptrdiff_t>(pick(r, node.size())));
        node.erase(it);
      } else if (node.is_array() && !node.empty()) {
        node.erase(pick(r, node.size()));
      } else {
        node = nullptr;
      }
      break;
    case 7:  // unknown member or extra element
      if (node.is_object())
        node["x_unknown"] = json::array({1, "a", nullptr});
      else if (node.is_array() && !node.empty())
        node.push_back(node[pick(r, node.size())]);
      else
        node = json::array({node});
      break;
    case 8:  // a long array of copies (pages of thousands of elements)
      if (node.is_array() && !node.empty()) {
        const json e = node[0];
        for (int i = 0; i < 500; ++i) node.push_back(e);
      } else {
        node = json::array({node, node});
      }
      break;
    default:  // a string around the CiString/String limits, or case-folded
      if (node.is_string()) {
        std::string s = node.get<std::string>();
        static constexpr std::size_t lengths[] = {0, 2, 3, 36, 37, 39, 40, 255, 256};
        s.resize(lengths[pick(r, std::size(lengths))], 'z');
        node = s;
      } else {
        node = "Z";
      }
  }
}

// --- byte mutations of the rendered text -----------------------------------------------------
void mutate_bytes(rng& r, std::string& s) {
  if (s.empty()) s = "{";
  switch (pick(r, 6)) {
    case 0:
      for (std::size_t n = 1 + pick(r, 8); n-- > 0;) s[pick(r, s.size())] ^= static_cast<char>(1U << pick(r, 8));
      break;
    case 1:
      s.resize(pick(r, s.size()));
      break;
    case 2: {
      static constexpr char tokens[] = "{}[]\",:\\ \x00\xff\x80-+.eE0t";
      std::string ins;
      for (std::size_t n = 1 + pick(r, 4); n-- > 0;) ins += tokens[pick(r, sizeof tokens - 1)];
      s.insert(pick(r, s.size() + 1), ins);
      break;
    }
    case 3: {
      const std::size_t from = pick(r, s.size());
      s.erase(from, 1 + pick(r, std::min<std::size_t>(64, s.size() - from)));
      break;
    }
    case 4: {  // splice a copy of one range somewhere else
      const std::size_t from = pick(r, s.size());
      const std::string part = s.substr(from, 1 + pick(r, 200));
      s.insert(pick(r, s.size() + 1), part);
      break;
    }
    default:
      s.insert(pick(r, s.size() + 1), std::string(70000, pick(r, 2) ? 'A' : '['));
  }
}

// --- the run ---------------------------------------------------------------------------------
struct current_case {
  std::uint64_t seed = 0, iteration = 0;
  std::string input;  // header + body, as the fuzzer and tests/fuzz/regressions/ take it
};
current_case current;

std::string write_input() {
  const std::string name =
      "mutation-failure-" + std::to_string(current.seed) + "-" + std::to_string(current.iteration) + ".bin";
  if (std::FILE* f = std::fopen(name.c_str(), "wb")) {
    std::fwrite(current.input.data(), 1, current.input.size(), f);
    std::fclose(f);
  }
  return name;
}

void save_reproducer() {
  const std::string name = write_input();
  std::fprintf(stderr,
               "mutation: failed at OCPI_MUTATION_SEED=%llu OCPI_MUTATION_ONLY=%llu (input saved as %s; replay with "
               "ocpi_unit_tests --test-suite=mutation, or the fuzzer)\n",
               static_cast<unsigned long long>(current.seed), static_cast<unsigned long long>(current.iteration),
               name.c_str());
}

#ifdef OCPI_HAVE_SANITIZER
void on_sanitizer_death() { save_reproducer(); }
#endif

// GCC links ASan and UBSan as two runtimes: a UBSan report ends the process without the death
// callback above. So the iteration under way is also kept in a small file, rewritten in place
// before each one (one pwrite, no flush: the kernel keeps it when the process dies).
class breadcrumb {
 public:
  breadcrumb() : fd_(::open("mutation-current.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644)) {}
  ~breadcrumb() {
    if (fd_ < 0) return;
    ::close(fd_);
    ::unlink("mutation-current.txt");
  }
  void note(std::uint64_t seed, std::uint64_t i) const {
    char line[96];
    const int n = std::snprintf(line, sizeof line, "OCPI_MUTATION_SEED=%llu OCPI_MUTATION_ONLY=%-20llu\n",
                                static_cast<unsigned long long>(seed), static_cast<unsigned long long>(i));
    if (fd_ < 0 || n <= 0) return;
    [[maybe_unused]] const auto written = ::pwrite(fd_, line, static_cast<std::size_t>(n), 0);  // best effort
  }

 private:
  int fd_;
};

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Builds iteration i's input: combination i % 108, a golden seed of that kind and direction in
// that shape, its own request settings three times out of four, then 1-3 mutations.
std::string make_input(std::uint64_t seed, std::uint64_t i,
                       const std::map<std::pair<int, int>, std::vector<const seed_input*>>& pools) {
  rng r(splitmix(seed ^ splitmix(i)));
  const std::size_t combo = i % (fuzz::kind_count * 6);
  const int kind = static_cast<int>(combo / 6), dir = static_cast<int>(combo / 3 % 2);
  const auto& pool = pools.at({kind, dir});
  const seed_input& base = *pool[pick(r, pool.size())];
  fuzz::selector sel = base.sel;
  sel.shape = static_cast<input_shape>(combo % 3);
  if (pick(r, 4) == 0) {
    const auto random = fuzz::decode(std::array<std::uint8_t, 3>{
        static_cast<std::uint8_t>(kind), static_cast<std::uint8_t>(r()), static_cast<std::uint8_t>(r())}
                                         .data());
    sel = random;
    sel.dir = static_cast<direction>(dir);
    sel.shape = static_cast<input_shape>(combo % 3);
  }
  json body = base.value;
  if (sel.shape == input_shape::list) {
    body = json::array({body});
    for (std::size_t n = pick(r, 3); n-- > 0;) body.push_back(pool[pick(r, pool.size())]->value);
  }
  raw_texts raw;
  const std::size_t structural = pick(r, 3);  // 0-2 structured mutations ...
  for (std::size_t n = 0; n < structural; ++n) mutate_structure(r, body, raw);
  std::string text = raw.render(body);
  if (structural == 0 || pick(r, 3) == 0) mutate_bytes(r, text);  // ... and/or a byte-level one
  const auto header = fuzz::encode(sel);
  return std::string(header.begin(), header.end()) + text;
}

// Runs one header+body input; returns the problem, empty when clean.
std::string run_one(const std::string& input, const memory_context& normal, const memory_context& alternate,
                    bool caller_padding) {
  if (input.size() < fuzz::header_size) return "";
  const auto sel = fuzz::decode(reinterpret_cast<const std::uint8_t*>(input.data()));
  memory_context ctx = sel.alternate_options ? alternate : normal;
  const translate_request req = fuzz::make_request(sel, ctx);
  std::string body = input.substr(fuzz::header_size);
  std::size_t capacity = 0;
  if (caller_padding) {  // the proxy's path: a buffer that already owns simdjson's padding
    body.reserve(body.size() + 64);
    capacity = body.capacity();
  }
  const auto r = translate(req, body, ctx, capacity);
  std::string problem = fuzz::check(r);
  if (!problem.empty())
    problem = std::string(to_string(req.kind)) + " " + std::string(to_string(req.dir)) + " shape " +
              std::to_string(static_cast<int>(req.shape)) + ": " + problem;
  return problem;
}

}  // namespace

TEST_SUITE("mutation") {
  TEST_CASE("issue 3: every translation survives mutated golden inputs (bounded, seeded)") {
    const std::uint64_t seed = env_u64("OCPI_MUTATION_SEED", default_seed);
    const std::uint64_t iterations = env_u64("OCPI_MUTATION_ITERATIONS", default_iterations);
    const char* only = std::getenv("OCPI_MUTATION_ONLY");
    std::fprintf(stderr,
                 "mutation: OCPI_MUTATION_SEED=%llu, %llu iterations (after a sanitizer report, mutation-current.txt "
                 "in the working directory names the iteration to replay)\n",
                 static_cast<unsigned long long>(seed), static_cast<unsigned long long>(iterations));
    const breadcrumb crumb;
#ifdef OCPI_HAVE_SANITIZER
    __sanitizer_set_death_callback(on_sanitizer_death);
#endif
    const auto seeds = golden_seeds();
    std::map<std::pair<int, int>, std::vector<const seed_input*>> pools;
    for (const auto& s : seeds) pools[{static_cast<int>(s.sel.kind), static_cast<int>(s.sel.dir)}].push_back(&s);
    REQUIRE(pools.size() == fuzz::kind_count * 2);  // a seed for every kind in both directions

    const memory_context normal = fuzz::fixture_context(OCPI_TEST_DATA, false);
    const memory_context alternate = fuzz::fixture_context(OCPI_TEST_DATA, true);
    std::uint64_t first = 0, last = iterations, failures = 0, ok = 0;
    if (only && *only) first = std::strtoull(only, nullptr, 0), last = first + 1;
    for (std::uint64_t i = first; i < last && failures < 5; ++i) {
      crumb.note(seed, i);
      current = {seed, i, make_input(seed, i, pools)};
      if (only && *only) write_input();  // a replay keeps its input even if a sanitizer ends it
      const std::string problem = run_one(current.input, normal, alternate, i % 2 == 1);
      if (problem.empty()) {
        ++ok;
        continue;
      }
      ++failures;
      save_reproducer();
      FAIL_CHECK(problem);
    }
    CHECK(ok == last - first);
  }

  TEST_CASE("issue 3: kept fuzz reproducers (tests/fuzz/regressions) end cleanly") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(OCPI_TEST_DATA).parent_path() / "fuzz" / "regressions";
    const memory_context normal = fuzz::fixture_context(OCPI_TEST_DATA, false);
    const memory_context alternate = fuzz::fixture_context(OCPI_TEST_DATA, true);
    int count = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().extension() == ".md") continue;
      CAPTURE(e.path().filename().string());
      ++count;
      const std::string input = fuzz::read_file(e.path());
      CHECK(run_one(input, normal, alternate, false) == "");
      CHECK(run_one(input, normal, alternate, true) == "");
    }
    CHECK(count > 0);
  }
}
