#!/usr/bin/env bash
# The short, bounded benchmark pass CI runs after the tests (.ci/run): release build of the two
# targets it needs, the micro-benchmarks (every case checked before it is timed), then
# bench/sf/run-ci.sh when it exists. Prints the result tables and one
# `RESULT <name> <value>` line per ratio. It fails only when a benchmark is broken (a wrong output,
# a non-2xx answer under load), never on timing. Budget: a few minutes on an idle 2-core machine.
# Longer runs: see bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
OCPI_WITH_BENCH_TOOLS=1 scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake --preset release "${launcher[@]}" >/dev/null
cmake --build build/release -j "$jobs" --target ocpi_bench ocpi-bridge

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "== micro-benchmarks (bench/bench_main.cpp), CPU-time throughput ratios =="
build/release/bench/ocpi_bench --benchmark_min_time=0.02 --benchmark_format=json --benchmark_out="$out/micro.json" \
  --benchmark_out_format=json >/dev/null
python3 bench/report.py "$out/micro.json" --table

if [[ -x bench/sf/run-ci.sh ]]; then bench/sf/run-ci.sh; fi
