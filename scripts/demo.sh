#!/usr/bin/env bash
# Builds the bridge and the bundled simulated peers, starts them on 127.0.0.1 (the bridge on its
# embedded defaults, a fresh data directory, no static token), onboards the peers from zero as
# README "Onboarding" says (0.: a token A per peer from `ocpi-bridge admin token-a`, each peer
# registers), and drives a whole roaming day across the bridge, printing one line per message each
# side sent or received:
#   1.-9.   legacy 2.1.1 CPO -> 2.2.1 hub: Location and Tariff, a pull, the eMSP's Token, a real-time
#           authorization, remote START_SESSION and its result, Session PUT/PATCHes, STOP_SESSION, the CDR;
#   10.-15. hub -> legacy 2.1.1 eMSP: Location and Tariff, authorization at the eMSP, START_SESSION through
#           IOP and its result, Session PUT/PATCH, STOP_SESSION, the CDR.
# The bridge logs one line per exchange to /tmp/ocpi-demo-bridge.log; with --serve everything keeps
# running until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc 2>/dev/null || echo 2)" --target ocpi-bridge ocpi-hub-sim ocpi-legacy-sim
exec python3 scripts/demo.py build/release "$@"
