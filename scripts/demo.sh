#!/usr/bin/env bash
# Builds the bridge and the bundled simulated peers, starts them on 127.0.0.1 on the bridge's
# embedded default configuration, and drives one flow across the bridge in each direction:
#   1. the legacy 2.1.1 CPO pushes a Location, the 2.2.1 hub receives it translated;
#   2. the hub pushes a Location to the legacy 2.1.1 eMSP through the bridge;
#   3. the hub pulls the legacy CPO's Locations through the bridge (paginated);
#   4.-6. a Token push, a real-time authorization, a remote START_SESSION and its callback.
# The bridge keeps running (its one-line-per-exchange log on stderr) until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc 2>/dev/null || echo 2)" --target ocpi-bridge ocpi-hub-sim ocpi-legacy-sim
exec python3 scripts/demo.py build/release
