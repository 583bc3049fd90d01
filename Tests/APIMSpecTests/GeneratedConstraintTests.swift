import APIMSpec
import Model
import Testing

/// The table-driven test: every constraint the spec puts on a field of a kind apimsync manages, broken once.
@Suite struct GeneratedConstraintTests {
    /// The create-or-update operations of the kinds apimsync manages (or is about to): their bodies are the roots.
    static let managedOperations = [
        "Policy_CreateOrUpdate", "NamedValue_CreateOrUpdate", "PolicyFragment_CreateOrUpdate", "Tag_CreateOrUpdate",
        "Group_CreateOrUpdate", "Logger_CreateOrUpdate", "Diagnostic_CreateOrUpdate", "ApiDiagnostic_CreateOrUpdate",
        "Backend_CreateOrUpdate", "ApiVersionSet_CreateOrUpdate", "Api_CreateOrUpdate", "ApiOperation_CreateOrUpdate",
        "ApiOperationPolicy_CreateOrUpdate", "ApiPolicy_CreateOrUpdate", "ApiSchema_CreateOrUpdate",
        "ApiRelease_CreateOrUpdate", "ApiTagDescription_CreateOrUpdate", "Product_CreateOrUpdate",
        "ProductPolicy_CreateOrUpdate", "ProductApiLink_CreateOrUpdate", "ProductGroupLink_CreateOrUpdate",
        "TagApiLink_CreateOrUpdate", "TagOperationLink_CreateOrUpdate", "TagProductLink_CreateOrUpdate",
        "Subscription_CreateOrUpdate", "Cache_CreateOrUpdate", "User_CreateOrUpdate", "Certificate_CreateOrUpdate",
        "AuthorizationProvider_CreateOrUpdate", "Authorization_CreateOrUpdate",
        "AuthorizationAccessPolicy_CreateOrUpdate", "ApiTool_CreateOrUpdate",
    ]

    let catalog = SpecCatalog.shared

    func roots(in version: APIVersion) throws -> [String] {
        var roots: [String] = []
        for id in Self.managedOperations {
            let operation = try #require(catalog.operation(id: id), "no operation \(id)")
            guard version >= operation.since else { continue }
            roots.append(try #require(operation.bodyDefinition as String?, "\(id) has no body"))
        }
        return roots
    }

    @Test(arguments: APIVersion.all)
    func everyConstraintOfEveryManagedFieldIsEnforcedAtItsPath(version: APIVersion) throws {
        let generator = ConstraintCaseGenerator(catalog: catalog)
        let definitions = generator.reachableDefinitions(from: try roots(in: version), in: version)
        let (cases, unbuildable) = generator.cases(for: definitions, in: version)
        #expect(unbuildable == [], "constraints no case could be built for")
        #expect(cases.filter { !$0.expected.isEmpty }.count > 100)
        for testCase in cases {
            let found = SpecValidator.validate(
                [testCase.property: testCase.value], definition: testCase.definition, version: version,
                checkRequired: false)
            #expect(found.map(\.rule) == testCase.expected, "\(testCase)")
            #expect(found.allSatisfy { $0.path == testCase.path }, "\(testCase): \(found.map(\.path))")
        }
        let broken = cases.filter { !$0.expected.isEmpty }.count
        print(
            "spec constraint cases for \(version): \(broken) violating + \(cases.count - broken) conforming values over \(definitions.count) definitions"
        )
    }

    @Test func theGeneratedCasesCoverTheIssuesExamples() {
        let generator = ConstraintCaseGenerator(catalog: catalog)
        let definitions = generator.reachableDefinitions(from: ["BackendContract", "ProductContract"], in: .ga)
        let paths = Set(generator.cases(for: definitions, in: .ga).cases.map { "\($0.definition).\($0.path)" })
        #expect(
            paths.isSuperset(of: [
                "BackendContractProperties.description", "BackendPoolItem.priority", "BackendPool.services",
                "ProductContractProperties.description", "CircuitBreakerFailureCondition.errorReasons[0]",
            ]))
    }
}
