import Model
import Testing

@Suite struct PolicyScannerTests {
    @Test func toleratesCSharpExpressionsWithRawQuotesAndAngleBrackets() {
        let text = """
            <policies>
              <inbound>
                <set-variable name="x" value="@(context.Request.Headers.GetValueOrDefault("x-user-id", "N/A"))" />
                <choose>
                  <when condition="@(context.Response.StatusCode >= 500 && context.Variables.GetValueOrDefault<int>("n") < 3)">
                    <set-body>@{ var list = new List<string> { "a>b", "<c>" }; return list.Where(s => s != "}").First(); }</set-body>
                  </when>
                </choose>
                <set-backend-service backend-id="{{env}}-pool" />
                <include-fragment fragment-id="auth" />
              </inbound>
            </policies>
            """
        let scan = PolicyScanner.scan(text)
        #expect(scan.problems.isEmpty, "\(scan.problems)")
        #expect(
            scan.elements.map(\.name) == [
                "policies", "inbound", "set-variable", "choose", "when", "set-body", "set-backend-service",
                "include-fragment",
            ])
        #expect(
            scan.elements[2].attribute("value")?.value
                == "@(context.Request.Headers.GetValueOrDefault(\"x-user-id\", \"N/A\"))")
        #expect(scan.elements[2].attribute("value")?.isExpression == true)
        #expect(scan.namedValueReferences.map(\.name) == ["env"])
        #expect(scan.namedValueReferences.first.map { [$0.line, $0.column] } == [9, 38])
        #expect(scan.elements[7].ancestors == ["policies", "inbound"])
    }

    @Test func escapedXmlFormIsReadToo() {
        let scan = PolicyScanner.scan(
            "<policies>\r\n\t<inbound>\r\n\t\t<set-header name=\"a\"><value>@(x.Get(&quot;b&quot;) &gt; 1)</value></set-header>\r\n\t</inbound>\r\n</policies>"
        )
        #expect(scan.problems.isEmpty)
        #expect(scan.elements.count == 4)
    }

    @Test func reportsUnclosedElementsAndStrayClosingTags() {
        let scan = PolicyScanner.scan("<policies>\n<inbound>\n</outbound>\n")
        #expect(
            scan.problems.map(\.message) == [
                "closing tag '</outbound>' has no matching start tag", "element 'inbound' is never closed",
            ])
        #expect(scan.problems.first.map { [$0.line, $0.column] } == [3, 1])
    }

    @Test func roughEdge9_liquidTemplatesHoldNoNamedValueReferences() {
        let scan = PolicyScanner.scan(
            """
            <policies>
              <inbound>
                <set-header name="x-env"><value>{{env}}</value></set-header>
                <set-body template="liquid">{"name": "{{body.name}}", "user": "{{context.User.Email}}"}</set-body>
              </inbound>
            </policies>
            """)
        #expect(scan.problems.isEmpty, "\(scan.problems)")
        #expect(scan.namedValueReferences.map(\.name) == ["env"])
    }

    @Test func roughEdge9_bracesThatCannotNameANamedValueAreNotReferences() {
        let scan = PolicyScanner.scan(
            """
            <policies>
              <inbound>
                <set-variable name="target" value="{{queue|topic}}" />
                <set-variable name="pairs" value="@{ var d = new Dictionary<string,string> {{"a", "b"}}; return d.Count; }" />
              </inbound>
            </policies>
            """)
        #expect(scan.problems.isEmpty, "\(scan.problems)")
        #expect(scan.namedValueReferences.isEmpty, "\(scan.namedValueReferences)")
    }

    @Test func roughEdge9_anUnclosedDoubleBraceIsOneProblemAtItsPlace() {
        let scan = PolicyScanner.scan(
            """
            <policies>
              <inbound>
                <set-backend-service backend-id="{{aoai-backend" />
                <set-header name="a"><value>one</value></set-header>
                <set-header name="b"><value>two</value></set-header>
              </inbound>
            </policies>
            """)
        #expect(scan.problems.map(\.message) == ["'{{aoai-backend' is never closed by '}}'"])
        #expect(scan.problems.map { [$0.line, $0.column] } == [[3, 38]])
        #expect(
            scan.elements.map(\.name) == [
                "policies", "inbound", "set-backend-service", "set-header", "value", "set-header", "value",
            ])
    }

    @Test func ignoresReferencesInComments() {
        let scan = PolicyScanner.scan("<!-- {{old}} <set-backend-service backend-id=\"x\" /> --><policies />")
        #expect(scan.namedValueReferences.isEmpty)
        #expect(scan.elements.map(\.name) == ["policies"])
    }
}

@Suite struct OpenAPIImportTests {
    @Test(arguments: [
        ("ChatCompletions_Create", "chatcompletions-create"), ("GET-/foo/{bar}?buzz={quix}", "get-foo-bar-buzz-quix"),
        ("__x__", "x"), ("embeddings_create", "embeddings-create"),
    ])
    func normalisesOperationIds(operationId: String, expected: String) {
        #expect(OpenAPIImport.normalise(operationId) == expected)
    }

    @Test func movesRequiredQueryParametersIntoTheTemplateAndFollowsRefs() throws {
        let document = try JSONValue.parse(
            """
            {"paths": {"/d/{id}/chat": {"parameters": [{"$ref": "#/components/parameters/v"}],
              "post": {"operationId": "Chat_Create", "summary": "Chat"},
              "get": {"parameters": [{"name": "q", "in": "query"}]}}},
             "components": {"parameters": {"v": {"name": "api-version", "in": "query", "required": true}}}}
            """)
        let operations = OpenAPIImport.operations(in: document)
        #expect(operations.map(\.name) == ["get-d-id-chat", "chat-create"])
        #expect(
            operations.map(\.urlTemplate) == [
                "/d/{id}/chat?api-version={api-version}", "/d/{id}/chat?api-version={api-version}",
            ])
        #expect(operations.map(\.displayName) == ["Get - /d/{id}/chat", "Chat"])
    }
}
