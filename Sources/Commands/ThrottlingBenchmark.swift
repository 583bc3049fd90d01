import ArgumentParser
import Emulator
import Foundation
import ManagementClient
import Model

/// `apimsync benchmark throttling`: a write-heavy workload against the emulator's ARM throttling, to show the
/// client's token buckets keep every 429 away from the caller and cost little more time than the limits allow.
struct ThrottlingBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "throttling",
        abstract: "500 creates, 500 updates and 200 deletes under ARM's token buckets, against the time they allow."
    )

    @Option(help: "Scale ARM's limits on both sides (1 = real rates: about 80 s; 4 = about 5 s).")
    var factor = 1.0

    @Option(help: "Named values created and updated.") var count = 500
    @Option(help: "Named values deleted at the end.") var deletes = 200

    func run() async throws {
        var options = EmulatorOptions()
        options.token = "benchmark"
        options.throttling = .scaled(factor)
        let emulator = try await EmulatorServer.start(options)
        defer { Task { try? await emulator.shutdown() } }
        let configuration = ARMClientConfiguration(
            resourceManagerURL: emulator.baseURL, subscriptionID: options.subscriptionId,
            resourceGroup: options.resourceGroup, serviceName: options.serviceName,
            pacing: PacingPolicy(maxConcurrency: 16, buckets: PacingPolicy.armSubscriptionLimits(scaledBy: factor)))
        let client = try ARMClient(configuration: configuration, credential: StaticTokenCredential(token: "benchmark"))

        let clock = ContinuousClock()
        let start = clock.now
        var failures = 0
        failures += await phase(0..<count) { index in
            _ = try await client.put(
                ResourceID(.namedValue, "bench-\(index)"),
                properties: ["displayName": .string("bench-\(index)"), "value": "v1"])
        }
        failures += await phase(0..<count) { index in
            _ = try await client.put(
                ResourceID(.namedValue, "bench-\(index)"),
                properties: ["displayName": .string("bench-\(index)"), "value": "v2"], ifMatch: "*")
        }
        failures += await phase(0..<deletes) { index in
            _ = try await client.delete(ResourceID(.namedValue, "bench-\(index)").armPath)
        }
        let elapsed = start.duration(to: clock.now)
        let seconds = elapsed.inSeconds
        // Writes draw from a bucket of 200 refilled at 10/s (scaled); deletes fit their own bucket.
        let writes = Double(2 * count)
        let bound =
            max(0, writes - 200 * factor) / (10 * factor) + max(0, Double(deletes) - 200 * factor) / (10 * factor)
        let stats = await emulator.stats()
        print("throttling benchmark: \(count) creates + \(count) updates + \(deletes) deletes, ARM limits ×\(factor)")
        print(
            String(
                format: "  elapsed %.2f s, token buckets allow %.2f s → ratio %.2f (target ≤ 1.2)", seconds, bound,
                seconds / max(bound, 1e-9)))
        print("  429s on the wire: \(stats.throttled), failures reaching the caller: \(failures) (target 0)")
        if failures > 0 { throw ExitCode.failure }
    }

    /// Runs `work` for every index, 32 in flight at a time (the client paces further); returns how many threw.
    func phase(_ indices: Range<Int>, _ work: @escaping @Sendable (Int) async throws -> Void) async -> Int {
        await withTaskGroup(of: Bool.self) { group in
            var failed = 0
            var next = indices.lowerBound
            func launch() {
                let index = next
                next += 1
                group.addTask {
                    do {
                        try await work(index)
                        return true
                    } catch {
                        return false
                    }
                }
            }
            while next < indices.upperBound, next - indices.lowerBound < 32 { launch() }
            for await ok in group {
                if !ok { failed += 1 }
                if next < indices.upperBound { launch() }
            }
            return failed
        }
    }
}
