import Foundation
import Model
import Testing

@testable import Gateway

@Suite("Policy pipeline: matching, subscriptions, scopes and statements")
struct PipelineTests {
    private func gateway(_ snapshot: GatewaySnapshot, clock: ManualGatewayClock = ManualGatewayClock()) -> LocalGateway
    {
        LocalGateway(snapshot: snapshot, clock: clock)
    }

    @Test("requests are matched by API path, method and URL template; others get APIM's 404")
    func matching() async {
        let gateway = gateway(Fixture.snapshot())
        let ok = await gateway.handle(Fixture.chat())
        #expect(ok.status == 200)
        #expect(ok.headers["x-apimsync-instance"] == "one")
        let wrongMethod = await gateway.handle(
            GatewayRequest(
                method: "GET", target: "/aoai/openai/deployments/x/chat/completions?api-version=1",
                headers: HeaderFields([("api-key", Fixture.keyAll)])))
        #expect(wrongMethod.status == 404)
        #expect(wrongMethod.json?["message"] == "Resource not found")
        let noQuery = await gateway.handle(
            GatewayRequest(
                method: "POST", target: "/aoai/openai/deployments/x/chat/completions",
                headers: HeaderFields([("api-key", Fixture.keyAll)])))
        #expect(noQuery.status == 404, "the template's api-version query parameter is required")
        #expect(await gateway.handle(Fixture.get("/nowhere")).status == 404)
        #expect(await gateway.handle(GatewayRequest(method: "GET", target: "/other/status")).status == 404)
    }

    @Test("template parameters are matched, and literal segments win over parameters")
    func templates() {
        let match = RequestMatcher.matchTemplate(
            "/deployments/{deployment-id}/chat/completions?api-version={api-version}",
            ["deployments", "gpt-4o", "chat", "completions"], query: [("api-version", "2024-10-21")])
        #expect(match?.0.map(\.0) == ["deployment-id", "api-version"])
        #expect(match?.0.map(\.1) == ["gpt-4o", "2024-10-21"])
        #expect(RequestMatcher.matchTemplate("/items/{id}", ["items"], query: []) == nil)
        let literal = RequestMatcher.matchTemplate("/items/special", ["items", "special"], query: [])
        let parameter = RequestMatcher.matchTemplate("/items/{id}", ["items", "special"], query: [])
        #expect((literal?.1 ?? 0) > (parameter?.1 ?? 0))
        #expect(RequestMatcher.matchTemplate("/files/{name}.json", ["files", "a.json"], query: [])?.0.first?.1 == "a")
    }

