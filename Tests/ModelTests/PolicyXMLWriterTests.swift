import Model
import Testing

@Suite struct PolicyXMLWriterTests {
    static let written = """
        <!-- global -->
        <policies>
          <inbound>
            <base/>
            <set-header name='x' exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault("a","") + (1 < 2 ? "y" : "n"))</value></set-header>
            <set-variable name="v" value="@{
              return "a&b";
            }" />
          </inbound>
          <outbound></outbound>
        </policies>
        """

    @Test func writesAPIMsCanonicalFormInXml() {
        let scan = PolicyXMLReader.read(Self.written, format: .rawxml)
        #expect(scan.problems.isEmpty, "\(scan.problems)")
        #expect(
            PolicyXMLWriter.serialize(scan.nodes, format: .xml)
                == "<!-- global -->\r\n<policies>\r\n\t<inbound>\r\n\t\t<base />\r\n"
                + "\t\t<set-header name=\"x\" exists-action=\"override\">\r\n"
                + "\t\t\t<value>@(context.Request.Headers.GetValueOrDefault(\"a\",\"\") + (1 &lt; 2 ? \"y\" : \"n\"))</value>\r\n"
                + "\t\t</set-header>\r\n"
                + "\t\t<set-variable name=\"v\" value=\"@{&#xA;      return &quot;a&amp;b&quot;;&#xA;    }\" />\r\n"
                + "\t</inbound>\r\n\t<outbound />\r\n</policies>")
    }

    @Test func writesExpressionsRawInRawxml() {
        let scan = PolicyXMLReader.read(Self.written, format: .rawxml)
        let raw = PolicyXMLWriter.serialize(scan.nodes, format: .rawxml)
        #expect(
            raw.contains(
                "<value>@(context.Request.Headers.GetValueOrDefault(\"a\",\"\") + (1 < 2 ? \"y\" : \"n\"))</value>"))
        #expect(raw.contains("<set-variable name=\"v\" value=\"@{\n      return \"a&b\";\n    }\" />"))
        // Reading the xml form back and writing rawxml gives the same text as writing rawxml at once.
        let stored = PolicyXMLWriter.serialize(scan.nodes, format: .xml)
        #expect(PolicyXMLWriter.serialize(PolicyXMLReader.read(stored, format: .xml).nodes, format: .rawxml) == raw)
    }

    @Test func escapesTextAroundExpressionsOnly() {
        #expect(
            PolicyXMLWriter.escape("a < b @(x < y) & c", attribute: false, format: .rawxml)
                == "a &lt; b @(x < y) &amp; c")
        #expect(PolicyXMLWriter.escape("say \"hi\"\n", attribute: true, format: .rawxml) == "say &quot;hi&quot;&#xA;")
        #expect(PolicyXMLWriter.escape("@(x < y", attribute: false, format: .rawxml) == "@(x &lt; y")
    }

    @Test func keepsMixedContentCDATAAndComments() {
        let scan = PolicyXMLReader.read(
            "<policies><inbound><set-body>a <![CDATA[<b>]]> c</set-body><!-- note --></inbound></policies>",
            format: .xml)
        #expect(
            PolicyXMLWriter.serialize(scan.nodes, format: .xml)
                == "<policies>\r\n\t<inbound>\r\n\t\t<set-body>a <![CDATA[<b>]]> c</set-body>\r\n\t\t<!-- note -->\r\n\t</inbound>\r\n</policies>"
        )
    }
}
