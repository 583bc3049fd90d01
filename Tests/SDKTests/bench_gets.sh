#!/usr/bin/env bash
# Loopback GET benchmark of the emulator: fails unless it serves at least MIN_RPS GETs per second.
# Usage: Tests/SDKTests/bench_gets.sh PATH/TO/release/apimsync [COUNT] [MIN_RPS]
set -euo pipefail
if [[ $# -lt 1 ]]; then
    echo "usage: $0 APIMSYNC_RELEASE_BINARY [COUNT=20000] [MIN_RPS=2000]" >&2
    exit 2
fi
"$1" emulator --bench-gets "${2:-20000}" --bench-connections 8 --bench-min-rps "${3:-2000}"
