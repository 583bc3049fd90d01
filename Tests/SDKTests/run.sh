#!/usr/bin/env bash
# Drives the bundled APIM emulator with Microsoft's Python SDK (azure-mgmt-apimanagement).
# Usage: Tests/SDKTests/run.sh PATH/TO/apimsync [pytest args...]
set -euo pipefail

if [[ $# -lt 1 ]]; then
    echo "usage: $0 APIMSYNC_BINARY [pytest args...]" >&2
    exit 2
fi
binary="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shift
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"

work="$(mktemp -d "${TMPDIR:-/tmp}/apimsync-sdk.XXXXXX")"
emulator_pid=""
cleanup() {
    if [[ -n "$emulator_pid" ]] && kill -0 "$emulator_pid" 2>/dev/null; then
        kill "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"

# Every long-running operation needs two polls; the first answer is the one the swagger lists,
# which is what the generated SDK accepts.
# --tls: a second listener serves HTTPS with a self-signed certificate, which the TLS tests trust through
# REQUESTS_CA_BUNDLE, as a user of the unmodified SDK would.
"$binary" emulator --port 0 --state "$work/state.json" --async-polls 2 --async-status spec \
    --async-retry-after 0 --page-size 3 --tls --tls-certificate "$work/emulator.pem" \
    >"$work/emulator.out" 2>"$work/emulator.err" &
emulator_pid=$!

url=""
tls_url=""
for _ in $(seq 1 100); do
    if [[ -s "$work/emulator.out" ]]; then
        url="$(head -n 1 "$work/emulator.out" | sed -n 's/^listening on //p')"
        tls_url="$(sed -n 's/^listening on \(https:[^ ]*\).*/\1/p' "$work/emulator.out")"
        [[ -n "$url" && -n "$tls_url" ]] && break
    fi
    if ! kill -0 "$emulator_pid" 2>/dev/null; then
        echo "emulator exited before listening:" >&2
        cat "$work/emulator.err" >&2
        exit 1
    fi
    sleep 0.1
done
if [[ -z "$url" || -z "$tls_url" ]]; then
    echo "emulator did not report its addresses in time" >&2
    exit 1
fi
echo "emulator at $url and $tls_url"

status=0
APIMSYNC_EMULATOR_URL="$url" APIMSYNC_EMULATOR_TLS_URL="$tls_url" REQUESTS_CA_BUNDLE="$work/emulator.pem" \
    "$work/venv/bin/python" -m pytest -q -p no:cacheprovider "$here" "$@" || status=$?
if [[ $status -ne 0 ]]; then
    echo "--- emulator stderr ---" >&2
    tail -n 50 "$work/emulator.err" >&2 || true
fi
exit $status
