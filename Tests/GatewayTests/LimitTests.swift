import Foundation
import Model
import Testing

@testable import Gateway

@Suite("Limits and metrics: token limits, rate limits, quotas, token metrics")
struct LimitTests {
    private static func chat(tokens: Int) -> GatewayRequest {
        Fixture.chat(body: #"{"messages":[{"role":"user","content":"Hi"}],"max_tokens":\#(tokens)}"#)
    }

    @Test("llm-token-limit: over tokens-per-minute is 429 with Retry-After until the minute frees them")
    func tokensPerMinute() async {
        for name in ["llm-token-limit", "azure-openai-token-limit"] {
            let inbound = """
                <base />
                <\(name) counter-key="@(context.Subscription.Id)" tokens-per-minute="100" estimate-prompt-tokens="false"
                    remaining-tokens-header-name="x-remaining" tokens-consumed-header-name="x-consumed" />
                """
            let clock = ManualGatewayClock()
            let gateway = LocalGateway(
                snapshot: Fixture.snapshot(api: Fixture.policies(inbound: inbound)), clock: clock)
            let first = await gateway.handle(Self.chat(tokens: 60))
            #expect(first.status == 200)
            #expect(first.headers["x-consumed"] == "67")
            #expect(first.headers["x-remaining"] == "33")
            clock.advance(seconds: 10)
            #expect(
                await gateway.handle(Self.chat(tokens: 60)).status == 200,
                "not estimating: the limit is checked on what was consumed")
            clock.advance(seconds: 10)
            let refused = await gateway.handle(Self.chat(tokens: 1))
            #expect(refused.status == 429, "\(name)")
            #expect(refused.headers["Retry-After"] == "40")
            #expect(refused.headers["x-remaining"] == "0")
            #expect(refused.json?["message"] == "Token limit is exceeded. Try again in 40 seconds.")
            #expect(await gateway.backendCalls().count == 2)
            clock.advance(seconds: 40)
            #expect(await gateway.handle(Self.chat(tokens: 1)).status == 200, "the first request left the window")
        }
    }

