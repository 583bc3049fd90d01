import Foundation
import Manifests
import Model
import TestSupport
import Testing

/// `policyRules` in `apimsync.yaml`: team rules every policy document is checked against by `validate`.
@Suite struct PolicyRulesTests {
    /// The product's policy the rules are checked on: no <base /> in outbound, a <send-request>.
    static let gold = """
        <policies>
          <inbound>
            <base />
            <send-request mode="new" response-variable-name="r" />
          </inbound>
          <outbound>
            <set-header name="x" exists-action="override"><value>y</value></set-header>
          </outbound>
        </policies>

        """

    static func repository(rules: String, gold: String = gold) throws -> TemporaryRepository {
        try TemporaryRepository([
            "apimsync.yaml": TemporaryRepository.config + "  policyRules: \(rules)\n",
            "resources/product.yaml": """
            apiVersion: apimsync/v1
            kind: Product
            metadata: { name: gold }
            spec: { displayName: Gold, policyFile: policies/gold.xml }
            ---
            apiVersion: apimsync/v1
            kind: ServicePolicy
            metadata: { name: policy }
            spec: { policyFile: policies/global.xml }

            """,
            "policies/gold.xml": gold,
            "policies/global.xml": "<policies>\n  <inbound>\n    <cors />\n  </inbound>\n</policies>\n",
        ])
    }

    @Test func brokenRulesAreErrorsAtTheirElement() throws {
        let repository = try Self.repository(rules: "{ requireBase: true, forbiddenElements: [send-request] }")
        #expect(
            repository.diagnostics() == [
                "policies/gold.xml:4:5: error: policy rule: <send-request> is forbidden in this repository "
                    + "(forbiddenElements)",
                "policies/gold.xml:6:3: error: policy rule: <outbound> of products/gold/policies/policy has no "
                    + "<base />, so the policies of the scopes above it do not run (requireBase)",
            ])
    }

    @Test func requireBaseCanNameTheSections() throws {
        let repository = try Self.repository(rules: "{ requireBase: [inbound, backend] }")
        #expect(repository.diagnostics().isEmpty)
        let strict = try Self.repository(rules: "{ requireBase: [outbound] }")
        #expect(strict.diagnostics().count == 1)
        let typo = try Self.repository(rules: "{ requireBase: [outbund] }")
        #expect(typo.diagnostics().first?.contains("apimsync.yaml:") == true, "\(typo.diagnostics())")
    }

    @Test func warningSeverityReportsWithoutFailing() throws {
        let repository = try Self.repository(rules: "{ requireBase: true, severity: warning }")
        let result = repository.loader.load()
        #expect(!result.hasErrors)
        #expect(result.diagnostics.map(\.severity) == [.warning])
    }

    @Test func withoutRulesNothingIsReported() throws {
        #expect(try Self.repository(rules: "{}").diagnostics().isEmpty)
    }

    /// Without any rules: a misspelt policy statement, or a stray element in <choose>, is a warning with its place
    /// and a "did you mean"; the insides of statements are not checked.
    @Test func unknownPolicyStatementsAreWarnedAboutWithASuggestion() throws {
        let repository = try Self.repository(
            rules: "{}",
            gold: """
                <policies>
                  <inbound>
                    <base />
                    <set-heder name="x" exists-action="override"><value>y</value></set-heder>
                    <choose>
                      <when condition="@(true)"><rate-limit calls="5" renewal-period="60" /></when>
                      <otherwise><rate-limit-by-keys calls="5" renewal-period="60" counter-key="k" /></otherwise>
                      <set-variable name="v" value="1" />
                    </choose>
                  </inbound>
                </policies>

                """)
        #expect(
            repository.diagnostics() == [
                "policies/gold.xml:4:5: warning: unknown policy <set-heder>; did you mean 'set-header'? "
                    + "(APIM would reject the document)",
                "policies/gold.xml:7:18: warning: unknown policy <rate-limit-by-keys>; did you mean "
                    + "'rate-limit-by-key'? (APIM would reject the document)",
                "policies/gold.xml:8:7: warning: <choose> holds only <when> and <otherwise>, found <set-variable>",
            ])
    }
}
