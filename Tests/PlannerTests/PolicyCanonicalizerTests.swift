import Model
import Planner
import Testing

@Suite struct PolicyCanonicalizerTests {
    static let written = """
        <policies>
            <inbound>
                <base/>
                <set-header name='x-user' exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault("x-user-id", "N/A"))</value></set-header>
                <set-variable name="failed" value="@(context.Response.StatusCode >= 500 && context.Response.Headers.Any(h => h.Key == "Via"))" />
                <llm-token-limit counter-key="@(context.Subscription.Id)" tokens-per-minute="10000" estimate-prompt-tokens="false" />
                <set-body>@{
                    var items = new List<string> { "a", "<b>" };
                    return string.Join(",", items);
                }</set-body>
            </inbound>
            <outbound></outbound>
        </policies>
        """

    /// What APIM returns for `format=rawxml`: tabs, CRLF, double quotes, ` />`, empty elements self-closed.
    static let storedRaw =
        "<policies>\r\n\t<inbound>\r\n\t\t<base />\r\n\t\t<set-header name=\"x-user\" exists-action=\"override\">\r\n\t\t\t<value>@(context.Request.Headers.GetValueOrDefault(\"x-user-id\", \"N/A\"))</value>\r\n\t\t</set-header>\r\n\t\t<set-variable name=\"failed\" value=\"@(context.Response.StatusCode >= 500 && context.Response.Headers.Any(h => h.Key == \"Via\"))\" />\r\n\t\t<llm-token-limit counter-key=\"@(context.Subscription.Id)\" tokens-per-minute=\"10000\" estimate-prompt-tokens=\"false\" />\r\n\t\t<set-body>@{\n                var items = new List<string> { \"a\", \"<b>\" };\n                return string.Join(\",\", items);\n            }</set-body>\r\n\t</inbound>\r\n\t<outbound />\r\n</policies>"

    /// What APIM returns for `format=xml`: the same, with expressions XML-escaped.
    static let storedEscaped =
        "<policies>\r\n\t<inbound>\r\n\t\t<base />\r\n\t\t<set-header name=\"x-user\" exists-action=\"override\">\r\n\t\t\t<value>@(context.Request.Headers.GetValueOrDefault(&quot;x-user-id&quot;, &quot;N/A&quot;))</value>\r\n\t\t</set-header>\r\n\t\t<set-variable name=\"failed\" value=\"@(context.Response.StatusCode &gt;= 500 &amp;&amp; context.Response.Headers.Any(h =&gt; h.Key == &quot;Via&quot;))\" />\r\n\t\t<llm-token-limit counter-key=\"@(context.Subscription.Id)\" tokens-per-minute=\"10000\" estimate-prompt-tokens=\"false\" />\r\n\t\t<set-body>@{&#xA;                var items = new List&lt;string&gt; { &quot;a&quot;, &quot;&lt;b&gt;&quot; };&#xA;                return string.Join(&quot;,&quot;, items);&#xA;            }</set-body>\r\n\t</inbound>\r\n\t<outbound />\r\n</policies>"

    @Test(arguments: [storedRaw, storedEscaped])
    func absorbsApimReformatting(stored: String) {
        #expect(PolicyCanonicalizer.canonical(Self.written) == PolicyCanonicalizer.canonical(stored))
        #expect(PolicyCanonicalizer.equivalent(Self.written, stored))
        #expect(PolicyCanonicalizer.diff(stored, Self.written).isEmpty)
    }

    @Test func reportsOneAttributeChange() {
        let changed = Self.written.replacingAll("tokens-per-minute=\"10000\"", with: "tokens-per-minute=\"20000\"")
        #expect(!PolicyCanonicalizer.equivalent(Self.storedEscaped, changed))
        #expect(PolicyCanonicalizer.canonical(Self.storedEscaped) != PolicyCanonicalizer.canonical(changed))
        #expect(
            PolicyCanonicalizer.diff(Self.storedEscaped, changed) == [
                FieldChange(path: "inbound/llm-token-limit@tokens-per-minute", before: "10000", after: "20000")
            ])
    }

    @Test func reportsAddedAndRemovedElementsWhole() {
        let before = "<policies><inbound><base /><rate-limit calls=\"5\" renewal-period=\"60\" /></inbound></policies>"
        let after =
            "<policies><inbound><base /><set-header name=\"a\"><value>b</value></set-header></inbound></policies>"
        #expect(
            PolicyCanonicalizer.diff(before, after) == [
                FieldChange(
                    path: "inbound/rate-limit", before: "<rate-limit calls=\"5\" renewal-period=\"60\" />", after: nil),
                FieldChange(
                    path: "inbound/set-header", before: nil,
                    after: "<set-header name=\"a\"><value>b</value></set-header>"),
            ])
    }

    @Test func distinguishesRepeatedSiblings() {
        let before = "<policies><inbound><set-header name=\"a\" /><set-header name=\"b\" /></inbound></policies>"
        let after = "<policies><inbound><set-header name=\"a\" /><set-header name=\"c\" /></inbound></policies>"
        #expect(
            PolicyCanonicalizer.diff(before, after) == [
                FieldChange(path: "inbound/set-header[2]@name", before: "b", after: "c")
            ])
    }

    @Test func roughEdge8_insertingASiblingIsExactlyOneInsertion() {
        let before =
            "<policies><inbound><base /><set-header name=\"a\"><value>1</value></set-header></inbound></policies>"
        let after =
            "<policies><inbound><base /><set-header name=\"b\"><value>2</value></set-header>"
            + "<set-header name=\"a\"><value>1</value></set-header></inbound></policies>"
        #expect(
            PolicyCanonicalizer.diff(before, after) == [
                FieldChange(
                    path: "inbound/set-header[1]", before: nil,
                    after: "<set-header name=\"b\"><value>2</value></set-header>")
            ])
        // And at the end of a longer run of siblings, removed again: one removal.
        let three =
            "<policies><inbound><rate-limit calls=\"1\" renewal-period=\"1\" /><rate-limit calls=\"2\" renewal-period=\"1\" /><rate-limit calls=\"3\" renewal-period=\"1\" /></inbound></policies>"
        let two =
            "<policies><inbound><rate-limit calls=\"2\" renewal-period=\"1\" /><rate-limit calls=\"3\" renewal-period=\"1\" /></inbound></policies>"
        #expect(
            PolicyCanonicalizer.diff(three, two) == [
                FieldChange(
                    path: "inbound/rate-limit[1]", before: "<rate-limit calls=\"1\" renewal-period=\"1\" />", after: nil
                )
            ])
    }

    @Test func textChangesInsideExpressionsAreReal() {
        let before = "<policies><inbound><set-body>@(\"a\")</set-body></inbound></policies>"
        let after = "<policies><inbound><set-body>@(\"b\")</set-body></inbound></policies>"
        #expect(
            PolicyCanonicalizer.diff(before, after) == [
                FieldChange(path: "inbound/set-body#text", before: "@(\"a\")", after: "@(\"b\")")
            ])
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: Substring(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
