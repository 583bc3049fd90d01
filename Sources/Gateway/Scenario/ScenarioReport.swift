import Foundation

/// Scenario results as text for people and as JUnit XML for CI.
public enum ScenarioReport {
    /// One line per scenario; each failure with its place and the policy trace of the answer it judged.
    public static func text(_ results: [ScenarioResult]) -> String {
        var lines: [String] = []
        for result in results {
            let mark =
                switch result.outcome {
                case .passed: "PASS"
                case .failed: "FAIL"
                case .unsupported: "UNSUPPORTED"
                }
            lines.append("\(mark) \(result.name) (\(result.location), \(result.requests) request(s))")
            for failure in result.failures {
                lines.append("  \(failure.location): \(failure.message)")
                if !failure.trace.isEmpty {
                    lines.append("    policy trace:")
                    lines += failure.trace.map { "      \($0)" }
                }
            }
        }
        let passed = results.filter { $0.outcome == .passed }.count
        let failed = results.filter { $0.outcome == .failed }.count
        let unsupported = results.filter { $0.outcome == .unsupported }.count
        lines.append("\(passed) passed, \(failed) failed" + (unsupported > 0 ? ", \(unsupported) unsupported" : ""))
        return lines.joined(separator: "\n")
    }

    /// A JUnit report: one test case per scenario, unsupported ones as skipped.
    public static func junit(_ results: [ScenarioResult]) -> String {
        let failed = results.filter { $0.outcome == .failed }.count
        let skipped = results.filter { $0.outcome == .unsupported }.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites>\n"
        out +=
            "  <testsuite name=\"apimsync test\" tests=\"\(results.count)\" failures=\"\(failed)\" skipped=\"\(skipped)\">\n"
        for result in results {
            let file = String(result.location.split(separator: ":").first ?? "")
            out += "    <testcase name=\"\(escape(result.name))\" classname=\"\(escape(file))\">\n"
            let details = result.failures.map { failure in
                "\(failure.location): \(failure.message)"
                    + failure.trace.map { "\n  \($0)" }.joined()
            }.joined(separator: "\n")
            switch result.outcome {
            case .passed: break
            case .failed:
                let message = result.failures.first?.message ?? "failed"
                out += "      <failure message=\"\(escape(message))\">\(escape(details))</failure>\n"
            case .unsupported:
                let message = result.failures.first?.message ?? "unsupported"
                out += "      <skipped message=\"\(escape(message))\" />\n"
            }
            out += "    </testcase>\n"
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    private static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
