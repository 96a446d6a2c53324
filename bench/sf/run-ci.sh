#!/usr/bin/env bash
# Store-and-forward benchmark (issue 5): direct path vs durable enqueue vs replay, on 127.0.0.1,
# same run, release build. Prints a table and
#   RESULT sf_enqueue_vs_direct <ratio>
#   RESULT sf_replay_vs_direct <ratio>
# Bounded: each phase stops after SF_BENCH_REQUESTS requests or SF_BENCH_PHASE_S seconds.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"
# SF_BENCH_BUILD_DIR: binaries of another build (e.g. build/asan for a quick look), nothing built.
build="${SF_BENCH_BUILD_DIR:-build/release}"
if [[ -z "${SF_BENCH_BUILD_DIR:-}" ]]; then
  cmake --preset release >/dev/null
  cmake --build build/release --target ocpi-bridge ocpi-hub-sim ocpi-legacy-sim
fi
exec timeout 120 python3 "$here/sf_bench.py" \
  --bridge "$repo/$build/ocpi-bridge" \
  --hub-sim "$repo/$build/tests/peers/ocpi-hub-sim" \
  --legacy-sim "$repo/$build/tests/peers/ocpi-legacy-sim" "$@"
