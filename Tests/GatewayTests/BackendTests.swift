import Foundation
import Model
import Testing

@testable import Gateway

@Suite("Backends: pools, circuit breakers, retry, managed identity, simulated Azure OpenAI")
struct BackendTests {
    /// The lab's shape: the pool, managed identity, retry on 429/503 through the pool, generic 503 on error.
    static let poolPolicy = Fixture.policies(
        inbound: """
            <base />
            <set-backend-service backend-id="pool" />
            <authentication-managed-identity resource="https://cognitiveservices.azure.com" />
            """,
        backend: """
            <retry condition="@(context.Response.StatusCode == 429 || context.Response.StatusCode == 503)" count="1" interval="5" first-fast-retry="true">
                <forward-request buffer-request-body="true" />
            </retry>
            """,
        onError: """
            <base />
            <choose>
                <when condition="@(context.LastError.Source == "forward-request")">
                    <return-response><set-status code="503" reason="Service Unavailable" /><set-body>generic</set-body></return-response>
                </when>
            </choose>
            """)

    private func script(_ json: String) -> BackendScript {
        guard let value = try? JSONValue.parse(json), case .success(let script) = BackendScript.parse(value) else {
            Issue.record("bad script \(json)")
            return BackendScript()
        }
        return script
    }

    @Test("a 429 from the first priority trips its breaker and the retry fails over to the second")
    func failover() async {
        let clock = ManualGatewayClock()
        let gateway = LocalGateway(snapshot: Fixture.snapshot(api: Self.poolPolicy), clock: clock)
        await gateway.setScript(
            script(#"{"responses": [{"status": 429, "headers": {"Retry-After": "10"}, "times": 1}]}"#),
            for: "one.openai.azure.com")
        let response = await gateway.handle(Fixture.chat())
        #expect(response.status == 200)
        #expect(response.headers["x-apimsync-backend"] == "two")
        #expect(response.headers["x-apimsync-instance"] == "two")
        #expect(await gateway.backendCalls().map { $0.backend ?? "" } == ["one", "two"])
        #expect(clock.now() == 1_767_225_600, "first-fast-retry: no wait before the first retry")
        // The breaker of `one` stays open for the backend's Retry-After (acceptRetryAfter), then closes.
        #expect(await gateway.handle(Fixture.chat()).headers["x-apimsync-backend"] == "two")
        clock.advance(seconds: 9)
        #expect(await gateway.handle(Fixture.chat()).headers["x-apimsync-backend"] == "two")
        clock.advance(seconds: 1)
        #expect(await gateway.handle(Fixture.chat()).headers["x-apimsync-backend"] == "one")
    }

    @Test("without acceptRetryAfter the breaker trips for tripDuration")
    func tripDuration() async {
        var rule = Fixture.breakerRule
        rule.acceptRetryAfter = false
        rule.tripDuration = 30
        let clock = ManualGatewayClock()
        let gateway = LocalGateway(snapshot: Fixture.snapshot(api: Self.poolPolicy, breaker: rule), clock: clock)
        await gateway.setScript(
            script(#"{"responses": [{"status": 500, "headers": {"Retry-After": "5"}}]}"#), for: "one.openai.azure.com")
        _ = await gateway.handle(Fixture.chat())
        clock.advance(seconds: 29)
        #expect(await gateway.handle(Fixture.chat()).headers["x-apimsync-backend"] == "two")
        clock.advance(seconds: 1)
        #expect(await gateway.handle(Fixture.chat()).headers["x-apimsync-backend"] == "one")
    }

    @Test("no retry beyond count: both instances throttled, the caller gets the last 429")
    func retryCount() async {
        let gateway = LocalGateway(snapshot: Fixture.snapshot(api: Self.poolPolicy), clock: ManualGatewayClock())
        for host in ["one", "two"] {
            await gateway.setScript(
                script(#"{"default": {"status": 429, "headers": {"Retry-After": "10"}}}"#),
                for: "\(host).openai.azure.com")
        }
        let response = await gateway.handle(Fixture.chat())
        #expect(response.status == 429)
        #expect(await gateway.backendCalls().count == 2)
        // Now both breakers are open: the pool has no member left and on-error answers the generic 503.
        let none = await gateway.handle(Fixture.chat())
        #expect(none.status == 503)
        #expect(none.bodyText == "generic")
        #expect(await gateway.backendCalls().count == 2)
    }

    @Test("a pool with nothing available answers its failureResponse status when on-error does not answer")
    func poolFailureResponse() async {
        let policy = Fixture.policies(inbound: #"<base /><set-backend-service backend-id="pool" />"#)
        let gateway = LocalGateway(
            snapshot: Fixture.snapshot(api: policy, poolFailureStatus: 502), clock: ManualGatewayClock())
        for host in ["one", "two"] {
            await gateway.setScript(script(#"{"default": {"status": 500}}"#), for: "\(host).openai.azure.com")
        }
        #expect(await gateway.handle(Fixture.chat()).status == 500)
        #expect(await gateway.handle(Fixture.chat()).status == 500)
        #expect(await gateway.handle(Fixture.chat()).status == 502)
    }

    @Test("retry waits its interval on the clock: linear with delta, exponential with max-interval")
    func retryIntervals() async {
        for (attributes, expected) in [
            (#"interval="2""#, 6.0), (#"interval="1" delta="2""#, 1 + 3 + 5.0),
            (#"interval="1" delta="2" max-interval="4""#, 1 + 3 + 4.0),
        ] {
            let backend = """
                <retry condition="@(context.Response.StatusCode == 500)" count="3" \(attributes)>
                    <forward-request />
                </retry>
                """
            let clock = ManualGatewayClock()
            let gateway = LocalGateway(
                snapshot: Fixture.snapshot(api: Fixture.policies(backend: backend)), clock: clock)
            await gateway.setScript(script(#"{"default": {"status": 500}}"#), for: "one.openai.azure.com")
            let response = await gateway.handle(Fixture.chat())
            #expect(response.status == 500)
            #expect(await gateway.backendCalls().count == 4)
            #expect(clock.now() - 1_767_225_600 == expected, "\(attributes)")
        }
    }

    @Test("forward-request times out on the clock and raises an error on-error sees")
    func timeout() async {
        let backend = #"<forward-request timeout="5" />"#
        let onError =
            #"<base /><set-header name="x-error" exists-action="override"><value>@(context.LastError.Reason)</value></set-header>"#
        let clock = ManualGatewayClock()
        let gateway = LocalGateway(
            snapshot: Fixture.snapshot(api: Fixture.policies(backend: backend, onError: onError)), clock: clock)
        await gateway.setScript(script(#"{"responses": [{"status": 200, "delay": 8}]}"#), for: "one.openai.azure.com")
        let response = await gateway.handle(Fixture.chat())
        #expect(response.status == 504)
        #expect(response.headers["x-error"] == "Timeout")
        #expect(clock.now() - 1_767_225_600 == 5)
        let fast = await gateway.handle(Fixture.chat())
        #expect(fast.status == 200)
    }

    @Test("managed identity reaches the backend; without it Azure OpenAI answers 401")
    func managedIdentity() async {
        let withIdentity = LocalGateway(snapshot: Fixture.snapshot(api: Self.poolPolicy), clock: ManualGatewayClock())
        #expect(await withIdentity.handle(Fixture.chat()).status == 200)
        let token = await withIdentity.backendCalls().last?.headers["Authorization"] ?? ""
        #expect(token.hasPrefix("Bearer " + SimulatedOpenAI.tokenPrefix))
        #expect(SimulatedOpenAI.audience(of: String(token.dropFirst(7))) == "https://cognitiveservices.azure.com")
        let without = LocalGateway(
            snapshot: Fixture.snapshot(
                global: Fixture.plainGlobal,
                api: Fixture.policies(inbound: #"<base /><set-backend-service backend-id="pool" />"#)),
            clock: ManualGatewayClock())
        let refused = await without.handle(Fixture.chat())
        #expect(refused.status == 401)
        let wrongAudience = LocalGateway(
            snapshot: Fixture.snapshot(
                global: Fixture.plainGlobal,
                api: Fixture.policies(
                    inbound: #"<base /><authentication-managed-identity resource="https://management.azure.com" />"#)),
            clock: ManualGatewayClock())
        #expect(await wrongAudience.handle(Fixture.chat()).status == 401)
        let variable = LocalGateway(
            snapshot: Fixture.snapshot(
                global: Fixture.plainGlobal,
                api: Fixture.policies(
                    inbound:
                        #"<base /><authentication-managed-identity resource="https://cognitiveservices.azure.com" output-token-variable-name="t" /><set-header name="api-key" exists-action="override"><value>@((string)context.Variables["t"])</value></set-header>"#
                )),
            clock: ManualGatewayClock())
        #expect(await variable.handle(Fixture.chat()).status == 200)
        #expect(await variable.backendCalls().last?.headers["Authorization"] == nil)
    }

    @Test("a backend's credentials header carries its named value")
    func backendCredentials() async {
        var snapshot = Fixture.snapshot(
            api: Fixture.policies(inbound: #"<base /><set-backend-service backend-id="one" />"#))
        snapshot.backends["one"]?.credentialHeaders = [("api-key", ["{{secret-key}}"])]
        let gateway = LocalGateway(snapshot: snapshot, clock: ManualGatewayClock())
        #expect(await gateway.handle(Fixture.chat()).status == 200)
        #expect(await gateway.backendCalls().last?.headers["api-key"] == "s3cr3t")
    }

    @Test("simulated Azure OpenAI counts usage from the request and names its instance and region")
    func simulatedAnswers() async {
        var snapshot = Fixture.snapshot(
            api: Fixture.policies(
                inbound: #"<base /><authentication-managed-identity resource="https://cognitiveservices.azure.com" />"#)
        )
        snapshot.apis[0].operations.append(
            GatewayOperation(name: "completions", method: "POST", urlTemplate: "/deployments/{d}/completions"))
        snapshot.apis[0].operations.append(
            GatewayOperation(name: "responses", method: "POST", urlTemplate: "/responses"))
        let gateway = LocalGateway(snapshot: snapshot, clock: ManualGatewayClock())
        await gateway.setScript(BackendScript(region: "eastus2"), for: "one.openai.azure.com")
        let chat = await gateway.handle(
            Fixture.chat(body: #"{"messages":[{"role":"user","content":"12345678"}],"max_tokens":7}"#))
        #expect(chat.headers["x-ms-region"] == "eastus2")
        #expect(chat.json?["usage"]?["prompt_tokens"] == 8)
        #expect(chat.json?["usage"]?["completion_tokens"] == 7)
        #expect(chat.json?["usage"]?["total_tokens"] == 15)
        #expect(chat.json?["choices"]?.arrayValue?.first?["message"]?["role"] == "assistant")
        var embeddings = Fixture.chat(body: #"{"input":["abcd","efgh"],"encoding_format":"float"}"#)
        embeddings.path = "/aoai/openai/deployments/emb/embeddings"
        let vectors = await gateway.handle(embeddings)
        #expect(vectors.json?["data"]?.arrayValue?.count == 2)
        #expect(vectors.json?["usage"]?["prompt_tokens"] == 2)
        var responses = Fixture.chat(body: #"{"model":"gpt-4o","input":"hi","max_output_tokens":4}"#)
        responses.path = "/aoai/openai/responses"
        responses.query = []
        let answer = await gateway.handle(responses)
        #expect(answer.json?["usage"]?["output_tokens"] == 4)
        #expect(answer.json?["object"] == "response")
    }

    @Test("scripts are consumed in order, then the default, then the simulation")
    func scripts() async {
        let gateway = LocalGateway(
            snapshot: Fixture.snapshot(
                api: Fixture.policies(
                    inbound:
                        #"<base /><authentication-managed-identity resource="https://cognitiveservices.azure.com" />"#)),
            clock: ManualGatewayClock())
        await gateway.setScript(
            script(
                #"{"responses": [{"status": 500, "times": 2}, {"status": 201, "body": {"ok": true}}], "default": {"status": 503}}"#
            ),
            for: "one.openai.azure.com")
        var statuses: [Int] = []
        for _ in 0..<5 { statuses.append(await gateway.handle(Fixture.chat()).status) }
        #expect(statuses == [500, 500, 201, 503, 503])
        await gateway.removeScript(for: "one.openai.azure.com")
        #expect(await gateway.handle(Fixture.chat()).status == 200)
        if case .failure(let error) = BackendScript.parse(["responses": [["times": 1]]]) {
            #expect(error.message == "responses[0] needs a numeric 'status'")
        } else {
            Issue.record("a response without status was accepted")
        }
    }
}
