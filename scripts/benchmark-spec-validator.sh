#!/usr/bin/env bash
# Times SpecValidator over 5,000 typical request bodies (Tests/APIMSpecTests/TypicalBodies.swift, the same workload
# ValidatorWorkloadTests checks for correctness) in a release build of the APIMSpec module.
# Usage: scripts/benchmark-spec-validator.sh [rounds]   (default 15; prints the median and the best round)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-15}"

swift build -c release --target APIMSpec >/dev/null
bin="$(swift build -c release --show-bin-path)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cat >"$work/main.swift" <<'SWIFT'
import APIMSpec
import Model

@main
struct SpecValidatorBenchmark {
    static func main() {
        let rounds = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 15
        let clock = ContinuousClock()
        let load = clock.measure { _ = SpecCatalog.shared.versions }
        let bodies = TypicalBodies.make(count: 5_000)
        let validator = SpecValidator()
        var times: [Duration] = []
        var violations = 0
        for _ in 0..<rounds {
            times.append(
                clock.measure {
                    for (body, definition) in bodies {
                        violations += validator.validate(
                            body, definition: definition, version: TypicalBodies.version, checkRequired: true
                        ).count
                    }
                })
        }
        times.sort()
        func ms(_ duration: Duration) -> String {
            let value = Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15
            return "\((value * 100).rounded() / 100) ms"
        }
        print("spec table parse (first use of SpecCatalog.shared): \(ms(load))")
        print(
            "validate 5,000 bodies (\(rounds) rounds): median \(ms(times[times.count / 2])), best \(ms(times[0]))"
                + " (violations found: \(violations), expected 0)")
    }
}
SWIFT

objects=("$bin"/APIMSpec.build/*.o "$bin"/Model.build/*.o)
swiftc -O -parse-as-library -I "$bin/Modules" -I "$bin" "$work/main.swift" Tests/APIMSpecTests/TypicalBodies.swift \
    "${objects[@]}" -o "$work/spec-validator-benchmark"
"$work/spec-validator-benchmark" "$rounds"
