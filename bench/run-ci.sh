#!/usr/bin/env bash
# The short, bounded benchmark pass CI runs after the tests (.ci/run): a release build of what it
# needs, the micro-benchmarks (every case checked before it is timed), the proxy load
# benchmark, then bench/sf/run-ci.sh when it exists. Prints the result tables and one
# `RESULT <name> <value>` line per ratio. It fails only when a benchmark is broken (a wrong output,
# a non-2xx answer under load), never on timing. Longer runs: see bench/README.md.
#
# Everything it needs is built up front in one release build (the micro-benchmarks, the bridge and
# the simulated peers bench/sf uses): a cold build takes about 6 minutes of wall time on 2 cores,
# the measurements about 5 more. An earlier version skipped the proxy benchmark when the build did
# not fit a time budget, but bench/sf needs the same release bridge anyway, so skipping saved
# nothing and left CI without proxy numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
OCPI_WITH_BENCH_TOOLS=1 scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
# Without -g: the same optimised code, about a quarter less compile time on a cold CI machine
# (proxy/router/bridge.cpp: 12.2 s -> 9.1 s of CPU)
# (symbols for perf stay in the symbol table; rebuild with the plain preset for line-level profiles).
cmake --preset release "${launcher[@]}" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG" >/dev/null
targets=(ocpi_bench ocpi-bridge)
[[ -x bench/sf/run-ci.sh ]] && targets+=(ocpi-hub-sim ocpi-legacy-sim)
cmake --build build/release -j "$jobs" --target "${targets[@]}"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "== micro-benchmarks (bench/bench_main.cpp): translation throughput over simdjson and nlohmann on the same bytes =="
build/release/bench/ocpi_bench --benchmark_min_time=0.05 --benchmark_format=json --benchmark_out="$out/micro.json" \
  --benchmark_out_format=json >/dev/null
python3 bench/report.py "$out/micro.json" --table

echo "== proxy load (bench/proxy_bench.py): nginx plain proxy vs ocpi-bridge vs the upstream directly =="
python3 bench/proxy_bench.py --bridge build/release/ocpi-bridge --bench build/release/bench/ocpi_bench \
  --duration 2 --repeat 3

if [[ -x bench/sf/run-ci.sh ]]; then bench/sf/run-ci.sh; fi
