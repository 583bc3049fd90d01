import Foundation
import HTTPTypes
import Model
import Testing

/// Findings of the `request` fuzz harness (Fuzz/request, docs/fuzzing.md), each fed to the emulator as a request.
@Suite struct FuzzRegressionTests {
    /// `$filter` nested deeper than any real filter (parentheses, `not`) or longer (clauses) is a 400, not a stack
    /// overflow: the parser recursed once per `(` and `not`, and the tree it built was evaluated and freed
    /// recursively, so a request target of a few kilobytes could crash the emulator.
    @Test(arguments: [
        String(repeating: "(", count: 100_000) + "name eq 'a'" + String(repeating: ")", count: 100_000),
        String(repeating: "not ", count: 50_000) + "name eq 'a'",
        Array(repeating: "name eq 'a'", count: 20_000).joined(separator: " or "),
    ])
    func deepOrLongFilterIsABadRequest(_ filter: String) async throws {
        try await withEmulator { arm in
            let reply = try await arm.call(.get, "tags", query: "$filter=\(Self.encoded(filter))")
            #expect(reply.status == 400)
            #expect(reply.errorMessage == "Invalid filter clause specified.")
        }
    }

    /// Nesting and length within the limits still filter.
    @Test func filtersWithinTheLimitsStillWork() async throws {
        try await withEmulator { arm in
            try await arm.put("tags/t-alpha", ["displayName": "Alpha"])
            let nested = String(repeating: "(", count: 30) + "name eq 't-alpha'" + String(repeating: ")", count: 30)
            let long = (["name eq 'nothing'"] + Array(repeating: "name eq 't-alpha'", count: 100))
                .joined(separator: " or ")
            for filter in [nested, "not not " + nested, long] {
                let reply = try await arm.call(.get, "tags", query: "$filter=\(Self.encoded(filter))")
                #expect(reply.status == 200)
                #expect(reply.json?["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["t-alpha"])
            }
        }
    }

    private static func encoded(_ filter: String) -> String {
        filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? filter
    }
}
