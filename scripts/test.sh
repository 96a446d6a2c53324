#!/usr/bin/env bash
# Builds and runs every test: unit + conformance (doctest) and end-to-end (real binaries on
# 127.0.0.1), under AddressSanitizer + UBSan. This is the README's test command and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$jobs"
ctest --preset asan -j "$jobs" "$@"
