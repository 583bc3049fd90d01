import Emulator
import Foundation
import HTTPTypes
import Model
import Testing

@Suite struct PolicyTests {
    static let rawPolicy = """
        <policies>
          <inbound>
            <base/>
            <set-header name='x' exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault("a","") + (1 < 2 ? "y" : "n"))</value></set-header>
            <set-variable name="v" value="@(context.Variables.GetValueOrDefault<string>("k") == "z")" />
          </inbound>
          <backend><forward-request /></backend>
          <outbound></outbound>
        </policies>
        """

    static let storedPolicy =
        "<policies>\r\n\t<inbound>\r\n\t\t<base />\r\n\t\t<set-header name=\"x\" exists-action=\"override\">\r\n\t\t\t<value>@(context.Request.Headers.GetValueOrDefault(\"a\",\"\") + (1 &lt; 2 ? \"y\" : \"n\"))</value>\r\n\t\t</set-header>\r\n\t\t<set-variable name=\"v\" value=\"@(context.Variables.GetValueOrDefault&lt;string&gt;(&quot;k&quot;) == &quot;z&quot;)\" />\r\n\t</inbound>\r\n\t<backend>\r\n\t\t<forward-request />\r\n\t</backend>\r\n\t<outbound />\r\n</policies>"

    static let rawStoredPolicy =
        "<policies>\r\n\t<inbound>\r\n\t\t<base />\r\n\t\t<set-header name=\"x\" exists-action=\"override\">\r\n\t\t\t<value>@(context.Request.Headers.GetValueOrDefault(\"a\",\"\") + (1 < 2 ? \"y\" : \"n\"))</value>\r\n\t\t</set-header>\r\n\t\t<set-variable name=\"v\" value=\"@(context.Variables.GetValueOrDefault<string>(\"k\") == \"z\")\" />\r\n\t</inbound>\r\n\t<backend>\r\n\t\t<forward-request />\r\n\t</backend>\r\n\t<outbound />\r\n</policies>"

    @Test func rawxmlRoundTripAndReformatting() async throws {
        try await withEmulator { arm in
            let put = try await arm.put(
                "apis/echo-api/policies/policy", ["format": "rawxml", "value": .string(Self.rawPolicy)])
            #expect(put.status == 201, "\(put.text)")
            #expect(put.json?["properties"]?["value"]?.stringValue == Self.storedPolicy)
            #expect(put.json?["type"]?.stringValue == "Microsoft.ApiManagement/service/apis/policies")

            let xml = try await arm.call(.get, "apis/echo-api/policies/policy")
            #expect(xml.json?["properties"]?["value"]?.stringValue == Self.storedPolicy)
            #expect(xml.json?["properties"]?["format"] == nil)
            let explicitXml = try await arm.call(.get, "apis/echo-api/policies/policy", query: "format=xml")
            #expect(explicitXml.json?["properties"]?["value"]?.stringValue == Self.storedPolicy)

            let raw = try await arm.call(.get, "apis/echo-api/policies/policy", query: "format=rawxml")
            #expect(raw.json?["properties"]?["format"]?.stringValue == "rawxml")
            #expect(raw.json?["properties"]?["value"]?.stringValue == Self.rawStoredPolicy)

            // The escaped form, PUT as xml, is stored identically.
            let again = try await arm.put(
                "apis/echo-api/policies/policy", ["format": "xml", "value": .string(Self.storedPolicy)])
            #expect(again.status == 200)
            #expect(again.json?["properties"]?["value"]?.stringValue == Self.storedPolicy)

            let list = try await arm.call(.get, "apis/echo-api/policies")
            #expect(list.json?["value"]?.arrayValue?.count == 1)
            let all = try await arm.call(.get, "allPolicies")
            let ids =
                all.json?["value"]?.arrayValue?.compactMap { $0["properties"]?["referencePolicyId"]?.stringValue } ?? []
            #expect(ids.contains(arm.service + "/apis/echo-api/policies/policy"))
            #expect(ids.contains(arm.service + "/policies/policy"))
        }
    }