    @Test("version sets select the API by path segment, query or header")
    func versions() async {
        var snapshot = Fixture.snapshot()
        snapshot.versionSets = [
            "seg": GatewayVersionSet(scheme: .segment), "q": GatewayVersionSet(scheme: .query, parameterName: "v"),
        ]
        let status = [GatewayOperation(name: "status", method: "GET", urlTemplate: "/status")]
        snapshot.apis += [
            GatewayAPI(
                name: "v1", path: "svc", serviceURL: "https://v1.example.com", subscriptionRequired: false,
                versionSetName: "seg", version: "v1", operations: status),
            GatewayAPI(
                name: "v2", path: "svc", serviceURL: "https://v2.example.com", subscriptionRequired: false,
                versionSetName: "seg", version: "v2", operations: status),
            GatewayAPI(
                name: "q1", path: "qs", serviceURL: "https://q1.example.com", subscriptionRequired: false,
                versionSetName: "q", version: "2024", operations: status),
        ]
        let gateway = gateway(snapshot)
        #expect(
            await gateway.handle(GatewayRequest(method: "GET", target: "/svc/v2/status")).headers["x-apimsync-backend"]
                == "v2.example.com")
        #expect(
            await gateway.handle(GatewayRequest(method: "GET", target: "/svc/v1/status")).headers["x-apimsync-backend"]
                == "v1.example.com")
        #expect(await gateway.handle(GatewayRequest(method: "GET", target: "/svc/v3/status")).status == 404)
        #expect(
            await gateway.handle(GatewayRequest(method: "GET", target: "/qs/status?v=2024")).headers[
                "x-apimsync-backend"] == "q1.example.com")
        #expect(await gateway.handle(GatewayRequest(method: "GET", target: "/qs/status?v=2023")).status == 404)
    }

    @Test("the subscription key is checked: missing, invalid, suspended, out of scope")
    func subscriptions() async {
        let gateway = gateway(Fixture.snapshot())
        let missing = await gateway.handle(Fixture.chat(key: nil))
        #expect(missing.status == 401)
        #expect((missing.json?["message"]?.stringValue ?? "").contains("missing subscription key"))
        let invalid = await gateway.handle(Fixture.chat(key: "nope"))
        #expect(invalid.status == 401)
        #expect((invalid.json?["message"]?.stringValue ?? "").contains("invalid subscription key"))
        #expect(await gateway.handle(Fixture.chat(key: "key-off")).status == 401)
        #expect(await gateway.handle(Fixture.chat(key: "key-a-2")).status == 200, "the secondary key works too")
        var query = Fixture.chat(key: nil)
        query.query.append(("api-key", Fixture.keyA))
        #expect(await gateway.handle(query).status == 200, "the key may come in the query parameter")
        var noProduct = Fixture.snapshot()
        noProduct.products["gold"]?.apis = []
        #expect(await self.gateway(noProduct).handle(Fixture.chat(key: Fixture.keyA)).status == 401)
    }

    @Test("the subscription key never reaches the backend")
    func keyStripped() async {
        let gateway = gateway(Fixture.snapshot())
        _ = await gateway.handle(Fixture.chat())
        let call = await gateway.backendCalls().last
        #expect(call?.headers["api-key"] == nil)
    }

    @Test("scopes run global → product → API → operation, with <base /> where it is written")
    func scopeOrder() async {
        func marker(_ name: String, before: Bool) -> String {
            let set = #"<set-header name="x-order" exists-action="append"><value>\#(name)</value></set-header>"#
            return before ? set + "<base />" : "<base />" + set
        }
        let snapshot = Fixture.snapshot(
            global: Fixture.policies(inbound: marker("global", before: false), backend: "<forward-request />"),
            product: Fixture.policies(inbound: marker("product", before: false)),
            api: Fixture.policies(inbound: marker("api", before: true)),
            operation: Fixture.policies(inbound: marker("operation", before: false)))
        let gateway = gateway(snapshot)
        _ = await gateway.handle(Fixture.chat(key: Fixture.keyA))
        #expect(
            await gateway.backendCalls().last?.headers.values("x-order") == ["api", "global", "product", "operation"])
        _ = await gateway.handle(Fixture.chat(key: Fixture.keyAll))
        #expect(
            await gateway.backendCalls().last?.headers.values("x-order") == ["api", "global", "operation"],
            "without a product subscription the product scope does not run")
    }

    @Test("set-header actions, set-query-parameter, set-variable and expressions over them")
    func messageStatements() async {
        let inbound = """
            <base />
            <set-variable name="who" value="@(context.Request.Headers.GetValueOrDefault("x-user", "anonymous"))" />
            <set-header name="x-who" exists-action="override"><value>@((string)context.Variables["who"])</value></set-header>
            <set-header name="x-keep" exists-action="skip"><value>replaced</value></set-header>
            <set-header name="x-drop" exists-action="delete" />
            <set-header name="x-multi" exists-action="append"><value>a</value><value>b</value></set-header>
            <set-query-parameter name="extra" exists-action="override"><value>{{greeting}}</value></set-query-parameter>
            """
        let outbound = """
            <base />
            <set-header name="x-status" exists-action="override"><value>@(context.Response.StatusCode.ToString())</value></set-header>
            """
        let gateway = gateway(Fixture.snapshot(api: Fixture.policies(inbound: inbound, outbound: outbound)))
        let response = await gateway.handle(
            Fixture.chat(headers: [("x-user", "ada"), ("x-keep", "original"), ("x-drop", "gone")]))
        let call = await gateway.backendCalls().last
        #expect(call?.headers["x-who"] == "ada")
        #expect(call?.headers["x-keep"] == "original")
        #expect(call?.headers["x-drop"] == nil)
        #expect(call?.headers.values("x-multi") == ["a", "b"])
        #expect(call?.query.contains { $0 == ("extra", "hello") } == true, "named values are resolved")
        #expect(response.headers["x-status"] == "200")
    }

    @Test("set-body, set-status and rewrite-uri change what the backend and the caller see")
    func bodyStatusRewrite() async {
        let inbound = """
            <base />
            <rewrite-uri template="/deployments/{deployment-id}/embeddings" copy-unmatched-params="true" />
            <set-body>@{
                var body = context.Request.Body.As<JObject>(preserveContent: true);
                body["input"] = "rewritten";
                return body.ToString();
            }</set-body>
            """
        let outbound = """
            <base />
            <set-status code="299" reason="Custom" />
            <set-body>@("wrapped:" + context.Response.Body.As<JObject>()["object"])</set-body>
            """
        let gateway = gateway(Fixture.snapshot(api: Fixture.policies(inbound: inbound, outbound: outbound)))
        let response = await gateway.handle(Fixture.chat())
        let call = await gateway.backendCalls().last
        #expect(call?.path == "/openai/deployments/gpt-4o/embeddings")
        #expect(call?.query.isEmpty == true, "api-version is a template parameter: not copied as unmatched")
        #expect((try? JSONValue.parse(call?.body ?? []))?["input"] == "rewritten")
        #expect(response.status == 299)
        #expect(response.reason == "Custom")
        #expect(response.bodyText == "wrapped:list")
    }

    @Test("choose runs the first true branch, else otherwise; return-response ends the pipeline")
    func chooseAndReturn() async {
        let inbound = """
            <base />
            <choose>
                <when condition="@(context.Request.MatchedParameters["deployment-id"] == "gpt-4o")">
                    <set-header name="x-branch" exists-action="override"><value>first</value></set-header>
                </when>
                <when condition="@(true)">
                    <set-header name="x-branch" exists-action="override"><value>second</value></set-header>
                </when>
                <otherwise>
                    <return-response>
                        <set-status code="404" reason="Not Found" />
                        <set-header name="Content-Type" exists-action="override"><value>application/json</value></set-header>
                        <set-body>{"error": "unknown"}</set-body>
                    </return-response>
                </otherwise>
            </choose>
            """
        let snapshot = Fixture.snapshot(
            api: Fixture.policies(
                inbound: inbound,
                outbound: #"<base /><set-header name="x-out" exists-action="override"><value>ran</value></set-header>"#)
        )
        let gateway = gateway(snapshot)
        let first = await gateway.handle(Fixture.chat())
        #expect(await gateway.backendCalls().last?.headers["x-branch"] == "first")
        #expect(first.headers["x-out"] == "ran")
        let before = await gateway.backendCalls().count
        let snapshot2 = Fixture.snapshot(
            api: Fixture.policies(inbound: inbound.replacingOccurrences(of: "@(true)", with: "@(false)")))
        let other = self.gateway(snapshot2)
        let returned = await other.handle(Fixture.chat(deployment: "nope"))
        #expect(returned.status == 404)
        #expect(returned.json?["error"] == "unknown")
        #expect(returned.headers["x-out"] == nil)
        #expect(await other.backendCalls().isEmpty, "return-response stops before the backend")
        #expect(before == 1)
    }

    @Test("mock-response answers without a backend")
    func mockResponse() async {
        let gateway = gateway(
            Fixture.snapshot(
                api: Fixture.policies(inbound: #"<mock-response status-code="202" content-type="text/plain" />"#)))
        let response = await gateway.handle(Fixture.chat())
        #expect(response.status == 202)
        #expect(response.headers["Content-Type"] == "text/plain")
        #expect(await gateway.backendCalls().isEmpty)
    }

    @Test("include-fragment runs the fragment in place")
    func fragments() async {
        let fragment =
            #"<fragment><set-header name="x-fragment" exists-action="override"><value>@(context.Api.Id)</value></set-header></fragment>"#
        let gateway = gateway(
            Fixture.snapshot(
                api: Fixture.policies(inbound: #"<base /><include-fragment fragment-id="shared" />"#),
                fragments: ["shared": fragment]))
        let response = await gateway.handle(Fixture.chat())
        #expect(response.status == 200)
        #expect(await gateway.backendCalls().last?.headers["x-fragment"] == "aoai")
        #expect(response.trace.map(\.statement).contains("include-fragment"))
        #expect(response.trace.contains { $0.statement == "set-header" && $0.location == "policyFragments/shared:1" })
    }

    @Test("fragments that include each other are stopped, not followed forever")
    func recursiveFragments() async {
        let fragment = #"<fragment><include-fragment fragment-id="loop" /></fragment>"#
        let gateway = LocalGateway(
            snapshot: Fixture.snapshot(
                api: Fixture.policies(inbound: #"<base /><include-fragment fragment-id="loop" />"#),
                fragments: ["loop": fragment]),
            clock: ManualGatewayClock())
        let response = await gateway.handle(Fixture.chat())
        #expect(response.unsupported?.hasPrefix("fragments include each other more than 16 deep") == true)
    }

    @Test("a statement the local gateway does not run fails the request with its file:line, never skipped")
    func unsupportedStatement() async {
        let api = Fixture.policies(inbound: "<base />\n<validate-jwt header-name=\"Authorization\" />")
        let gateway = gateway(Fixture.snapshot(api: api))
        let response = await gateway.handle(Fixture.chat())
        #expect(response.status == 500)
        #expect(
            response.unsupported
                == "statement <validate-jwt> at apis/aoai/policies/policy:3 is not supported by the local gateway")
        #expect(response.headers["x-apimsync-unsupported"] == "true")
        #expect(await gateway.backendCalls().isEmpty)
    }

    @Test("an expression outside the subset fails the request with its file:line:col")
    func unsupportedExpression() async {
        let api = Fixture.policies(
            inbound: "<base />\n<set-variable name=\"x\" value=\"@(context.Request.Headers.Select(h => h.Key))\" />")
        let response = await gateway(Fixture.snapshot(api: api)).handle(Fixture.chat())
        #expect(response.status == 500)
        #expect(
            response.unsupported?.hasPrefix(
                "the expression at apis/aoai/policies/policy:3:66 is not supported by the local gateway: lambdas")
                == true,
            "\(response.unsupported ?? "")")
    }

    @Test("statements are placed in the source file when the stored document still matches it")
    func sourceMapping() async {
        let source =
            "<!-- mine -->\n<policies>\n  <inbound>\n    <base />\n    <set-header name=\"a\" exists-action=\"override\">\n      <value>@(\"x\")</value>\n    </set-header>\n    <trace source=\"t\"><message>hi</message></trace>\n  </inbound>\n  <backend><base /></backend>\n  <outbound><base /></outbound>\n  <on-error><base /></on-error>\n</policies>"
        // The stored form is APIM's re-serialization: other lines, same statements.
        let stored = PolicyXMLWriter.serialize(PolicyXMLReader.read(source, format: .rawxml).nodes, format: .xml)
        var snapshot = Fixture.snapshot()
        snapshot.policies[.api("aoai")] = GatewayPolicy(
            text: stored, format: .xml, id: "apis/aoai/policies/policy",
            source: PolicySource(file: "policies/aoai.xml", text: source))
        let response = await gateway(snapshot).handle(Fixture.chat())
        #expect(response.trace.contains(TraceEntry(statement: "set-header", location: "policies/aoai.xml:5")))
        #expect(response.trace.contains { $0.location == "policies/aoai.xml:8" && $0.note == "source=t message=hi" })
        // A source that no longer describes the stored document is not used.
        snapshot.policies[.api("aoai")]?.source = PolicySource(
            file: "policies/aoai.xml", text: "<policies><inbound /></policies>")
        let stale = await gateway(snapshot).handle(Fixture.chat())
        #expect(
            stale.trace.contains { $0.statement == "set-header" && $0.location.hasPrefix("apis/aoai/policies/policy:") }
        )
    }

    @Test("an error moves to on-error with context.LastError; on-error can answer")
    func onError() async {
        let inbound = "<base />\n" + #"<set-variable name="n" value="@(int.Parse("x"))" />"#
        let onError = """
            <base />
            <return-response>
                <set-status code="418" reason="Teapot" />
                <set-body>@(context.LastError.Source + "|" + context.LastError.Reason + "|" + context.LastError.Section)</set-body>
            </return-response>
            """
        let gateway = gateway(Fixture.snapshot(api: Fixture.policies(inbound: inbound, onError: onError)))
        let response = await gateway.handle(Fixture.chat())
        #expect(response.status == 418)
        #expect(response.bodyText == "set-variable|ExpressionValueEvaluationFailure|inbound")
        let plain = await self.gateway(Fixture.snapshot(api: Fixture.policies(inbound: inbound))).handle(Fixture.chat())
        #expect(plain.status == 500)
        #expect(plain.json?["message"] == "Internal server error")
    }

    @Test("check-header refuses a missing or unlisted header with the configured status")
    func checkHeader() async {
        let inbound = """
            <base />
            <check-header name="x-tenant" failed-check-httpcode="401" failed-check-error-message="Tenant missing" ignore-case="true">
                <value>Contoso</value>
            </check-header>
            """
        let gateway = gateway(Fixture.snapshot(api: Fixture.policies(inbound: inbound)))
        let missing = await gateway.handle(Fixture.chat())
        #expect(missing.status == 401)
        #expect(missing.json?["message"] == "Tenant missing")
        #expect(await gateway.handle(Fixture.chat(headers: [("x-tenant", "other")])).status == 401)
        #expect(await gateway.handle(Fixture.chat(headers: [("x-tenant", "contoso")])).status == 200)
    }

    @Test("ip-filter allows or forbids addresses and ranges")
    func ipFilter() async {
        let allow =
            #"<base /><ip-filter action="allow"><address>10.0.0.1</address><address-range from="192.168.1.0" to="192.168.1.255" /></ip-filter>"#
        let gateway = gateway(Fixture.snapshot(api: Fixture.policies(inbound: allow)))
        #expect(await gateway.handle(Fixture.chat(ip: "10.0.0.1")).status == 200)
        #expect(await gateway.handle(Fixture.chat(ip: "192.168.1.77")).status == 200)
        let refused = await gateway.handle(Fixture.chat(ip: "10.0.0.2"))
        #expect(refused.status == 403)
        #expect(refused.json?["message"] == "Forbidden")
        let forbid = self.gateway(
            Fixture.snapshot(
                api: Fixture.policies(
                    inbound: #"<base /><ip-filter action="forbid"><address>10.0.0.2</address></ip-filter>"#)))
        #expect(await forbid.handle(Fixture.chat(ip: "10.0.0.2")).status == 403)
        #expect(await forbid.handle(Fixture.chat(ip: "10.0.0.3")).status == 200)
    }

    @Test("cors answers preflights, decorates allowed requests and ends unmatched GETs")
    func cors() async {
        let policy = """
            <cors allow-credentials="true">
                <allowed-origins><origin>https://app.example.com</origin></allowed-origins>
                <allowed-methods preflight-result-max-age="300"><method>GET</method><method>POST</method></allowed-methods>
                <allowed-headers><header>content-type</header><header>api-key</header></allowed-headers>
                <expose-headers><header>x-request-id</header></expose-headers>
            </cors>
            <base />
            """
        let gateway = gateway(Fixture.snapshot(api: Fixture.policies(inbound: policy)))
        let preflight = await gateway.handle(
            GatewayRequest(
                method: "OPTIONS", target: "/aoai/openai/status",
                headers: HeaderFields([
                    ("Origin", "https://app.example.com"), ("Access-Control-Request-Method", "GET"),
                    ("Access-Control-Request-Headers", "api-key"),
                ])))
        #expect(preflight.status == 200)
        #expect(preflight.headers["Access-Control-Allow-Origin"] == "https://app.example.com")
        #expect(preflight.headers["Access-Control-Allow-Credentials"] == "true")
        #expect(preflight.headers["Access-Control-Max-Age"] == "300")
        let simple = await gateway.handle(Fixture.get("/status", headers: [("Origin", "https://app.example.com")]))
        #expect(simple.headers["Access-Control-Allow-Origin"] == "https://app.example.com")
        #expect(simple.headers["Access-Control-Expose-Headers"] == "x-request-id")
        let foreign = await gateway.handle(Fixture.get("/status", headers: [("Origin", "https://evil.example.com")]))
        #expect(foreign.status == 200)
        #expect(foreign.body.isEmpty)
        #expect(foreign.headers["Access-Control-Allow-Origin"] == nil)
        #expect(await gateway.backendCalls().count == 1, "only the allowed request reached the backend")
    }

    @Test("cache-store-value and cache-lookup-value expire on the injected clock")
    func cache() async {
        let inbound = """
            <base />
            <cache-lookup-value key="k" variable-name="v" default-value="miss" />
            <set-header name="x-cache" exists-action="override"><value>@((string)context.Variables["v"])</value></set-header>
            <cache-store-value key="k" value="hit" duration="30" />
            """
        let clock = ManualGatewayClock()
        let gateway = gateway(Fixture.snapshot(api: Fixture.policies(inbound: inbound)), clock: clock)
        _ = await gateway.handle(Fixture.chat())
        #expect(await gateway.backendCalls().last?.headers["x-cache"] == "miss")
        clock.advance(seconds: 29)
        _ = await gateway.handle(Fixture.chat())
        #expect(await gateway.backendCalls().last?.headers["x-cache"] == "hit")
        clock.advance(seconds: 31)
        _ = await gateway.handle(Fixture.chat())
        #expect(await gateway.backendCalls().last?.headers["x-cache"] == "miss")
    }

    @Test("trace records its message in the policy trace")
    func trace() async {
        let gateway = gateway(
            Fixture.snapshot(
                api: Fixture.policies(
                    inbound:
                        #"<base /><trace source="mine" severity="information"><message>@("n=" + 1)</message></trace>"#))
        )
        let response = await gateway.handle(Fixture.chat())
        #expect(response.trace.contains { $0.statement == "trace" && $0.note == "source=mine message=n=1" })
    }

    @Test("context members: request, URL, API, operation, subscription, product, user, deployment, elapsed")
    func contextMembers() async {
        let inbound = """
            <base />
            <set-header name="x-ctx" exists-action="override"><value>@(string.Join("|", new[] {
                context.Request.Method, context.Request.Url.Host, context.Request.Url.Path,
                context.Request.Url.Query.GetValueOrDefault("api-version", ""), context.Request.OriginalUrl.Path,
                context.Request.IpAddress, context.Api.Id, context.Api.Path, context.Operation.Id,
                context.Operation.Method, context.Subscription.Id, context.Subscription.Name, context.Product.Id,
                context.Product.Name, context.User.Email, context.Deployment.Region,
                context.RequestId.ToString().Length.ToString(), context.Request.MatchedParameters["deployment-id"]
            }))</value></set-header>
            """
        let outbound = """
            <base />
            <set-header name="x-elapsed" exists-action="override"><value>@(context.Elapsed.TotalSeconds.ToString())</value></set-header>
            """
        var snapshot = Fixture.snapshot(api: Fixture.policies(inbound: inbound, outbound: outbound))
        snapshot.subscriptions[0].user = "ada"
        snapshot.users["ada"] = GatewayUser(name: "ada", email: "ada@example.com")
        let gateway = LocalGateway(snapshot: snapshot, clock: ManualGatewayClock())
        await gateway.setScript(BackendScript(fallback: .init(status: 200, delay: 2)), for: "one.openai.azure.com")
        let response = await gateway.handle(Fixture.chat(key: Fixture.keyA, ip: "10.1.2.3"))
        let expected = [
            "POST", "one.openai.azure.com", "/openai/deployments/gpt-4o/chat/completions", "2024-10-21",
            "/aoai/openai/deployments/gpt-4o/chat/completions", "10.1.2.3", "aoai", "aoai/openai", "chat", "POST",
            "team-a", "Team A", "gold", "Gold", "ada@example.com", "Local", "36", "gpt-4o",
        ]
        #expect(await gateway.backendCalls().last?.headers["x-ctx"] == expected.joined(separator: "|"))
        #expect(response.headers["x-elapsed"] == "2")
    }

    @Test("reading the body without preserveContent consumes it, as in APIM; with it the body goes on")
    func bodyConsumption() async {
        func gateway(preserve: Bool) -> LocalGateway {
            let inbound =
                #"<base /><set-variable name="b" value="@(context.Request.Body.As<string>(preserveContent: \#(preserve)))" />"#
            return LocalGateway(
                snapshot: Fixture.snapshot(api: Fixture.policies(inbound: inbound)), clock: ManualGatewayClock())
        }
        let consumed = gateway(preserve: false)
        #expect(await consumed.handle(Fixture.chat()).status == 400)
        #expect(await consumed.backendCalls().last?.body.isEmpty == true)
        #expect(await gateway(preserve: true).handle(Fixture.chat()).status == 200)
    }

    @Test("set-backend-service base-url sends the request to that URL")
    func baseURL() async {
        let inbound = #"<base /><set-backend-service base-url="https://other.openai.azure.com/openai" />"#
        let gateway = LocalGateway(
            snapshot: Fixture.snapshot(api: Fixture.policies(inbound: inbound)), clock: ManualGatewayClock())
        let response = await gateway.handle(Fixture.chat())
        #expect(response.headers["x-apimsync-instance"] == "other")
        #expect(await gateway.backendCalls().last?.path == "/openai/deployments/gpt-4o/chat/completions")
        let unknown = LocalGateway(
            snapshot: Fixture.snapshot(
                api: Fixture.policies(inbound: #"<base /><set-backend-service backend-id="nope" />"#)),
            clock: ManualGatewayClock())
        #expect(await unknown.handle(Fixture.chat()).status == 500)
    }

    @Test("a gateway following a source picks up a new configuration when its revision changes")
    func followsSource() async {
        actor Store {
            var revision = 1
            var header = "first"
            func change(_ value: String) {
                revision += 1
                header = value
            }
        }
        let store = Store()
        let source = ARMEntitiesSource(
            revision: { String(await store.revision) },
            entities: {
                let policy =
                    #"<policies><inbound><set-header name="x-v" exists-action="override"><value>"#
                    + (await store.header) + "</value></set-header></inbound><backend><forward-request /></backend>"
                    + "<outbound /><on-error /></policies>"
                return [
                    [
                        "id": "apis/echo", "name": "echo",
                        "properties": [
                            "path": "echo", "serviceUrl": "https://e.openai.azure.com", "subscriptionRequired": false,
                        ],
                    ],
                    [
                        "id": "apis/echo/operations/get", "name": "get",
                        "properties": ["method": "GET", "urlTemplate": "/x"],
                    ],
                    [
                        "id": "policies/policy", "name": "policy",
                        "properties": ["format": "rawxml", "value": .string(policy)],
                    ],
                ]
            })
        let gateway = await LocalGateway(source: source, clock: ManualGatewayClock())
        _ = await gateway.handle(GatewayRequest(method: "GET", target: "/echo/x"))
        #expect(await gateway.backendCalls().last?.headers["x-v"] == "first")
        await store.change("second")
        _ = await gateway.handle(GatewayRequest(method: "GET", target: "/echo/x"))
        #expect(await gateway.backendCalls().last?.headers["x-v"] == "second")
    }

    @Test("snapshots are built from ARM entities as the management API returns them")
    func armSnapshot() {
        let service = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/apim"
        let entities: [JSONValue] = [
            [
                "id": .string(service + "/apis/aoai"), "name": "aoai",
                "properties": [
                    "path": "aoai/openai", "displayName": "AOAI",
                    "subscriptionKeyParameterNames": ["header": "api-key", "query": "api-key"],
                ],
            ],
            ["id": .string(service + "/apis/aoai;rev=2"), "name": "aoai;rev=2", "properties": ["path": "aoai/openai"]],
            [
                "id": .string(service + "/apis/aoai/operations/chat"), "name": "chat",
                "properties": ["method": "POST", "urlTemplate": "/chat"],
            ],
            [
                "id": .string(service + "/apis/aoai/policies/policy"), "name": "policy",
                "properties": ["format": "rawxml", "value": "<policies />"],
            ],
            [
                "id": .string(service + "/backends/pool"), "name": "pool",
                "properties": [
                    "type": "Pool",
                    "pool": [
                        "services": [["id": .string(service + "/backends/one"), "priority": 2, "weight": 10]],
                        "failureResponse": ["statusCode": 502],
                    ],
                ],
            ],
            [
                "id": .string(service + "/backends/one"), "name": "one",
                "properties": [
                    "url": "https://one.openai.azure.com/openai",
                    "circuitBreaker": [
                        "rules": [
                            [
                                "name": "r",
                                "failureCondition": [
                                    "count": 3, "interval": "PT30S", "statusCodeRanges": [["min": 429, "max": 429]],
                                ], "tripDuration": "PT1M30S", "acceptRetryAfter": true,
                            ]
                        ]
                    ], "credentials": ["header": ["api-key": ["{{key}}"]]],
                ],
            ],
            [
                "id": .string(service + "/namedValues/k1"), "name": "k1",
                "properties": ["displayName": "Key", "value": "secret", "secret": true],
            ],
            [
                "id": .string(service + "/products/gold"), "name": "gold",
                "properties": ["displayName": "Gold", "state": "published"],
            ],
            ["id": .string(service + "/products/gold/apis/aoai"), "name": "aoai", "properties": [:]],
            [
                "id": "subscriptions/team-a", "name": "team-a",
                "properties": [
                    "scope": .string(service + "/products/gold"), "state": "active", "primaryKey": "p",
                    "secondaryKey": "s",
                ],
            ],
        ]
        let snapshot = GatewaySnapshot(
            armEntities: entities,
            sources: ["apis/aoai/policies/policy": PolicySource(file: "a.xml", text: "<policies />")])
        #expect(snapshot.apis.map(\.name) == ["aoai"])
        #expect(snapshot.apis.first?.operations.map(\.urlTemplate) == ["/chat"])
        #expect(snapshot.apis.first?.subscriptionKeyHeader == "api-key")
        #expect(snapshot.policies[.api("aoai")]?.source?.file == "a.xml")
        #expect(snapshot.backend("POOL")?.pool == [.init(backend: "one", priority: 2, weight: 10)])
        #expect(snapshot.backend("pool")?.poolFailureStatus == 502)
        let rule = snapshot.backend("one")?.circuitBreakerRules.first
        #expect(
            rule?.failureCount == 3 && rule?.interval == 30 && rule?.tripDuration == 90
                && rule?.acceptRetryAfter == true)
        #expect(snapshot.backend("one")?.credentialHeaders.first?.1 == ["{{key}}"])
        #expect(snapshot.namedValue("KEY") == "secret")
        #expect(snapshot.products["gold"]?.apis == ["aoai"])
        #expect(snapshot.subscriptions.first?.scope == .product("gold"))
    }
}
