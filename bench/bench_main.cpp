// The micro-benchmarks of issue 6: every golden translation of tests/data and the generated inputs,
// each beside the baselines on the same bytes (simdjson DOM parse, DOM parse + serialize, and for
// the generated Location page and EVSE PATCH a straightforward nlohmann/json translation). Every
// case is checked before anything is timed; a wrong output exits 1 without timing anything.
//
//   ocpi_bench [--data=DIR] [--check-only] [Google Benchmark flags, e.g. --benchmark_filter=page]
//   ocpi_bench --print-location-page     (the generated 100-Location 2.2.1 page, for proxy_bench.py)
//   ocpi_bench --run=CASE --times=N      (N translations of one case, untimed: for callgrind, whose
//                                         instruction counts are the stable comparison on a busy machine)
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench_case.hpp"
#include "generated_inputs.hpp"
#include "golden_cases.hpp"
#include "nlohmann_baseline.hpp"

using namespace ocpi;
using namespace ocpi::bench;

namespace {

// A case's baselines parse the same padded bytes the translation reads.
void bm_translate(benchmark::State& state, bench_case* c) {
  for (auto _ : state) {
    translation t = translate(c->req, c->input.view(), *c->ctx, c->input.capacity());
    benchmark::DoNotOptimize(t.body.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c->input.size()));
}

void bm_simdjson_parse(benchmark::State& state, bench_case* c) {
  simdjson::dom::parser parser;
  for (auto _ : state) {
    auto doc = parser.parse(c->input.view().data(), c->input.size(), false);
    benchmark::DoNotOptimize(doc.error());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c->input.size()));
}

void bm_simdjson_parse_serialize(benchmark::State& state, bench_case* c) {
  simdjson::dom::parser parser;
  for (auto _ : state) {
    std::string out = simdjson::to_string(parser.parse(c->input.view().data(), c->input.size(), false).value());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c->input.size()));
}

void bm_nlohmann(benchmark::State& state, bench_case* c, std::string (*fn)(const std::string&)) {
  const std::string input(c->input.view());
  for (auto _ : state) {
    std::string out = fn(input);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c->input.size()));
}

std::string evse_patch_up(const std::string& in) { return nlohmann_evse_patch_up(in, "2024-06-01T12:00:00Z"); }

// What the baselines must produce: simdjson's serialization is the input, as parsed JSON.
bool check_simdjson(const bench_case& c) {
  simdjson::dom::parser parser;
  auto doc = parser.parse(c.input.view().data(), c.input.size(), false);
  if (doc.error()) return false;
  return nlohmann::json::parse(simdjson::to_string(doc.value())) == nlohmann::json::parse(c.input.view());
}

// The nlohmann baseline reproduces the golden Location down-conversions toward a legacy eMSP.
bool check_nlohmann_baseline(const std::string& data_dir) {
  bool ok = true;
  for (const char* pair : {"locations/tv07_location_to_emsp", "peers/tv07_location_put"}) {
    const std::string base = data_dir + "/" + pair;
    const auto got = nlohmann::json::parse(nlohmann_location_down(read_file(base + ".v221.json")));
    const std::string expected_file =
        std::strstr(pair, "peers/") ? data_dir + "/peers/tv07_location_put.expected.v211.json" : base + ".v211.json";
    if (got != nlohmann::json::parse(read_file(expected_file))) {
      std::fprintf(stderr, "CHECK FAILED nlohmann baseline on %s:\n  got      %s\n", pair, got.dump().c_str());
      ok = false;
    }
  }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data_dir = OCPI_BENCH_DATA;
  bool check_only = false;
  std::string run_case;
  long times = 1;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--data=", 7) == 0)
      data_dir = argv[i] + 7;
    else if (std::strcmp(argv[i], "--check-only") == 0)
      check_only = true;
    else if (std::strncmp(argv[i], "--run=", 6) == 0)
      run_case = argv[i] + 6;
    else if (std::strncmp(argv[i], "--times=", 8) == 0)
      times = std::atol(argv[i] + 8);
    else if (std::strcmp(argv[i], "--print-location-page") == 0)
      return std::printf("%s\n", location_page_v221(100).c_str()) < 0;
    else
      args.push_back(argv[i]);
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());

  std::vector<bench_case> cases;
  try {
    cases = golden_cases(data_dir);
    for (auto& g : generated_cases(data_dir)) cases.push_back(std::move(g));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ocpi_bench: %s\n", e.what());
    return 1;
  }
  int failures = check_nlohmann_baseline(data_dir) ? 0 : 1;
  for (auto& c : cases) {
    if (auto why = check_case(c)) {
      std::fprintf(stderr, "CHECK FAILED %s: %s\n", c.name.c_str(), why->c_str());
      ++failures;
    }
    if (!check_simdjson(c)) {
      std::fprintf(stderr, "CHECK FAILED %s: simdjson parse + serialize does not give the input back\n",
                   c.name.c_str());
      ++failures;
    }
  }
  std::fprintf(stderr, "ocpi_bench: %zu cases checked, %d failures\n", cases.size(), failures);
  if (failures) return 1;
  if (check_only) return 0;
  if (!run_case.empty()) {
    for (auto& c : cases)
      if (c.name == run_case) {
        for (long i = 0; i < times; ++i)
          benchmark::DoNotOptimize(translate(c.req, c.input.view(), *c.ctx, c.input.capacity()));
        return 0;
      }
    std::fprintf(stderr, "ocpi_bench: no case %s\n", run_case.c_str());
    return 1;
  }

  for (auto& c : cases) {
    benchmark::RegisterBenchmark(("translate/" + c.name).c_str(), bm_translate, &c);
    benchmark::RegisterBenchmark(("simdjson_parse/" + c.name).c_str(), bm_simdjson_parse, &c);
    benchmark::RegisterBenchmark(("simdjson_parse_serialize/" + c.name).c_str(), bm_simdjson_parse_serialize, &c);
    if (c.name == "generated/location_page_100/down")
      benchmark::RegisterBenchmark(("nlohmann/" + c.name).c_str(), bm_nlohmann, &c, &nlohmann_location_page_down);
    if (c.name == "generated/evse_status_patch/up")
      benchmark::RegisterBenchmark(("nlohmann/" + c.name).c_str(), bm_nlohmann, &c, &evse_patch_up);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