    @Test func malformedOrForeignDocumentsAreRejected() async throws {
        try await withEmulator { arm in
            let unescaped = try await arm.put(
                "policies/policy",
                [
                    "format": "xml",
                    "value": "<policies><inbound><set-variable name=\"a\" value=\"@(1 < 2)\" /></inbound></policies>",
                ])
            #expect(unescaped.status == 400)
            #expect(unescaped.errorCode == "ValidationError")
            #expect(unescaped.firstDetail?["target"]?.stringValue == "representation")
            #expect(unescaped.firstDetail?["message"]?.stringValue?.contains("Line 1, position") == true)

            let notPolicy = try await arm.put("policies/policy", ["value": "<fragment><base /></fragment>"])
            #expect(notPolicy.status == 400)
            #expect(notPolicy.firstDetail?["target"]?.stringValue == "representation")

            let unclosed = try await arm.put("policies/policy", ["value": "<policies><inbound>"])
            #expect(unclosed.status == 400)
            #expect(unclosed.firstDetail?["target"]?.stringValue == "representation")
            #expect(
                unclosed.firstDetail?["message"]?.stringValue
                    == "Unexpected end of file has occurred. The following elements are not closed: inbound, policies. "
                    + "Line 1, position 20.")

            let fragmentAsPolicies = try await arm.put("policyFragments/frag", ["value": "<policies />"])
            #expect(fragmentAsPolicies.status == 400)
            #expect(fragmentAsPolicies.firstDetail?["target"]?.stringValue == "representation")

            let wrongId = try await arm.put("policies/other", ["value": "<policies />"])
            #expect(wrongId.status == 400)
        }
    }

    @Test func referentialChecks() async throws {
        try await withEmulator { arm in
            // As in apim-rest.md §11.3: positions are line and column of the element name in the submitted text.
            let unknownBackend = try await arm.put(
                "policies/policy",
                [
                    "value":
                        "<policies>\r\n\t<inbound>\r\n\t\t<base />\r\n\t\t<set-backend-service backend-id=\"nope\" />\r\n\t</inbound>\r\n</policies>"
                ])
            #expect(unknownBackend.status == 400)
            #expect(unknownBackend.errorMessage == "One or more fields contain incorrect values:")
            #expect(unknownBackend.firstDetail?["target"]?.stringValue == "set-backend-service")
            #expect(
                unknownBackend.firstDetail?["message"]?.stringValue
                    == "Error in element 'set-backend-service' on line 4, column 4: Backend with id 'nope' could not be found."
            )

            let unknownFragment = try await arm.put(
                "policies/policy",
                ["value": "<policies><inbound><include-fragment fragment-id=\"TokenValidator\" /></inbound></policies>"]
            )
            #expect(unknownFragment.status == 400)
            #expect(unknownFragment.firstDetail?["target"]?.stringValue == "include-fragment")
            #expect(
                unknownFragment.firstDetail?["message"]?.stringValue
                    == "Error in element 'include-fragment' on line 1, column 21: Policy fragment with id 'TokenValidator' could not be found."
            )

            let unknownNamedValue = try await arm.put(
                "policies/policy",
                [
                    "value":
                        "<policies><inbound><set-header name=\"k\"><value>{{missing-key}}</value></set-header></inbound></policies>"
                ])
            #expect(unknownNamedValue.status == 400)
            #expect(
                unknownNamedValue.firstDetail?["message"]?.stringValue?.hasSuffix("Property 'missing-key' not found.")
                    == true)

            let backendCredential = try await arm.put(
                "backends/keyed",
                [
                    "url": "https://k.example.com", "protocol": "http",
                    "credentials": ["header": ["api-key": ["{{aoai-key}}"]]],
                ])
            #expect(backendCredential.status == 400)
            #expect(backendCredential.firstDetail?["target"]?.stringValue == "credentials")
            #expect(backendCredential.firstDetail?["message"]?.stringValue == "Property 'aoai-key' not found.")
            try await arm.put("namedValues/aoai-key", ["displayName": "aoai-key", "value": "k", "secret": true])
            let keyed = try await arm.put(
                "backends/keyed",
                [
                    "url": "https://k.example.com", "protocol": "http",
                    "credentials": ["header": ["api-key": ["{{aoai-key}}"]]],
                ])
            #expect(keyed.status == 201)
            let keyInUse = try await arm.call(.delete, "namedValues/aoai-key", headers: ["If-Match": "*"])
            #expect(
                keyInUse.errorMessage
                    == "The Named Value 'aoai-key' is used by the following entities:\r\n/backends/keyed\r\n")

            // {{…}} inside a backend id is resolved first; @(…) ids are dynamic and not checked.
            try await arm.put("namedValues/env", ["displayName": "env", "value": "prod"])
            try await arm.put("backends/aoai-prod", ["url": "https://p.openai.azure.com/openai", "protocol": "http"])
            let resolved = try await arm.put(
                "policies/policy",
                [
                    "value":
                        "<policies><inbound><set-backend-service backend-id=\"aoai-{{env}}\" /><set-backend-service backend-id=\"@(context.Variables[&quot;b&quot;])\" /></inbound></policies>"
                ])
            #expect(resolved.status == 200, "\(resolved.text)")

            let fragment = try await arm.put(
                "policyFragments/auth",
                [
                    "format": "rawxml",
                    "value": "<fragment><set-header name=\"a\"><value>@(\"x\" + \"y\")</value></set-header></fragment>",
                    "description": "auth",
                ])
            #expect(fragment.status == 201, "\(fragment.text)")
            let include = try await arm.put(
                "apis/echo-api/policies/policy",
                ["value": "<policies><inbound><base /><include-fragment fragment-id=\"auth\" /></inbound></policies>"])
            #expect(include.status == 201)
            let references = try await arm.call(.post, "policyFragments/auth/listReferences")
            #expect(
                references.json?["value"]?.arrayValue?.first?["id"]?.stringValue == arm.service
                    + "/apis/echo-api/policies/policy")

            let deleteFragment = try await arm.call(.delete, "policyFragments/auth", headers: ["If-Match": "*"])
            #expect(deleteFragment.status == 400)
            #expect(deleteFragment.errorCode == "ValidationError")
            #expect(
                deleteFragment.errorMessage
                    == "The Policy Fragment 'auth' is used by the following entities:\r\n/apis/echo-api/policies/policy\r\n"
            )
            let deleteNamedValue = try await arm.call(.delete, "namedValues/env", headers: ["If-Match": "*"])
            #expect(deleteNamedValue.status == 400)
            let deleteBackend = try await arm.call(.delete, "backends/aoai-prod", headers: ["If-Match": "*"])
            #expect(deleteBackend.status == 400)

            // Once the policies stop referencing them, they can go.
            let plain = "<policies><inbound /></policies>"
            try await arm.put("policies/policy", ["value": .string(plain)])
            try await arm.put("apis/echo-api/policies/policy", ["value": .string(plain)])
            #expect(try await arm.call(.delete, "policyFragments/auth", headers: ["If-Match": "*"]).status == 200)
            #expect(try await arm.call(.delete, "namedValues/env", headers: ["If-Match": "*"]).status == 200)
            #expect(try await arm.call(.delete, "backends/aoai-prod", headers: ["If-Match": "*"]).status == 200)
        }
    }

    @Test func roughEdge9_liquidTemplatesAndBracesThatNameNoNamedValueNeedNoNamedValue() async throws {
        try await withEmulator { arm in
            let policy = """
                <policies>
                  <inbound>
                    <set-variable name="target" value="{{queue|topic}}" />
                    <set-variable name="pairs" value="@{ var d = new Dictionary<string,string> {{"a", "b"}}; return d.Count; }" />
                    <set-body template="liquid">{"id": "{{body.id}}", "path": "{{context.Request.OriginalUrl.Path}}"}</set-body>
                  </inbound>
                </policies>
                """
            let put = try await arm.put("policies/policy", ["format": "rawxml", "value": .string(policy)])
            #expect(put.status == 200, "\(put.text)")
        }
    }

    @Test func roughEdge9_namedValuesAreMatchedCaseInsensitively() async throws {
        try await withEmulator { arm in
            try await arm.put("namedValues/aoai-key", ["displayName": "AOAI-Key", "value": "k"])
            let put = try await arm.put(
                "policies/policy",
                [
                    "value":
                        "<policies><inbound><set-header name=\"k\"><value>{{aoai-key}}</value></set-header></inbound></policies>"
                ])
            #expect(put.status == 200, "\(put.text)")
            let twin = try await arm.put("namedValues/other", ["displayName": "aoai-KEY", "value": "k"])
            #expect(twin.status == 400)
            #expect(twin.firstDetail?["message"]?.stringValue == "Property with the same name already exist.")
        }
    }

    @Test func expressionsAreReadAsCSharp() async throws {
        try await withEmulator { arm in
            // Issue 12: comments such as `// 1) …` inside a block closed the expression early.
            let commented = """
                <policies>
                  <inbound>
                    <set-variable name="route" value="@{
                      // 1) read the deployment (this ) is a comment)
                      /* 2) } and " too */
                      return context.Request.MatchedParameters.GetValueOrDefault("deployment-id", "");
                    }" />
                  </inbound>
                </policies>
                """
            let accepted = try await arm.put("policies/policy", ["format": "rawxml", "value": .string(commented)])
            #expect(accepted.status == 200, "\(accepted.text)")

            // A C# lexical error is reported as APIM compiles expressions: in the element style, at the element.
            let unterminated =
                "<policies>\n  <inbound>\n    <set-body>@{ var s = \"open;\n return s; }</set-body>\n  </inbound>\n</policies>"
            let rejected = try await arm.put("policies/policy", ["format": "rawxml", "value": .string(unterminated)])
            #expect(rejected.status == 400)
            #expect(rejected.firstDetail?["target"]?.stringValue == "set-body")
            #expect(
                rejected.firstDetail?["message"]?.stringValue
                    == "Error in element 'set-body' on line 3, column 6: " + CSharpLexer.unterminatedStringMessage)
        }
    }

    @Test func fragmentsRenderInBothFormats() async throws {
        try await withEmulator { arm in
            let value = "<fragment>\n  <set-variable name=\"ok\" value=\"@(1 > 0 && true)\" />\n</fragment>"
            let created = try await arm.put("policyFragments/check", ["format": "rawxml", "value": .string(value)])
            #expect(created.status == 201, "\(created.text)")
            let xml = try await arm.call(.get, "policyFragments/check")
            #expect(
                xml.json?["properties"]?["value"]?.stringValue
                    == "<fragment>\r\n\t<set-variable name=\"ok\" value=\"@(1 &gt; 0 &amp;&amp; true)\" />\r\n</fragment>"
            )
            let raw = try await arm.call(.get, "policyFragments/check", query: "format=rawxml")
            #expect(
                raw.json?["properties"]?["value"]?.stringValue
                    == "<fragment>\r\n\t<set-variable name=\"ok\" value=\"@(1 > 0 && true)\" />\r\n</fragment>")
        }
    }
}
