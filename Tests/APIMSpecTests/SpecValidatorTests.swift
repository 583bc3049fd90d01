import APIMSpec
import Model
import Testing

@Suite struct SpecValidatorTests {
    func violations(
        _ value: JSONValue, _ definition: String, _ version: APIVersion = .ga, checkRequired: Bool = false
    ) -> [SpecViolation] {
        SpecValidator.validate(value, definition: definition, version: version, checkRequired: checkRequired)
    }

    func text(_ count: Int, _ unit: String = "a") -> JSONValue { .string(String(repeating: unit, count: count)) }

    // MARK: The issue's examples: each passed `validate` and the emulator, and ARM answers 400.

    @Test func theIssuesTooLongFieldsAreEachOneMaxLengthViolation() {
        let cases: [(definition: String, field: String, limit: Int)] = [
            ("BackendContractProperties", "description", 2000),
            ("ProductContractProperties", "description", 1000),
            ("NamedValueCreateContractProperties", "value", 4096),
            ("LoggerContractProperties", "description", 256),
            ("ApiVersionSetContractProperties", "versionQueryName", 100),
        ]
        for (definition, field, limit) in cases {
            let over = violations([field: text(limit + 1)], definition)
            #expect(over.map(\.rule) == [.maxLength(limit: limit, actual: limit + 1)], "\(definition).\(field)")
            #expect(over.map(\.path) == [field])
            #expect(violations([field: text(limit)], definition).isEmpty, "\(definition).\(field) at the limit")
        }
    }