    @Test("llm-token-limit: estimate-prompt-tokens refuses a prompt that does not fit before calling the backend")
    func estimate() async {
        let inbound =
            #"<base /><llm-token-limit counter-key="k" tokens-per-minute="20" estimate-prompt-tokens="true" />"#
        let gateway = LocalGateway(
            snapshot: Fixture.snapshot(api: Fixture.policies(inbound: inbound)), clock: ManualGatewayClock())
        let long = String(repeating: "x", count: 200)
        let refused = await gateway.handle(Fixture.chat(body: #"{"messages":[{"role":"user","content":"\#(long)"}]}"#))
        #expect(refused.status == 429)
        #expect(await gateway.backendCalls().isEmpty)
    }

    @Test("llm-token-limit: over the token quota is 403 until the period ends; the counter is shared by key")
    func quota() async {
        let inbound = """
            <base />
            <llm-token-limit counter-key="shared" token-quota="100" token-quota-period="Hourly" estimate-prompt-tokens="false"
                remaining-quota-tokens-header-name="x-quota-left" />
            """
        let clock = ManualGatewayClock(start: 1_767_225_600 + 1_800)
        let snapshot = Fixture.snapshot(
            product: Fixture.policies(inbound: inbound), api: Fixture.policies(inbound: inbound))
        let gateway = LocalGateway(snapshot: snapshot, clock: clock)
        let first = await gateway.handle(Self.chat(tokens: 93))
        #expect(first.headers["x-quota-left"] == "0")
        let refused = await gateway.handle(Fixture.chat(key: Fixture.keyA))
        #expect(refused.status == 403)
        #expect(refused.headers["Retry-After"] == "1800")
        #expect(refused.json?["message"] == "Token quota is exceeded. Try again in 00:30:00.")
        clock.advance(seconds: 1_800)
        #expect(await gateway.handle(Fixture.chat()).status == 200, "a new hour, a new quota")
    }

    @Test("llm-emit-token-metric records prompt, completion and total tokens with their dimensions")
    func metrics() async {
        let inbound = """
            <base />
            <llm-emit-token-metric namespace="openai">
                <dimension name="Subscription ID" />
                <dimension name="API ID" value="@(context.Api.Id)" />
                <dimension name="Deployment" value="@(context.Request.MatchedParameters.GetValueOrDefault("deployment-id", ""))" />
            </llm-emit-token-metric>
            """
        let gateway = LocalGateway(
            snapshot: Fixture.snapshot(api: Fixture.policies(inbound: inbound)), clock: ManualGatewayClock())
        _ = await gateway.handle(Self.chat(tokens: 10))
        _ = await gateway.handle(Self.chat(tokens: 20))
        let metrics = await gateway.metrics()
        #expect(metrics.count == 6)
        #expect(metrics.first?.dimensions == ["Subscription ID": "all", "API ID": "aoai", "Deployment": "gpt-4o"])
        let json = GatewayFront.metricsJSON(metrics)
        let total = json["metrics"]?.arrayValue?.first { $0["name"] == "Total Tokens" }
        #expect(total?["value"] == 44)
        #expect(total?["count"] == 2)
        #expect(total?["namespace"] == "openai")
    }

    @Test("rate-limit counts calls per subscription in a sliding window")
    func rateLimit() async {
        let inbound = #"<base /><rate-limit calls="2" renewal-period="10" remaining-calls-header-name="x-left" />"#
        let clock = ManualGatewayClock()
        let gateway = LocalGateway(snapshot: Fixture.snapshot(api: Fixture.policies(inbound: inbound)), clock: clock)
        #expect(await gateway.handle(Fixture.chat()).headers["x-left"] == "1")
        clock.advance(seconds: 4)
        #expect(await gateway.handle(Fixture.chat()).headers["x-left"] == "0")
        let refused = await gateway.handle(Fixture.chat())
        #expect(refused.status == 429)
        #expect(refused.headers["Retry-After"] == "6")
        #expect(refused.json?["message"] == "Rate limit is exceeded. Try again in 6 seconds.")
        #expect(
            await gateway.handle(Fixture.chat(key: Fixture.keyA)).status == 200, "another subscription, another counter"
        )
        clock.advance(seconds: 6)
        #expect(await gateway.handle(Fixture.chat()).status == 200)
    }

    @Test("rate-limit-by-key counts only when increment-condition holds on the response")
    func rateLimitByKey() async {
        let inbound = """
            <base />
            <rate-limit-by-key calls="1" renewal-period="60" counter-key="@(context.Request.IpAddress)"
                increment-condition="@(context.Response.StatusCode == 200)" />
            """
        let gateway = LocalGateway(
            snapshot: Fixture.snapshot(api: Fixture.policies(inbound: inbound)), clock: ManualGatewayClock())
        await gateway.setScript(BackendScript(responses: [.init(status: 500)]), for: "one.openai.azure.com")
        #expect(await gateway.handle(Fixture.chat()).status == 500)
        #expect(await gateway.handle(Fixture.chat()).status == 200, "the failed call was not counted")
        #expect(await gateway.handle(Fixture.chat()).status == 429)
    }

    @Test("quota and quota-by-key: calls per renewal period, then 403")
    func callQuota() async {
        for policy in [
            #"<quota calls="2" renewal-period="3600" />"#,
            #"<quota-by-key calls="2" renewal-period="3600" counter-key="k" />"#,
        ] {
            let clock = ManualGatewayClock()
            let gateway = LocalGateway(
                snapshot: Fixture.snapshot(api: Fixture.policies(inbound: "<base />" + policy)), clock: clock)
            #expect(await gateway.handle(Fixture.chat()).status == 200)
            #expect(await gateway.handle(Fixture.chat()).status == 200)
            let refused = await gateway.handle(Fixture.chat())
            #expect(refused.status == 403)
            #expect((refused.json?["message"]?.stringValue ?? "").hasPrefix("Out of call volume quota."))
            clock.advance(seconds: 3_600)
            #expect(await gateway.handle(Fixture.chat()).status == 200)
        }
    }
}
