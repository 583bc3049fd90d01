import Foundation
import Model
import NIOCore
import NIOHTTP1
import NIOPosix

/// The result of `EmulatorBenchmark.gets`.
public struct BenchmarkResult: Sendable {
    public var requests: Int
    public var failures: Int
    public var seconds: Double
    public var requestsPerSecond: Double { seconds > 0 ? Double(requests) / seconds : 0 }
}

/// A loopback load generator: N `GET`s of one entity over C keep-alive HTTP/1.1 connections.
public enum EmulatorBenchmark {
    public static func gets(
        emulator: RunningEmulator, count: Int, connections: Int = 8, path: String? = nil
    ) async throws -> BenchmarkResult {
        let target = path ?? emulator.servicePath + "/apis/echo-api?api-version=\(EmulatorInfo.apiVersion)"
        let perConnection = max(1, count / max(1, connections))
        let started = ContinuousClock.now
        let failures = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<max(1, connections) {
                group.addTask { try await run(port: emulator.port, target: target, requests: perConnection) }
            }
            var total = 0
            for try await failed in group { total += failed }
            return total
        }
        let elapsed = ContinuousClock.now - started
        let seconds = elapsed.inSeconds
        return BenchmarkResult(requests: perConnection * max(1, connections), failures: failures, seconds: seconds)
    }

    /// One connection: sequential requests, each waiting for its response. Returns the number of non-200s.
    private static func run(port: Int, target: String, requests: Int) async throws -> Int {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            var failures = 0
            var headers = HTTPHeaders()
            headers.add(name: "Host", value: "127.0.0.1:\(port)")
            headers.add(name: "Authorization", value: "Bearer benchmark")
            for _ in 0..<requests {
                try await outbound.write(
                    .head(HTTPRequestHead(version: .http1_1, method: .GET, uri: target, headers: headers)))
                try await outbound.write(.end(nil))
                reading: while let part = try await iterator.next() {
                    switch part {
                    case .head(let head): if head.status != .ok { failures += 1 }
                    case .body: continue
                    case .end: break reading
                    }
                }
            }
            return failures
        }
    }
}
