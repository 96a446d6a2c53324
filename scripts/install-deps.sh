#!/usr/bin/env bash
# Installs the Debian packages ocpi-bridge needs, idempotently: packages already present are
# skipped, so a second run costs one dpkg query. Run as root (or with sudo available).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost1.81-dev libboost-program-options1.81-dev
  libsimdjson-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libssl-dev
  doctest-dev libsqlite3-dev libbenchmark-dev libtomlplusplus-dev
  openssl ca-certificates curl python3 python3-jsonschema
  clang libclang-rt-14-dev
)
# Optional extras for benchmarks (bench/run-ci.sh, bench/proxy_bench.py): wrk, nginx, valgrind (callgrind).
if [[ "${OCPI_WITH_BENCH_TOOLS:-0}" == 1 ]]; then packages+=(wrk nginx-light valgrind); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
