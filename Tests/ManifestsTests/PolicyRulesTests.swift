import Foundation
import Manifests
import Model
import Testing

/// `policyRules` in `apimsync.yaml`: team rules every policy document is checked against by `validate`.
@Suite struct PolicyRulesTests {
    static func repository(rules: String) throws -> TemporaryRepository {
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
            "policies/gold.xml": """
            <policies>
              <inbound>
                <base />
                <send-request mode="new" response-variable-name="r" />
              </inbound>
              <outbound>
                <set-header name="x" exists-action="override"><value>y</value></set-header>
              </outbound>
            </policies>

            """,
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
}
