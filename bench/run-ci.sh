#!/usr/bin/env bash
# The short, bounded benchmark pass CI runs after the tests (.ci/run): a release build of the two
# targets it needs, the micro-benchmarks (every case checked before it is timed), the proxy load
# benchmark, then bench/sf/run-ci.sh when it exists. Prints the result tables and one
# `RESULT <name> <value>` line per ratio. It fails only when a benchmark is broken (a wrong output,
# a non-2xx answer under load), never on timing. Longer runs: see bench/README.md.
#
# Budget: OCPI_BENCH_BUDGET_S (default 480 s) for this whole script including the builds. A cold
# release build of ocpi-bridge takes longer than that on a 2-core machine: when it cannot finish
# in what is left of the budget, the proxy benchmark is skipped and says so. With ccache the
# objects compiled so far are kept, so a later run on the same machine gets further.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
budget=${OCPI_BENCH_BUDGET_S:-480}
proxy_run_s=120 # what the proxy benchmark below takes, start-up included
OCPI_WITH_BENCH_TOOLS=1 scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake --preset release "${launcher[@]}" >/dev/null
cmake --build build/release -j "$jobs" --target ocpi_bench

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "== micro-benchmarks (bench/bench_main.cpp): translation throughput over simdjson and nlohmann on the same bytes =="
build/release/bench/ocpi_bench --benchmark_min_time=0.05 --benchmark_format=json --benchmark_out="$out/micro.json" \
  --benchmark_out_format=json >/dev/null
python3 bench/report.py "$out/micro.json" --table

echo "== proxy load (bench/proxy_bench.py): nginx plain proxy vs ocpi-bridge vs the upstream directly =="
left=$((budget - (SECONDS - start) - proxy_run_s))
built=124
if ((left > 0)); then
  built=0
  timeout "$left" cmake --build build/release -j "$jobs" --target ocpi-bridge >"$out/build.log" 2>&1 || built=$?
fi
if ((built == 0)); then
  python3 bench/proxy_bench.py --bridge build/release/ocpi-bridge --bench build/release/bench/ocpi_bench \
    --duration 2 --repeat 3
elif ((built == 124)); then
  echo "proxy benchmark skipped: the release build of ocpi-bridge did not finish within the ${budget} s budget"
  echo "RESULT proxy_benchmark_skipped 1"
else
  cat "$out/build.log"
  exit "$built"
fi

if [[ -x bench/sf/run-ci.sh ]]; then bench/sf/run-ci.sh; fi
