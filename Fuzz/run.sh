#!/usr/bin/env bash
# Builds one libFuzzer harness and runs it for SECONDS (default 60) over a corpus seeded from the repository's own
# files:   [FUZZ_SKIP_BUILD=1] Fuzz/run.sh yaml|policy|csharp|manifest|request [SECONDS] [extra libFuzzer flags...]
# The harnesses are targets of Package.swift only when APIMSYNC_FUZZ=1, built with -sanitize=fuzzer,address in
# .build-fuzz/ (git-ignored); normal builds never see them. The corpus grows in .build-fuzz/corpus/HARNESS, crash
# inputs land in .build-fuzz/crashes/HARNESS/. Exit status: libFuzzer's (0: no finding). See docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: Fuzz/run.sh yaml|policy|csharp|manifest|request [SECONDS] [libFuzzer flags...]"
harness="${1:?$usage}"
seconds="${2:-60}"
shift $(($# >= 2 ? 2 : 1))
case "$harness" in
yaml | policy | csharp | manifest | request) ;;
*)
    echo "$usage" >&2
    exit 2
    ;;
esac

# A crashing Swift process otherwise starts the backtracer, which can hang the fuzzer.
export APIMSYNC_FUZZ=1 SWIFT_BACKTRACE=enable=no
scratch=.build-fuzz
mkdir -p "$scratch"
# One-time initialisers of `static let` globals and a swift-foundation leak are no findings (see the files).
cat Tests/lsan-suppressions.txt Fuzz/lsan-suppressions.txt >"$scratch/lsan-suppressions.txt"
export LSAN_OPTIONS="suppressions=$PWD/$scratch/lsan-suppressions.txt${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# Release: ~50x the executions per second of a debug build. -enable-testing: `request` uses @testable import.
flags=(--scratch-path "$scratch" -c release -Xswiftc -enable-testing
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
# FUZZ_SKIP_BUILD=1: run the harness as last built (e.g. while another product builds in the same scratch path).
[ "${FUZZ_SKIP_BUILD:-0}" = 1 ] || swift build "${flags[@]}" --product "fuzz-$harness"
binary="$scratch/release/fuzz-$harness"

corpus="$scratch/corpus/$harness"
artifacts="$scratch/crashes/$harness" # not artifacts/: SwiftPM owns and clears that folder
mkdir -p "$corpus" "$artifacts"
seed() { # copies tracked files matching the given git pathspecs into the corpus, named by content hash
    git ls-files -z -- "$@" | while IFS= read -r -d '' file; do
        [ -f "$file" ] && cp "$file" "$corpus/seed-$(sha1sum <"$file" | cut -c1-16)"
    done
}
case "$harness" in
yaml) seed '*.yaml' '*.yml' ;;
manifest) seed 'manifests/*.yaml' 'Tests/Fixtures/*.yaml' 'Tests/ManifestsTests/Goldens/*.yaml' ;;
policy) seed '*.xml' ;;
csharp)
    # Each line of the policies that holds an expression, from its first `@(`/`@{` on.
    git ls-files -z -- '*.xml' | xargs -0 grep -ohE '@[({].*' | head -n 2000 | while IFS= read -r line; do
        printf '%s' "$line" >"$corpus/seed-$(printf '%s' "$line" | sha1sum | cut -c1-16)"
    done
    ;;
request)
    # A request target line, then a body: the tracked JSON files that fit, and targets with each kind of query.
    service=/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/apim
    for query in "apis/aoai?api-version=2024-05-01" "apis?\$filter=startswith(name,'aoai')%20and%20isCurrent%20eq%20true" \
        "tags?\$filter=not%20(displayName%20ne%20'x'%20or%20priority%20ge%202)" "apis/a/operations/o/policies/policy" \
        "backends/b/reconnect" "products?\$filter=contains(name,'a%27b')&\$top=10&skip=+1"; do
        printf '%s/%s\n{}' "$service" "$query" >"$corpus/seed-$(printf '%s' "$query" | sha1sum | cut -c1-16)"
    done
    git ls-files -z -- '*.json' | while IFS= read -r -d '' file; do
        [ "$(wc -c <"$file")" -le 4000 ] || continue
        { printf '%s/apis/a?api-version=2024-05-01\n' "$service"; cat "$file"; } >"$corpus/seed-$(sha1sum <"$file" | cut -c1-16)"
    done
    ;;
esac

# The manifest harness's temporary repository, should the run end without removing it.
export TMPDIR="$PWD/$scratch/tmp"
mkdir -p "$TMPDIR"
echo "fuzz-$harness: $(find "$corpus" -type f | wc -l) corpus files, $seconds s"
exec nice -n 19 "$binary" -max_total_time="$seconds" -max_len=4096 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$@" "$corpus"