    @Test func aWholeRequestBodyReportsPathsFromItsRoot() {
        let body: JSONValue = ["properties": ["description": text(2001), "url": "https://b", "protocol": "http"]]
        let found = violations(body, "BackendContract", checkRequired: true)
        #expect(found.map(\.path) == ["properties.description"])
        #expect(
            found.first?.message
                == "The field description must be a string or array type with a maximum length of '2000' (it has 2001)."
        )
    }

    @Test func aThreeMegabyteDescriptionIsCaught() {
        let found = violations(["description": text(3_000_000)], "BackendContractProperties")
        #expect(found.map(\.rule) == [.maxLength(limit: 2000, actual: 3_000_000)])
    }

    // MARK: Walking

    @Test func everyViolationIsReportedInMemberOrderNotJustTheFirst() {
        let body: JSONValue = [
            "title": "",
            "protocol": "ftp",
            "pool": ["services": [["id": "b1", "priority": 101, "weight": -1], ["id": "b2", "priority": "high"]]],
            "circuitBreaker": ["rules": [["failureCondition": ["errorReasons": [text(201)]]]]],
        ]
        let found = violations(body, "BackendContractProperties", checkRequired: true)
        #expect(
            found.map(\.path) == [
                "title", "protocol", "pool.services[0].priority", "pool.services[0].weight",
                "pool.services[1].priority", "circuitBreaker.rules[0].failureCondition.errorReasons[0]", "url",
            ])
        #expect(
            found.map(\.rule) == [
                .minLength(limit: 1, actual: 0),
                .enumeration(allowed: ["http", "soap"]),
                .maximum(limit: 100, exclusive: false, actual: 101),
                .minimum(limit: 0, exclusive: false, actual: -1),
                .type(expected: .integer),
                .maxLength(limit: 200, actual: 201),
                .required,
            ])
    }

    @Test func requiredIsCheckedOnlyWhenAskedAndNullCountsAsMissing() {
        #expect(violations(["description": "d"], "BackendContractProperties").isEmpty)
        let missing = violations(["url": .null], "BackendContractProperties", checkRequired: true)
        #expect(missing.map(\.path) == ["protocol", "url"] && missing.allSatisfy { $0.rule == .required })
        #expect(missing.first?.message == "The protocol field is required.")
        // From 2024-10-01-preview on, a pool needs neither url nor protocol.
        #expect(
            violations(["type": "Pool"], "BackendContractProperties", "2024-10-01-preview", checkRequired: true).isEmpty
        )
    }

    @Test func readOnlyAndUnknownMembersAreNotViolations() {
        let body: JSONValue = ["isOnline": "not a boolean", "noSuchField": 12, "path": "p"]
        #expect(violations(body, "ApiContractProperties", checkRequired: true).isEmpty)
    }

    @Test func membersAndEnumsMatchCaseInsensitivelyAsARMBinds() {
        #expect(
            violations(["Protocol": "HTTP", "URL": "https://b"], "BackendContractProperties", checkRequired: true)
                .isEmpty)
        #expect(violations(["Description": text(2001)], "BackendContractProperties").map(\.path) == ["Description"])
    }

    @Test func wrongJSONTypesAreReportedOnceWithoutDescending() {
        let found = violations(
            ["description": 5, "tls": "yes", "pool": ["services": ["x"]], "credentials": ["header": ["k": "v"]]],
            "BackendContractProperties")
        #expect(found.map(\.path) == ["description", "tls", "pool.services[0]", "credentials.header.k"])
        #expect(
            found.map(\.rule) == [
                .type(expected: .string), .type(expected: .object), .type(expected: .object), .type(expected: .array),
            ])
        #expect(found.first?.message == "The field description must be a string.")
        #expect(violations(["priority": 1.5, "id": "x"], "BackendPoolItem").map(\.rule) == [.type(expected: .integer)])
        #expect(violations(["priority": 7, "id": "x"], "BackendPoolItem").isEmpty)
    }

    @Test func mapValuesAreChecked() {
        #expect(violations(["credentials": ["header": ["k": ["v1", "v2"]]]], "BackendContractProperties").isEmpty)
        #expect(
            violations(["credentials": ["header": ["x-key.v2": [1]]]], "BackendContractProperties").map(\.path) == [
                "credentials.header[\"x-key.v2\"][0]"
            ])
    }

    @Test func lengthsCountUTF16CodeUnitsAsDotNetDoes() {
        // 😀 is one Character, two UTF-16 code units: .NET's string.Length, and so APIM's MaxLength, counts 2.
        #expect(violations(["description": text(1000, "😀")], "BackendContractProperties").isEmpty)
        #expect(
            violations(["description": text(1001, "😀")], "BackendContractProperties").map(\.rule) == [
                .maxLength(limit: 2000, actual: 2002)
            ])
        // é as one precomposed scalar counts 1.
        #expect(violations(["description": text(2000, "é")], "BackendContractProperties").isEmpty)
    }

    @Test func patternsSearchLikeDotNetsIsMatch() {
        #expect(violations(["displayName": "my-key.v1_2"], "NamedValueCreateContractProperties").isEmpty)
        #expect(
            violations(["displayName": "my key"], "NamedValueCreateContractProperties").map(\.rule) == [
                .pattern("^[A-Za-z0-9-._]+$")
            ])
        let endpoint: JSONValue = ["mcpProperties": ["endpoints": [["name": "sse", "uriTemplate": "sse"]]]]
        #expect(
            violations(endpoint, "ApiCreateOrUpdateProperties", "2025-09-01-preview").map(\.path) == [
                "mcpProperties.endpoints[0].uriTemplate"
            ])
    }

    @Test func rangesIncludingExclusiveBoundsAndItemCounts() {
        var type = SpecType(kind: .number)
        type.minimum = 0
        type.exclusiveMinimum = true
        type.maximum = 1
        type.exclusiveMaximum = true
        let validator = SpecValidator()
        #expect(validator.validate(0.5, as: type, version: .ga, checkRequired: false).isEmpty)
        #expect(
            validator.validate(0, as: type, version: .ga, checkRequired: false).map(\.rule) == [
                .minimum(limit: 0, exclusive: true, actual: 0)
            ])
        #expect(
            validator.validate(1, as: type, version: .ga, checkRequired: false, path: "ratio").map(\.description) == [
                "ratio: The field ratio must be less than 1."
            ])
        #expect(
            violations(["pool": ["services": []]], "BackendContractProperties").map(\.rule) == [
                .minItems(limit: 1, actual: 0)
            ])
        let tags = JSONValue.array((0..<33).map { .string("t\($0)") })
        #expect(
            violations(["tags": tags], "NamedValueCreateContractProperties").map(\.rule) == [
                .maxItems(limit: 32, actual: 33)
            ])
    }

    @Test func uniqueItemsRejectsDuplicates() {
        var type = SpecType(kind: .array, element: SpecType(kind: .string))
        type.uniqueItems = true
        let validator = SpecValidator()
        #expect(validator.validate(["a", "b"], as: type, version: .ga, checkRequired: false).isEmpty)
        #expect(
            validator.validate(["a", "a"], as: type, version: .ga, checkRequired: false).map(\.rule) == [.uniqueItems])
    }

    @Test func versionsDecideWhatIsChecked() {
        // GA has no pool.sessionAffinity: it is an unknown member there, checked from 2024-10-01-preview on.
        let affinity: JSONValue = ["pool": ["sessionAffinity": ["sessionId": ["source": "header", "name": "s"]]]]
        #expect(violations(affinity, "BackendContractProperties").isEmpty)
        #expect(
            violations(affinity, "BackendContractProperties", "2024-10-01-preview").map(\.path) == [
                "pool.sessionAffinity.sessionId.source"
            ])
        // MCP: the transport enum exists only in 2025-09-01-preview.
        let mcp: JSONValue = ["type": "mcp", "mcpProperties": ["transportType": "carrier-pigeon"]]
        #expect(violations(mcp, "ApiCreateOrUpdateProperties", "2025-03-01-preview").map(\.path) == ["type"])
        #expect(
            violations(mcp, "ApiCreateOrUpdateProperties", "2025-09-01-preview").map(\.rule) == [
                .enumeration(allowed: ["sse", "streamable"])
            ])
        // LLM logging limits come with 2024-06-01-preview.
        let llm: JSONValue = ["largeLanguageModel": ["requests": ["maxSizeInBytes": 262_145]]]
        #expect(violations(llm, "DiagnosticContractProperties").isEmpty)
        #expect(
            violations(llm, "DiagnosticContractProperties", "2024-06-01-preview").map(\.rule) == [
                .maximum(limit: 262_144, exclusive: false, actual: 262_145)
            ])
    }

    @Test func supplementedFieldsAreValidatedFromTheirVersion() {
        let identity: JSONValue = ["credentials": ["managedIdentity": ["clientId": "c"]]]
        #expect(violations(identity, "BackendContractProperties", .ga, checkRequired: false).isEmpty)
        #expect(
            violations(identity, "BackendContractProperties", "2024-06-01-preview", checkRequired: true).map(\.path)
                == ["credentials.managedIdentity.resource", "protocol", "url"])
        let tools: JSONValue = ["mcpTools": [["name": 1]]]
        #expect(
            violations(tools, "ApiCreateOrUpdateProperties", "2025-09-01-preview").map(\.rule) == [
                .type(expected: .string)
            ])
    }

    @Test func anUnknownDefinitionIsReportedNotIgnored() {
        #expect(violations([:], "NoSuchContract").map(\.rule) == [.unknownDefinition("NoSuchContract")])
    }
}
