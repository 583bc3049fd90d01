import Foundation
import Manifests
import Model
import Testing

/// The gateway lab (`manifests/`) and its hand-written twin (`manifests/examples/plain/`) must describe the same
/// APIM objects. Compared, for every resource of either repository:
/// - the same ids exist in both, with the same dependencies and secret sources;
/// - non-policy properties are equal (backends with their circuit breakers, pool membership and order, named
///   values, the API's properties, its diagnostic, products, links, the subscription, the logger);
/// - APIs import the same specification text in the same format (the file paths differ);
/// - policy documents make the same statements: the same elements with the same attributes in the same places,
///   ignoring comments, whitespace and element text (wording of comments and bodies may differ).
@Suite struct OpenAIGatewayEquivalenceTests {
    static let policyKinds: Set<ResourceKind> = [
        .servicePolicy, .apiPolicy, .apiOperationPolicy, .productPolicy, .policyFragment,
    ]

    /// What a policy document does, as a comparable list of statements.
    static func statements(_ policy: JSONValue?) -> [String] {
        PolicyScanner.scan(policy?["value"]?.stringValue ?? "").elements.map { element in
            (element.ancestors + [element.name]).joined(separator: "/")
                + element.attributes.map { " \($0.name)=\($0.value)" }.joined()
        }
    }

    @Test func plainExampleAndGatewayLabDescribeTheSameObjects() throws {
        let lab = ManifestLoader(configPath: RepositoryTests.labConfig).load()
        let plain = ManifestLoader(configPath: RepositoryTests.plainConfig).load()
        #expect(!lab.hasErrors && !plain.hasErrors)
        #expect(lab.state.sorted.map(\.id) == plain.state.sorted.map(\.id))
        for generated in lab.state.sorted {
            let id = generated.id
            let written = try #require(plain.state[id], "the plain example lacks \(id)")
            #expect(generated.dependencies == written.dependencies, "dependencies of \(id)")
            #expect(generated.secrets == written.secrets, "secret source of \(id)")
            if Self.policyKinds.contains(id.kind) {
                #expect(Self.statements(generated.properties) == Self.statements(written.properties), "policy \(id)")
                var generatedRest = generated.properties
                var writtenRest = written.properties
                generatedRest["value"] = nil
                writtenRest["value"] = nil
                generatedRest["description"] = nil
                writtenRest["description"] = nil
                #expect(generatedRest == writtenRest, "properties of \(id) besides the policy text")
            } else {
                #expect(generated.properties == written.properties, "properties of \(id)")
            }
            #expect(generated.specification?.content == written.specification?.content, "specification of \(id)")
            #expect(generated.specification?.format == written.specification?.format, "format of \(id)")
        }
    }

    @Test func theComparisonSeesPolicyDifferences() {
        let one: JSONValue = ["value": "<policies><inbound><retry count=\"1\" /></inbound></policies>"]
        let two: JSONValue = ["value": "<policies><inbound><!-- note --><retry count=\"2\" /></inbound></policies>"]
        let three: JSONValue = [
            "value": "<policies>\n  <inbound>\n    <retry count=\"1\" />\n  </inbound>\n</policies>"
        ]
        #expect(Self.statements(one) != Self.statements(two))
        #expect(Self.statements(one) == Self.statements(three))
        #expect(Self.statements(one) == ["policies", "policies/inbound", "policies/inbound/retry count=1"])
    }
}
