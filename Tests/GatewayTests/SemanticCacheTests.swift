import Foundation
import Model
import Testing

@testable import Gateway

/// `llm-semantic-cache-lookup` and `llm-semantic-cache-store` (and their `azure-openai-` names) against their Learn
/// pages: a miss unless an answer to a similar prompt was stored under the same `vary-by`, kept for `duration`.
@Suite("Semantic cache")
struct SemanticCacheTests {
    static func gateway(
        _ dialect: String = "llm", threshold: String = "0.05", varyBy: String = "@(context.Subscription.Id)",
        extra: String = "", duration: String = "60", clock: ManualGatewayClock = ManualGatewayClock()
    ) -> LocalGateway {
        let inbound = """
            <base />
            <\(dialect)-semantic-cache-lookup score-threshold="\(threshold)" embeddings-backend-id="one" embeddings-backend-auth="system-assigned"\(extra)>
                <vary-by>\(varyBy)</vary-by>
            </\(dialect)-semantic-cache-lookup>
            """
        let outbound = #"<\#(dialect)-semantic-cache-store duration="\#(duration)" /><base />"#
        return LocalGateway(
            snapshot: Fixture.snapshot(api: Fixture.policies(inbound: inbound, outbound: outbound)), clock: clock)
    }

    static func ask(_ text: String, system: String? = nil) -> String {
        let system = system.map { #"{"role":"system","content":"\#($0)"},"# } ?? ""
        return #"{"messages":[\#(system){"role":"user","content":"\#(text)"}]}"#
    }

    @Test(
        "the same prompt under the same vary-by is answered from the cache, without a backend",
        arguments: [
            "llm", "azure-openai",
        ])
    func hit(_ dialect: String) async {
        let gateway = Self.gateway(dialect)
        let first = await gateway.handle(Fixture.chat(body: Self.ask("What is APIM?")))
        #expect(first.status == 200)
        #expect(first.trace.contains { $0.statement.hasSuffix("semantic-cache-lookup") && $0.note == "miss" })
        let second = await gateway.handle(Fixture.chat(body: Self.ask("What is APIM?")))
        #expect(second.status == 200)
        #expect(second.body == first.body, "the stored answer is served")
        #expect(await gateway.backendCalls().count == 1)
        #expect(second.trace.contains { $0.note?.hasPrefix("hit (score 0") == true }, "\(second.trace)")
    }

    @Test("a different prompt, or another vary-by value, is a miss")
    func misses() async {
        let gateway = Self.gateway(threshold: "0.2")
        _ = await gateway.handle(Fixture.chat(body: Self.ask("What is APIM?")))
        _ = await gateway.handle(Fixture.chat(body: Self.ask("Write a poem about the sea")))
        #expect(await gateway.backendCalls().count == 2)
        // team-a is another subscription: another partition.
        _ = await gateway.handle(Fixture.chat(key: Fixture.keyA, body: Self.ask("What is APIM?")))
        #expect(await gateway.backendCalls().count == 3)
        _ = await gateway.handle(Fixture.chat(key: Fixture.keyA, body: Self.ask("What is APIM?")))
        #expect(await gateway.backendCalls().count == 3)
    }

    @Test("an entry lives for the store's duration on the gateway's clock")
    func expiry() async {
        let clock = ManualGatewayClock()
        let gateway = Self.gateway(duration: "30", clock: clock)
        _ = await gateway.handle(Fixture.chat(body: Self.ask("Hello")))
        clock.advance(seconds: 29)
        _ = await gateway.handle(Fixture.chat(body: Self.ask("Hello")))
        #expect(await gateway.backendCalls().count == 1)
        clock.advance(seconds: 1)
        _ = await gateway.handle(Fixture.chat(body: Self.ask("Hello")))
        #expect(await gateway.backendCalls().count == 2)
    }

    @Test("only successful answers are stored")
    func errorsAreNotStored() async {
        let gateway = Self.gateway()
        await gateway.setScript(
            BackendScript(responses: [.init(status: 500)]), for: "one.openai.azure.com")
        #expect(await gateway.handle(Fixture.chat(body: Self.ask("Hello"))).status == 500)
        #expect(await gateway.handle(Fixture.chat(body: Self.ask("Hello"))).status == 200)
        #expect(await gateway.backendCalls().count == 2)
    }

    @Test("ignore-system-messages compares the prompt without them; max-message-count skips longer dialogs")
    func messages() async {
        let ignoring = Self.gateway(extra: #" ignore-system-messages="true""#)
        _ = await ignoring.handle(Fixture.chat(body: Self.ask("Hello", system: "Be brief")))
        _ = await ignoring.handle(Fixture.chat(body: Self.ask("Hello", system: "Be verbose")))
        #expect(await ignoring.backendCalls().count == 1)

        let keeping = Self.gateway()
        _ = await keeping.handle(Fixture.chat(body: Self.ask("Hello", system: "Be brief")))
        _ = await keeping.handle(Fixture.chat(body: Self.ask("Hello", system: "Be verbose")))
        #expect(await keeping.backendCalls().count == 2)

        let short = Self.gateway(extra: #" max-message-count="1""#)
        _ = await short.handle(Fixture.chat(body: Self.ask("Hello", system: "Be brief")))
        _ = await short.handle(Fixture.chat(body: Self.ask("Hello", system: "Be brief")))
        #expect(await short.backendCalls().count == 2, "two messages are more than max-message-count")
    }

    @Test("a score-threshold outside 0.0–1.0 fails the request through on-error")
    func badThreshold() async {
        let response = await Self.gateway(threshold: "1.5").handle(Fixture.chat(body: Self.ask("Hello")))
        #expect(response.status == 500)
        #expect(response.unsupported == nil)
    }
}
