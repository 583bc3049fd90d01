import Model
import Testing

@Suite struct PolicyXMLReaderTests {
    static func raw(_ text: String) -> PolicyScan { PolicyXMLReader.read(text, format: .rawxml) }
    static func xml(_ text: String) -> PolicyScan { PolicyXMLReader.read(text, format: .xml) }

    static func firstText(_ element: PolicyElement?) -> String? {
        for child in element?.children ?? [] { if case .text(let text) = child { return text.value } }
        return nil
    }

    @Test func decodesNamedDecimalAndHexadecimalEntities() throws {
        let scan = Self.xml(
            "<policies a=\"&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#xA;\">x &lt; y &#x263A; &#9731;</policies>")
        #expect(scan.problems.isEmpty, "\(scan.problems)")
        let root = try #require(scan.rootElement)
        #expect(root.attribute("a")?.value == "<>&\"'AB\n")
        #expect(Self.firstText(root) == "x < y ☺ ☃")
    }

    @Test func reportsUndeclaredEntitiesAndBareAmpersandsWhereTheyAre() {
        let scan = Self.xml("<policies>\n  <a b=\"x &nbsp; y\" />\n  <c>1 & 2</c>\n</policies>")
        #expect(scan.problems.map(\.kind) == [.undeclaredEntity("nbsp"), .malformedEntity])
        #expect(scan.problems.map { [$0.line, $0.column] } == [[2, 11], [3, 8]])
    }

    @Test func keepsCommentsAndCDATA() throws {
        let scan = Self.raw(
            "<!-- top --><policies><inbound><!-- a {{not-a-reference}} --><set-body><![CDATA[<raw> & {{nv}}]]></set-body></inbound></policies>"
        )
        #expect(scan.problems.isEmpty, "\(scan.problems)")
        #expect(scan.nodes.first == .comment(" top "))
        let inbound = try #require(scan.rootElement?.elements.first)
        #expect(inbound.children.first == .comment(" a {{not-a-reference}} "))
        #expect(inbound.elements.first?.children == [.cdata(PolicyText("<raw> & {{nv}}", line: 1, column: 81))])
        #expect(scan.namedValueReferences.map(\.name) == ["nv"])
    }

    @Test func positionsOfElementsAttributesAndReferences() throws {
        let scan = Self.raw(
            "<policies>\r\n\t<inbound>\r\n\t\t<set-header  name=\"x-{{env}}\" />\r\n\t</inbound>\r\n</policies>")
        #expect(scan.problems.isEmpty, "\(scan.problems)")
        let header = try #require(scan.elements.first { $0.name == "set-header" })
        #expect([header.line, header.column] == [3, 3])
        let name = try #require(header.attribute("name"))
        #expect([name.nameLine, name.nameColumn, name.line, name.column] == [3, 16, 3, 22])
        #expect(scan.namedValueReferences.map { [$0.line, $0.column] } == [[3, 24]])
        #expect(scan.namedValueReferences.first?.element == PolicyElementPlace(name: "set-header", line: 3, column: 3))
        #expect(header.ancestors == ["policies", "inbound"])
    }

    @Test func textKnowsWhereItStartsSoExpressionTokensMapToTheFile() throws {
        let scan = Self.raw(
            "<policies>\n  <inbound>\n    <set-body>@{\n      return \"x\";\n    }</set-body>\n  </inbound>\n</policies>"
        )
        let body = try #require(scan.elements.first { $0.name == "set-body" })
        #expect([body.line, body.column] == [3, 5])
        let setBody = try #require(scan.rootElement?.elements.first?.elements.first)
        guard case .text(let text) = setBody.children.first else {
            Issue.record("set-body has no text")
            return
        }
        #expect([text.line, text.column] == [3, 15])
        let token = try #require(CSharpLexer.tokenize(text.value).tokens.first { $0.text == "return" })
        // Line 2 of the text is line 4 of the file; columns after the first line are the file's.
        #expect([text.line + token.line - 1, token.column] == [4, 7])
    }

    @Test func rawExpressionsHoldQuotesAngleBracketsAndLambdas() throws {
        let value =
            #"@(context.Response.Headers.Any(h => h.Key == "Via") && context.Variables.GetValueOrDefault<int>("n") < 3)"#
        let scan = Self.raw("<policies><inbound><set-variable name=\"v\" value=\"\(value)\" /></inbound></policies>")
        #expect(scan.problems.isEmpty, "\(scan.problems)")
        #expect(scan.elements.last?.attribute("value")?.value == value)
        #expect(scan.elements.last?.attribute("value")?.isExpression == true)
    }

