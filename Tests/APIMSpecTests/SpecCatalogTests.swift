import Model
import Testing

@testable import APIMSpec

@Suite struct SpecCatalogTests {
    let catalog = SpecCatalog.shared

    @Test func tableLoadsForEveryVendoredVersionInOrder() {
        #expect(
            APIVersion.all.map(\.rawValue) == [
                "2024-05-01", "2024-06-01-preview", "2024-10-01-preview", "2025-03-01-preview", "2025-09-01-preview",
            ])
        #expect(catalog.versions == APIVersion.all)
        var previous = 0
        for version in APIVersion.all {
            let count = catalog.definitions(in: version).count
            #expect(count >= previous, "\(version) has fewer definitions than the version before")
            #expect(!catalog.changedDefinitions(in: version).isEmpty, "\(version) changes nothing")
            previous = count
        }
        #expect(catalog.definitions(in: "2023-05-01-preview").isEmpty)
    }

    @Test func everyPatternCompilesWithSwiftRegex() {
        #expect(catalog.uncompilablePatterns == [:])
    }

    @Test func everyOperationsBodyAndResponsesExistFromItsFirstVersionOn() {
        #expect(catalog.operations.count > 250)
        for operation in catalog.operations {
            for version in APIVersion.all where version >= operation.since {
                let names = [operation.bodyDefinition].compactMap { $0 } + operation.responseDefinitions.values
                for name in names {
                    #expect(
                        catalog.definition(name, in: version) != nil,
                        "\(operation.operationId) names \(name), which \(version) lacks")
                }
            }
        }
    }

    @Test func everyObjectReferenceResolves() {
        for version in APIVersion.all {
            let definitions = catalog.definitions(in: version)
            for definition in definitions.values {
                for property in definition.properties.values {
                    var type = property.type
                    while let element = type.element { type = element }
                    if let target = type.definition {
                        #expect(
                            definitions[target] != nil, "\(version) \(definition.name).\(property.name) → \(target)")
                    }
                }
            }
        }
    }

    @Test func versionsOrderByDateThenPreviewBeforeStable() {
        #expect(APIVersion("2024-05-01") < APIVersion("2024-06-01-preview"))
        #expect(APIVersion("2024-06-01-preview") < APIVersion("2024-06-01"))
        #expect(APIVersion("2025-03-01-preview") < APIVersion("2025-09-01-preview"))
        #expect(APIVersion.ga == "2024-05-01" && !APIVersion.ga.isPreview && APIVersion("2025-09-01-preview").isPreview)
        #expect(APIVersion("2025-09-01-preview").isVendored && !APIVersion("2021-08-01").isVendored)
    }

    @Test func firstVersionFollowsReferencesAlongThePath() {
        let cases: [(String, [String], APIVersion?)] = [
            ("BackendContractProperties", ["description"], "2024-05-01"),
            ("BackendContractProperties", ["pool", "services", "priority"], "2024-05-01"),
            ("BackendContractProperties", ["pool", "sessionAffinity"], "2024-10-01-preview"),
            ("BackendContractProperties", ["pool", "sessionAffinity", "sessionId", "source"], "2024-10-01-preview"),
            ("BackendContractProperties", ["pool", "failureResponse", "statusCode"], "2024-10-01-preview"),
            ("BackendContractProperties", ["azureRegion"], "2025-03-01-preview"),
            ("BackendContractProperties", ["pool", "services", "preferredCarbonEmission"], "2025-03-01-preview"),
            ("BackendContractProperties", ["credentials", "managedIdentity", "resource"], "2024-06-01-preview"),
            (
                "DiagnosticContractProperties", ["largeLanguageModel", "requests", "maxSizeInBytes"],
                "2024-06-01-preview"
            ),
            ("ApiCreateOrUpdateProperties", ["mcpProperties", "endpoints", "uriTemplate"], "2025-09-01-preview"),
            ("ApiCreateOrUpdateProperties", ["mcpTools", "operationId"], "2025-09-01-preview"),
            ("ApiCreateOrUpdateProperties", ["backendId"], "2025-09-01-preview"),
            ("ToolContract", ["properties", "displayName"], "2025-03-01-preview"),
            ("BackendContractProperties", ["noSuchField"], nil),
            ("NoSuchDefinition", ["description"], nil),
        ]
        for (definition, path, expected) in cases {
            #expect(
                catalog.firstVersion(definition: definition, propertyPath: path) == expected,
                "\(definition).\(path.joined(separator: "."))")
        }
    }

    @Test func poolSessionAffinityIsAbsentOnGAAndPresentFrom2024_10() throws {
        let path = ["pool", "sessionAffinity"]
        #expect(catalog.resolve(definition: "BackendContractProperties", propertyPath: path, in: .ga) == nil)
        #expect(
            catalog.resolve(definition: "BackendContractProperties", propertyPath: path, in: "2024-06-01-preview")
                == nil)
        let affinity = try #require(
            catalog.resolve(definition: "BackendContractProperties", propertyPath: path, in: "2024-10-01-preview"))
        #expect(affinity.type.kind == .object && !affinity.isSupplement)
        let source = try #require(
            catalog.resolve(
                definition: "BackendContractProperties", propertyPath: path + ["sessionId", "source"],
                in: "2024-10-01-preview"))
        #expect(source.type.allowedValues == ["cookie"])
    }

    @Test func mcpPropertiesOnlyIn2025_09() throws {
        for version in APIVersion.all where version < "2025-09-01-preview" {
            #expect(
                catalog.resolve(definition: "ApiCreateOrUpdateProperties", propertyPath: ["mcpProperties"], in: version)
                    == nil, "\(version)")
        }
        let transport = try #require(
            catalog.resolve(
                definition: "ApiCreateOrUpdateProperties", propertyPath: ["mcpProperties", "transportType"],
                in: "2025-09-01-preview"))
        #expect(transport.type.allowedValues == ["sse", "streamable"])
        let apiType = try #require(
            catalog.resolve(definition: "ApiContractProperties", propertyPath: ["type"], in: "2025-09-01-preview"))
        #expect(apiType.type.allowedValues?.contains("mcp") == true)
        let gaType = try #require(catalog.resolve(definition: "ApiContractProperties", propertyPath: ["type"], in: .ga))
        #expect(gaType.type.allowedValues?.contains("mcp") == false)
    }

    @Test func supplementsArePresentFromTheirVersionAndMarked() throws {
        let cases: [(String, [String], APIVersion)] = [
            ("BackendCredentialsContract", ["managedIdentity"], "2024-06-01-preview"),
            ("ApiEntityBaseContract", ["mcpTools"], "2025-09-01-preview"),
            ("ApiEntityBaseContract", ["backendId"], "2025-09-01-preview"),
            ("ApiContractProperties", ["mcpTools"], "2025-09-01-preview"),
            ("ApiContractUpdateProperties", ["backendId"], "2025-09-01-preview"),
        ]
        for (definition, path, from) in cases {
            for version in APIVersion.all {
                let property = catalog.resolve(definition: definition, propertyPath: path, in: version)
                if version < from {
                    #expect(property == nil, "\(definition).\(path[0]) in \(version)")
                } else {
                    #expect(property?.isSupplement == true, "\(definition).\(path[0]) in \(version)")
                }
            }
        }
        let resource = try #require(
            catalog.resolve(
                definition: "BackendCredentialsContract", propertyPath: ["managedIdentity", "resource"],
                in: "2025-09-01-preview"))
        #expect(resource.isRequired && resource.type.kind == .string)
        let description = try #require(
            catalog.resolve(definition: "BackendContractProperties", propertyPath: ["description"], in: .ga))
        #expect(!description.isSupplement)
    }

    @Test func previewEnumsMissingFromAnExtractComeFromTheirNamesakes() throws {
        // The 2024-10-01-preview extract names `#/definitions/Protocol` without carrying it.
        let protocols = try #require(
            catalog.resolve(definition: "ApiContractProperties", propertyPath: ["protocols"], in: "2024-10-01-preview"))
        let element = try #require(protocols.type.element)
        #expect(element.allowedValues == ["http", "https", "ws", "wss"])
        #expect(element.enumFrom == "2024-05-01")
    }

    @Test func operationsCarryEtagIfMatchAndLongRunningFacts() throws {
        let put = try #require(catalog.operation(id: "Backend_CreateOrUpdate"))
        #expect(put.method == "PUT" && put.pathTemplate == "backends/{backendId}")
        #expect(put.bodyDefinition == "BackendContract" && put.ifMatch == .optional)
        #expect(put.successStatusCodes == [200, 201] && put.etagStatusCodes == [200, 201])
        #expect(put.queryParameters.contains(SpecQueryParameter(name: "api-version", isRequired: true)))
        #expect(try #require(catalog.operation(id: "Backend_Delete")).ifMatch == .required)
        #expect(try #require(catalog.operation(id: "Backend_Update")).bodyDefinition == "BackendUpdateParameters")
        #expect(try #require(catalog.operation(id: "Api_CreateOrUpdate")).isLongRunning)
        #expect(try #require(catalog.operation(id: "User_Delete")).isLongRunning)
        #expect(try #require(catalog.operation(id: "Backend_ListByService")).isPageable)
        let tool = try #require(catalog.operation(id: "ApiTool_CreateOrUpdate"))
        #expect(
            tool.since == "2025-03-01-preview" && tool.ifMatch == .none && tool.source.hasPrefix("paths-supplement"))
        for id in [
            "Cache_CreateOrUpdate", "User_CreateOrUpdate", "Certificate_CreateOrUpdate",
            "AuthorizationProvider_CreateOrUpdate", "Authorization_CreateOrUpdate",
            "AuthorizationAccessPolicy_CreateOrUpdate",
        ] {
            let operation = try #require(catalog.operation(id: id))
            #expect(operation.since == .ga && operation.source.hasPrefix("2024-05-01/apim"), "\(id)")
        }
    }

    @Test func concretePathsMatchTheirOperation() throws {
        let put = try #require(catalog.operation(method: "PUT", relativePath: "backends/b1"))
        #expect(put.operation.operationId == "Backend_CreateOrUpdate" && put.parameters == ["backendId": "b1"])

        let policy = try #require(
            catalog.operation(method: "put", relativePath: "apis/a;rev=2/operations/o/policies/policy"))
        #expect(policy.operation.operationId == "ApiOperationPolicy_CreateOrUpdate")
        #expect(policy.parameters == ["apiId": "a;rev=2", "operationId": "o", "policyId": "policy"])

        #expect(catalog.operation(method: "GET", relativePath: "apis/a")?.operation.operationId == "Api_Get")
        #expect(
            catalog.operation(method: "GET", relativePath: "apis/a", query: ["export": "true"])?.operation.operationId
                == "ApiExport_Get")
        #expect(
            catalog.operation(method: "GET", relativePath: "/APIS/a/Operations")?.operation.operationId
                == "ApiOperation_ListByApi")
        #expect(catalog.operation(method: "GET", relativePath: "apis/my%20api")?.parameters["apiId"] == "my api")

        #expect(
            catalog.operation(method: "GET", relativePath: "apis/a/wikis/default")?.operation.operationId
                == "ApiWiki_Get")

        #expect(
            catalog.operation(method: "PUT", relativePath: "apis/a/tools/t")?.operation.operationId
                == "ApiTool_CreateOrUpdate")
        #expect(catalog.operation(method: "PUT", relativePath: "apis/a/tools/t", version: .ga) == nil)
        #expect(catalog.operation(method: "PUT", relativePath: "nothing/here") == nil)
        #expect(catalog.operation(method: "PUT", relativePath: "backends/b1/extra") == nil)
    }

    @Test func pathParametersAreCheckedWithTheSameViolations() throws {
        let put = try #require(catalog.operation(id: "Backend_CreateOrUpdate"))
        #expect(catalog.validate(pathParameter: "backendId", value: "b1", of: put).isEmpty)
        let long = catalog.validate(pathParameter: "backendId", value: String(repeating: "b", count: 81), of: put)
        #expect(long.map(\.rule) == [.maxLength(limit: 80, actual: 81)] && long.map(\.path) == ["backendId"])
        #expect(
            catalog.validate(pathParameter: "backendId", value: "", of: put).map(\.rule) == [
                .minLength(limit: 1, actual: 0)
            ])

        let cache = try #require(catalog.operation(method: "PUT", relativePath: "caches/we*st"))
        #expect(catalog.validatePathParameters(of: cache).map(\.rule) == [.pattern("^[^*#&+:<>?]+$")])

        let policy = try #require(catalog.operation(method: "PUT", relativePath: "policies/other"))
        #expect(catalog.validatePathParameters(of: policy).map(\.rule) == [.enumeration(allowed: ["policy"])])
        let upper = try #require(catalog.operation(method: "PUT", relativePath: "policies/Policy"))
        #expect(catalog.validatePathParameters(of: upper).isEmpty)

        let tool = try #require(catalog.operation(method: "PUT", relativePath: "apis/a/tools/-bad"))
        #expect(catalog.validatePathParameters(of: tool).map(\.path) == ["toolId"])
    }

    @Test func aLiteralSegmentWinsOverAParameter() throws {
        let operations = """
            [{"method":"GET","path":"things/{thingId}","operationId":"Thing_Get","ifMatch":"none","since":"2024-05-01",
              "pathParameters":[{"name":"thingId","maxLength":3}]},
             {"method":"GET","path":"things/special","operationId":"Thing_Special","ifMatch":"none","since":"2024-05-01"}]
            """
        let catalog = try SpecCatalog(definitionsByVersion: [("2024-05-01", "{}")], operations: operations)
        #expect(
            catalog.operation(method: "GET", relativePath: "things/special")?.operation.operationId == "Thing_Special")
        let thing = try #require(catalog.operation(method: "GET", relativePath: "things/abcd"))
        #expect(thing.operation.operationId == "Thing_Get")
        #expect(catalog.validatePathParameters(of: thing).map(\.rule) == [.maxLength(limit: 3, actual: 4)])
    }
}
