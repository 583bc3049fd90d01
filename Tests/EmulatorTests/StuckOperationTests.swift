import Emulator
import HTTPTypes
import Model
import Testing

/// The fault kinds the convergence suite needs beyond a status: a write accepted as a long-running operation that
/// never finishes (and is not applied), and the `Retry-After` of injected 429/503s, which tests set to 0.
@Suite struct StuckOperationTests {
    @Test func parsesStuckRules() throws {
        let spec = try FaultSpec(parsing: "stuck=0.1,PUT:stuck@backends/b1=1")
        #expect(
            spec.rules == [
                FaultSpec.Rule(outcome: .stuck, probability: 0.1),
                FaultSpec.Rule(method: "PUT", path: "backends/b1", outcome: .stuck, probability: 1),
            ])
    }

    @Test func aStuckWriteStaysInProgressAndIsNotApplied() async throws {
        let stuck = try FaultSpec(parsing: "PUT:stuck@tags/t1=1")
        try await withEmulator({ $0.faults = stuck }) { arm in
            let accepted = try await arm.put("tags/t1", ["displayName": "T1"])
            #expect(accepted.status == 202)
            let location = try #require(accepted.header("Location"))
            for _ in 0..<5 { #expect(try await arm.follow(location).status == 202) }
            let operation = try #require(accepted.header("Azure-AsyncOperation"))
            #expect(try await arm.follow(operation).json?["status"]?.stringValue == "InProgress")
            #expect(try await arm.call(.get, "tags/t1").status == 404, "the write was not applied")
            // GETs never draw a stuck rule.
            #expect(try await arm.call(.get, "tags").status == 200)
        }
    }

    @Test func aLostAnswerLeavesTheWriteApplied() async throws {
        let lost = try FaultSpec(parsing: "PUT:lost@tags/t1=1")
        try await withEmulator({ $0.faults = lost }) { arm in
            _ = try? await arm.put("tags/t1", ["displayName": "T1"])
            let status = try await arm.call(.get, "tags/t1").status
            #expect(status == 200, "applied although its answer was lost")
        }
    }

    @Test func injectedThrottlingSaysWhenToRetry() async throws {
        let throttling = try FaultSpec(parsing: "GET:429@tags=1,GET:503@groups=1")
        try await withEmulator({
            $0.faults = throttling
            $0.faultRetryAfterSeconds = 0
        }) { arm in
            let throttled = try await arm.call(.get, "tags")
            #expect(throttled.status == 429)
            #expect(throttled.header("Retry-After") == "0")
            #expect(try await arm.call(.get, "groups").header("Retry-After") == "0")
        }
    }
}
