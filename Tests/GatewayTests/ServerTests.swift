import Foundation
import Hummingbird
import HummingbirdTesting
import Model
import NIOCore
import Testing

@testable import Gateway

@Suite("HTTP front: the gateway, /_emulator/mocks and /_emulator/metrics")
struct ServerTests {
    static let metricPolicy = Fixture.policies(
        inbound: """
            <base />
            <azure-openai-emit-token-metric namespace="openai"><dimension name="API ID" /></azure-openai-emit-token-metric>
            """)

    @Test("mocks are scripted over HTTP, requests are answered, metrics are readable")
    func endToEnd() async throws {
        let clock = ManualGatewayClock()
        let front = GatewayFront(
            gateway: LocalGateway(snapshot: Fixture.snapshot(api: Self.metricPolicy), clock: clock), manualClock: clock)
        let app = GatewayServer.application(front, host: "127.0.0.1", port: 0) { _ in }
        try await app.test(.router) { client in
            let mock =
                #"{"responses": [{"status": 429, "headers": {"Retry-After": "10"}, "times": 1}], "default": {"status": 200}}"#
            try await client.execute(
                uri: "/_emulator/mocks/one.openai.azure.com", method: .put, body: ByteBuffer(string: mock)
            ) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"times\":1"))
            }
            try await client.execute(uri: "/_emulator/mocks/one.openai.azure.com", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(
                uri: "/_emulator/mocks/one.openai.azure.com", method: .put, body: ByteBuffer(string: "[")
            ) {
                response in
                #expect(response.status == .badRequest)
            }
            let chat = ByteBuffer(string: #"{"messages":[{"role":"user","content":"Hello"}]}"#)
            let path = "/aoai/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"
            let headers: HTTPFields = [.init("api-key")!: Fixture.keyAll, .contentType: "application/json"]
            try await client.execute(uri: path, method: .post, headers: headers, body: chat) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.init("Retry-After")!] == "10")
                #expect(response.headers[.init("x-apimsync-backend")!] == "one.openai.azure.com")
            }
            try await client.execute(uri: path, method: .post, headers: headers, body: chat) { response in
                #expect(response.status == .ok)
                let json = try JSONValue.parse(String(buffer: response.body))
                #expect(json["usage"]?["total_tokens"] != nil)
            }
            try await client.execute(uri: "/_emulator/metrics", method: .get) { response in
                let json = try JSONValue.parse(String(buffer: response.body))
                let names = json["metrics"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
                #expect(names == ["Prompt Tokens", "Completion Tokens", "Total Tokens"])
                #expect(json["metrics"]?.arrayValue?.first?["dimensions"]?["API ID"] == "aoai")
            }
            try await client.execute(uri: "/_emulator/clock/advance?seconds=30", method: .post) { response in
                #expect(response.status == .ok)
            }
            #expect(clock.now() == 1_767_225_630)
            try await client.execute(uri: "/_emulator/mocks/one.openai.azure.com", method: .delete) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: "/aoai/openai/nowhere", method: .get, headers: headers) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test("the gateway listens on an ephemeral port and stops")
    func listens() async throws {
        let running = try await GatewayServer.start(GatewayFront(gateway: LocalGateway(snapshot: Fixture.snapshot())))
        #expect(running.port > 0)
        #expect(running.baseURL == "http://127.0.0.1:\(running.port)")
        try await running.shutdown()
    }
}
