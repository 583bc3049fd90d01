import Emulator
import Foundation
import ManagementClient
import Model
import Planner
import Testing

/// `validate`'s reader and the emulator agree on every policy of the corpus in `Tests/Fixtures/policies` (sources in
/// its README): both accept it, or both reject it; an accepted one reads back from the emulator (`format=rawxml`
/// and `format=xml`) as the same policy.
///
/// A fixture named `broken-…` must be rejected, any other accepted; `fragment-…` (after `broken-`) is a policy
/// fragment. What a policy refers to (named values, backends, fragments) is created first, as a repository that
/// declares it would.
@Suite struct PolicyAgreementTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/policies")

    static let fixtures: [String] =
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".xml") }
        .sorted()

    struct Fixture {
        var name: String
        var text: String
        var broken: Bool
        var isFragment: Bool
        var root: String { isFragment ? "fragment" : "policies" }

        init(_ file: String) throws {
            name = String(file.dropLast(4))
            text = try String(contentsOf: PolicyAgreementTests.directory.appendingPathComponent(file), encoding: .utf8)
            broken = name.hasPrefix("broken-")
            isFragment = (broken ? name.dropFirst(7) : name[...]).hasPrefix("fragment-")
        }
    }

    /// The named values each accepted document refers to (lowercased, sorted); any other has none. Reviewed by hand
    /// against the rules in the corpus README: Liquid, placeholders and C# braces are not references.
    static let expectedNamedValues: [String: [String]] = [
        "advanced-load-balancing": ["openai-lb-config"],
        "apiops-global": ["environment-name"],
        "apiops-logic-app-operation": ["hello-logic-app_manual-invoke_634e0229839"],
        "bff-aggregation": ["bff-base-url", "bff-timeout"],
        "cdata-body": ["environment-name"],
        "fragment-liquid": ["gateway-name"],
        "fragment-purview-process-content": [
            "graph-client-id", "graph-client-secret", "graph-tenant-id", "purview-graph-host",
        ],
        "liquid-xml-message": ["lookup-service-url"],
        "message-storing-eventhub": ["managed-identity-client-id"],
        "named-values-everywhere": [
            "env", "expression-value", "function.key_v2", "header-suffix", "spaced-header-value",
        ],
        "parse-jwt-claims": ["jwt-signing-key"],
        "send-request-jobject": ["backend-client-id", "backend-client-secret", "tenant-id"],
        "service-bus-queue-or-topic": ["service-bus-namespace"],
        "storage-sas": ["storage-access-key", "storage-account-name", "table-name"],
        "validate-jwt-openid": ["api-client-id", "tenant-id"],
    ]

    @Test func theCorpusHoldsRealWorldShapesOfBothVerdicts() throws {
        let all = try Self.fixtures.map(Fixture.init)
        #expect(all.count >= 40)
        #expect(all.filter(\.broken).count >= 10)
        #expect(all.filter(\.isFragment).count >= 4)
        let readme = try String(contentsOf: Self.directory.appendingPathComponent("README.md"), encoding: .utf8)
        for fixture in all {
            #expect(readme.contains("`\(fixture.name).xml`"), "\(fixture.name) has no source in README")
        }
    }

    @Test(arguments: fixtures)
    func validateAndTheEmulatorAgree(file: String) async throws {
        let fixture = try Fixture(file)
        let scan = PolicyScanner.scan(fixture.text)
        let validateAccepts = scan.problems.isEmpty && scan.root?.name == fixture.root
        if !fixture.broken {
            #expect(
                Set(scan.namedValueReferences.map { $0.name.lowercased() }).sorted()
                    == Self.expectedNamedValues[fixture.name, default: []])
        }
        #expect(
            validateAccepts == !fixture.broken,
            "validate: \(scan.problems.map { "\($0.line):\($0.column): \($0.message)" }), root \(scan.root?.name ?? "-")"
        )

        var options = EmulatorOptions()
        options.token = "test-token"
        let emulator = try await EmulatorServer.start(options)
        defer { Task { try? await emulator.shutdown() } }
        let client = try PolicyRepository.client(for: emulator)
        try await Self.createReferences(of: scan, with: client)

        let id =
            fixture.isFragment ? ResourceID(.policyFragment, "corpus") : ResourceID(.apiPolicy, "echo-api")
        var rejection: String?
        do {
            _ = try await client.put(id, properties: ["format": "rawxml", "value": .string(fixture.text)])
        } catch let error as ARMError where error.status == 400 {
            rejection = error.message
        }
        #expect(
            (rejection == nil) == validateAccepts,
            "validate \(validateAccepts ? "accepts" : "rejects"), the emulator \(rejection.map { "rejects: \($0)" } ?? "accepts")"
        )
        guard rejection == nil else { return }

        let raw = try #require(try await client.get(id).properties?["value"]?.stringValue)
        #expect(PolicyCanonicalizer.equivalent(fixture.text, raw, lhsFormat: .rawxml, rhsFormat: .rawxml), "\(raw)")
        #expect(PolicyCanonicalizer.equivalent(fixture.text, raw), "tolerant: \(raw)")
        let xml = try #require(
            try await client.get(id.armPath, query: [("format", "xml")]).properties?["value"]?.stringValue)
        #expect(PolicyCanonicalizer.equivalent(fixture.text, xml, lhsFormat: .rawxml, rhsFormat: .xml), "\(xml)")
        // The stored form is APIM's canonical one: reading and writing it again changes nothing.
        #expect(PolicyXMLWriter.serialize(PolicyXMLReader.read(xml, format: .xml).nodes, format: .xml) == xml)
    }

    /// Creates the named values (once per name, whatever its case), static backends and fragments `scan` refers to.
    static func createReferences(of scan: PolicyScan, with client: ARMClient) async throws {
        var namedValues: [String: String] = [:]
        for reference in scan.namedValueReferences where namedValues[reference.name.lowercased()] == nil {
            namedValues[reference.name.lowercased()] = reference.name
        }
        for (_, name) in namedValues.sorted(by: { $0.key < $1.key }) {
            _ = try await client.put(
                ResourceID(.namedValue, name), properties: ["displayName": .string(name), "value": .string(name)])
        }
        for element in scan.elements {
            if element.name == "set-backend-service", let backend = element.attribute("backend-id"),
                !backend.isExpression
            {
                var id = backend.value
                for (lowercased, name) in namedValues {
                    id = id.replacingOccurrences(of: "{{\(name)}}", with: name)
                    id = id.replacingOccurrences(of: "{{\(lowercased)}}", with: name)
                }
                _ = try await client.put(
                    ResourceID(.backend, id), properties: ["url": "https://backend.example.com", "protocol": "http"])
            }
            if element.name == "include-fragment", let fragment = element.attribute("fragment-id") {
                _ = try await client.put(
                    ResourceID(.policyFragment, fragment.value), properties: ["value": "<fragment />"])
            }
        }
    }
}