    @Test func blocksWithCommentsStringsAndInitializersNeverConfuseTheReader() throws {
        let body = """
            @{
                // 1) headers: the closing ) and } here are a comment
                /* 2) "quotes" and </set-body> in a block comment */
                var map = new Dictionary<string, string> {{"a", "b"}, {"c", "d)"}};
                var path = @"C:\\dir ""quoted"" }";
                var greeting = $"{{hello}} {map["a"]} {(map.Count > 1 ? $"{map.Count:N0}" : "none")}";
                var verbatim = $@"{path} ""}}"" " + @$"{greeting}";
                char close = ')';
                return greeting;
            }
            """
        let scan = Self.raw("<policies><inbound><set-body>\(body)</set-body><base /></inbound></policies>")
        #expect(scan.problems.isEmpty, "\(scan.problems)")
        #expect(scan.elements.map(\.name) == ["policies", "inbound", "set-body", "base"])
        #expect(Self.firstText(scan.rootElement?.elements.first?.elements.first) == body)
        // APIM resolves `{{name}}` in the text before compiling it, even in a C# string (where `{{` would be an
        // escaped brace); `{{"a", "b"}}` cannot name a named value.
        #expect(scan.namedValueReferences.map(\.name) == ["hello"])
    }

    @Test func namedValueReferencesFollowAPIMsNamePattern() {
        let scan = Self.raw(
            """
            <policies><inbound>
            <set-header name="a"><value>{{ spaced-name }}</value></set-header>
            <set-header name="b"><value>{{queue|topic}} {{"a", "b"}} {{}} {{x.y_z-1}}</value></set-header>
            <set-variable name="c" value="@("{{in-expression}}")" />
            </inbound></policies>
            """)
        #expect(scan.problems.isEmpty, "\(scan.problems)")
        #expect(scan.namedValueReferences.map(\.name) == ["spaced-name", "x.y_z-1", "in-expression"])
    }

    @Test func liquidTemplatesAreNotReadForNamedValues() {
        let scan = Self.raw(
            """
            <policies><outbound>
            <set-body template="liquid">{% if body.ok %}{"id": "{{body.id}}", "bad": "{{unclosed</set-body>
            <set-body template="none">{{real}}</set-body>
            </outbound></policies>
            """)
        #expect(scan.problems.isEmpty, "\(scan.problems)")
        #expect(scan.namedValueReferences.map(\.name) == ["real"])
    }

    @Test func anUnclosedDoubleBraceIsOneProblemAtItsPlace() {
        let scan = Self.raw(
            "<policies>\n<inbound>\n<set-header name=\"a\"><value>Bearer {{token</value></set-header>\n<base />\n</inbound>\n</policies>"
        )
        #expect(scan.problems.map(\.kind) == [.unclosedNamedValue("token")])
        #expect(scan.problems.map { [$0.line, $0.column] } == [[3, 36]])
        #expect(scan.elements.map(\.name) == ["policies", "inbound", "set-header", "value", "base"])
    }

