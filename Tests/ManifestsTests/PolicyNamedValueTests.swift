import Manifests
import Model
import TestSupport
import Testing

/// How `validate` resolves `{{named value}}` references in policies, as APIM does.
@Suite struct PolicyNamedValueTests {
    static func repository(
        policy: String, namedValues: [(name: String, displayName: String)]
    ) throws
        -> TemporaryRepository
    {
        let values = namedValues.map { value in
            """
            apiVersion: apimsync/v1
            kind: NamedValue
            metadata: { name: \(value.name) }
            spec: { displayName: \(value.displayName), value: "v" }

            """
        }
        let service = """
            apiVersion: apimsync/v1
            kind: ServicePolicy
            metadata: { name: policy }
            spec: { policyFile: policies/global.xml }

            """
        return try TemporaryRepository([
            "resources/a.yaml": (values + [service]).joined(separator: "---\n"),
            "policies/global.xml": policy,
        ])
    }

    @Test func roughEdge9_liquidAndBracesThatNameNoNamedValueAreNotUnknownNamedValues() throws {
        let repository = try Self.repository(
            policy: """
                <policies>
                    <inbound>
                        <set-header name="x-env"><value>{{env}}</value></set-header>
                        <set-variable name="target" value="{{queue|topic}}" />
                        <set-body template="liquid">{"id": "{{body.id}}", "path": "{{context.Request.OriginalUrl.Path}}"}</set-body>
                    </inbound>
                </policies>

                """, namedValues: [("env", "env")])
        #expect(repository.diagnostics() == [])
    }

    @Test func roughEdge9_namedValuesAreMatchedCaseInsensitively() throws {
        let repository = try Self.repository(
            policy:
                "<policies>\n    <inbound>\n        <set-header name=\"k\"><value>{{aoai-key}}</value></set-header>\n"
                + "    </inbound>\n</policies>\n",
            namedValues: [("aoai-key", "AOAI-Key")])
        #expect(repository.diagnostics() == [])
        let resolved = repository.loader.load().state
        #expect(
            resolved.resources.values.first { $0.id.kind == .servicePolicy }?.dependencies.map(\.name) == ["aoai-key"])
    }

    @Test func roughEdge9_displayNamesThatDifferOnlyByCaseAreRefused() throws {
        let repository = try Self.repository(
            policy: "<policies />\n", namedValues: [("one", "Shared-Key"), ("two", "shared-key")])
        #expect(
            repository.diagnostics() == [
                "resources/a.yaml:7:7: error: named value displayName 'shared-key' is already used by namedValues/one "
                    + "('Shared-Key'); APIM matches display names regardless of case, so they must differ in more than case"
            ])
    }
}