    @Test func anUnterminatedExpressionIsOneProblemAndReadingGoesOn() {
        let scan = Self.raw(
            """
            <policies>
              <inbound>
                <set-variable name="a" value="@(context.Request.Headers.GetValueOrDefault("x", "")" />
                <set-header name="b"><value>@(context.Variables["a"])</value></set-header>
                <set-body>@{ return "never closed"; </set-body>
                <base />
              </inbound>
            </policies>
            """)
        #expect(scan.problems.map(\.kind) == [.unterminatedExpression, .unterminatedExpression])
        #expect(scan.problems.map { [$0.line, $0.column] } == [[3, 35], [5, 15]])
        #expect(
            scan.elements.map(\.name) == [
                "policies", "inbound", "set-variable", "set-header", "value", "set-body", "base",
            ])
    }

    @Test func lexicalProblemsInsideExpressionsAreReportedInBothFormats() {
        let raw = Self.raw("<policies><inbound><set-body>@{ return \"open\n; }</set-body></inbound></policies>")
        #expect(raw.problems.map(\.kind) == [.expression(CSharpLexer.unterminatedStringMessage)])
        #expect(raw.problems.map { [$0.line, $0.column] } == [[1, 40]])
        #expect(raw.problems.first?.element == PolicyElementPlace(name: "set-body", line: 1, column: 20))
        let xml = Self.xml("<policies><inbound><set-body>@{ return &quot;open\n; }</set-body></inbound></policies>")
        #expect(xml.problems.map(\.kind) == [.expression(CSharpLexer.unterminatedStringMessage)])
        #expect(xml.problems.map { [$0.line, $0.column] } == [[1, 40]])
    }

    @Test func xmlFormatRefusesRawExpressions() {
        let scan = Self.xml("<policies><inbound><set-variable name=\"a\" value=\"@(1 < 2)\" /></inbound></policies>")
        #expect(scan.problems.map(\.kind) == [.lessThanInAttribute("value")])
        #expect(scan.problems.map { [$0.line, $0.column] } == [[1, 54]])
    }

    @Test func structuralProblems() {
        #expect(
            Self.raw("<policies>\n<inbound>\n</outbound>\n").problems.map(\.kind) == [
                .strayEndTag("outbound", open: "inbound"), .unclosedElement("inbound", open: ["policies", "inbound"]),
            ])
        #expect(
            Self.raw("<policies><inbound></policies>").problems.map(\.kind) == [
                .mismatchedEndTag(open: "inbound", close: "policies")
            ])
        #expect(Self.raw("<policies /><policies />").problems.map(\.kind) == [.multipleRoots("policies")])
        #expect(Self.raw("text <policies />").problems.map(\.kind) == [.dataAtRootLevel])
        #expect(Self.raw("").problems.map(\.kind) == [.missingRoot])
        #expect(Self.raw("<policies a=\"1\" a=\"2\" />").problems.map(\.kind) == [.duplicateAttribute("a")])
        #expect(Self.raw("<policies a=\"1\"b=\"2\" />").problems.map(\.kind) == [.missingWhitespace(found: "b")])
        #expect(
            Self.raw("<policies><a x=1 y=\"2\" /></policies>").problems.map(\.kind) == [.unquotedAttributeValue("x")])
        #expect(Self.raw("<policies>< a /></policies>").problems.map(\.kind) == [.invalidNameStart(found: " ")])
        #expect(Self.raw("<!DOCTYPE x><policies />").problems.map(\.kind) == [.declaration])
        #expect(Self.raw("<policies><!-- a -- b --></policies>").problems.map(\.kind) == [.doubleHyphenInComment])
        #expect(Self.raw("<policies><!-- a ---></policies>").problems.map(\.kind) == [.doubleHyphenInComment])
        #expect(Self.raw("<?xml version=\"1.0\"?>\n<policies />").problems.isEmpty)
    }

    @Test func depthIsBoundedWithOneProblemAndTheTreeStaysShallow() {
        let depth = 100_000
        let text = String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        let scan = Self.raw(text)
        #expect(scan.problems.map(\.kind) == [.tooDeep(PolicyXMLReader.maximumDepth)])
        #expect(scan.elements.count == PolicyXMLReader.maximumDepth)
        var deepest = 0
        var element = scan.rootElement
        while let current = element {
            deepest += 1
            element = current.elements.first
        }
        #expect(deepest == PolicyXMLReader.maximumDepth)
    }

    @Test func manyUnclosedExpressionsAreStillReadInLinearTime() {
        let text = "<policies><a v=\"" + String(repeating: "@((x \" ", count: 20_000) + "\" /></policies>"
        let start = ContinuousClock.now
        let scan = Self.raw(text)
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(scan.problems.contains { $0.kind == .unterminatedExpression })
    }

    @Test func unknownFormatResolvesEntitiesInsideExpressionsToo() {
        let escaped = "<policies><a v=\"@(x.Get(&quot;k&quot;) &gt; 1)\" /></policies>"
        #expect(Self.raw(escaped).elements.last?.attribute("v")?.value == "@(x.Get(&quot;k&quot;) &gt; 1)")
        #expect(
            PolicyXMLReader.read(escaped, format: .rawxml, decodingEntitiesInExpressions: true).elements.last?
                .attribute("v")?.value == "@(x.Get(\"k\") > 1)")
        #expect(Self.xml(escaped).elements.last?.attribute("v")?.value == "@(x.Get(\"k\") > 1)")
    }

    @Test func neverTrapsOnArbitraryInput() {
        let alphabet = Array("<>/=\"'&;#x@(){}[]!-?[CDATA]abc \n\r\t{{}}liquid$".unicodeScalars)
        var generator = SplitMix64(seed: 9)
        for _ in 0..<2000 {
            let length = Int(generator.next() % 80)
            var text = String.UnicodeScalarView()
            for _ in 0..<length { text.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
            for format in [PolicyFormat.xml, .rawxml] {
                let scan = PolicyXMLReader.read(String(text), format: format)
                #expect(scan.problems.allSatisfy { $0.line >= 1 && $0.column >= 1 })
            }
        }
    }
}
