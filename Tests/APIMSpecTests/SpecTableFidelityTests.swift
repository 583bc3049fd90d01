import APIMSpec
import Foundation
import Model
import Testing

/// Checks the generated table against the vendored spec files themselves (read here without the generator), so a
/// generator bug cannot hide behind the table-driven tests, which start from the table.
@Suite struct SpecTableFidelityTests {
    static let specFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("spec/apim")

    static let sources: [(APIVersion, [String])] = [
        ("2024-05-01", ["2024-05-01/definitions.json", "2024-05-01/apimanagement.json"]),
        ("2024-06-01-preview", ["2024-06-01-preview/definitions.extract.json"]),
        ("2024-10-01-preview", ["2024-10-01-preview/openapi.definitions-extract.json"]),
        ("2025-03-01-preview", ["2025-03-01-preview/openapi.definitions-extract.json"]),
        ("2025-09-01-preview", ["2025-09-01-preview/openapi.definitions-extract.json"]),
    ]

    func rawDefinitions(_ file: String) throws -> JSONObject {
        let text = try String(contentsOf: Self.specFolder.appendingPathComponent(file), encoding: .utf8)
        return try #require(try JSONValue.parse(text)["definitions"]?.objectValue)
    }

    @Test(arguments: sources)
    func everyOwnConstraintOfTheSpecFilesIsInTheTable(version: APIVersion, files: [String]) throws {
        let catalog = SpecCatalog.shared
        var compared = 0
        for file in files {
            for (name, raw) in try rawDefinitions(file) {
                guard let definition = catalog.definition(name, in: version) else { continue }
                for required in raw["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                    #expect(definition.required.contains(required), "\(version) \(name) requires \(required)")
                }
                for (property, schema) in raw["properties"]?.objectValue ?? JSONObject() {
                    guard let type = definition.properties[property]?.type else {
                        Issue.record("\(version) \(name).\(property) is missing from the table")
                        continue
                    }
                    compared += 1
                    let place = "\(version) \(name).\(property)"
                    #expect(
                        definition.properties[property]?.isReadOnly == (schema["readOnly"]?.boolValue ?? false),
                        "\(place)")
                    #expect(
                        type.maxLength == schema["maxLength"]?.numberValue.map { Int($0) }
                            || schema["maxLength"] == nil, "\(place)")
                    #expect(
                        type.minLength == schema["minLength"]?.numberValue.map { Int($0) }
                            || schema["minLength"] == nil, "\(place)")
                    #expect(type.pattern == schema["pattern"]?.stringValue || schema["pattern"] == nil, "\(place)")
                    #expect(type.minimum == schema["minimum"]?.numberValue || schema["minimum"] == nil, "\(place)")
                    #expect(type.maximum == schema["maximum"]?.numberValue || schema["maximum"] == nil, "\(place)")
                    #expect(
                        type.minItems == schema["minItems"]?.numberValue.map { Int($0) } || schema["minItems"] == nil,
                        "\(place)")
                    #expect(
                        type.maxItems == schema["maxItems"]?.numberValue.map { Int($0) } || schema["maxItems"] == nil,
                        "\(place)")
                    for value in schema["enum"]?.arrayValue ?? [] {
                        #expect(type.allowedValues?.contains(value) == true, "\(place) allows \(value)")
                    }
                    if let items = schema["items"], let element = type.element {
                        #expect(
                            element.maxLength == items["maxLength"]?.numberValue.map { Int($0) }
                                || items["maxLength"] == nil, "\(place)[]")
                    }
                }
            }
        }
        #expect(compared > 30, "\(version): too few properties compared (\(compared))")
    }

    @Test func theIssuesLimitsAreTheSpecFilesOwn() throws {
        let raw = try rawDefinitions("2024-05-01/definitions.json")
        let cases: [(String, String, Int)] = [
            ("BackendBaseParameters", "description", 2000), ("ProductEntityBaseParameters", "description", 1000),
            ("NamedValueCreateContractProperties", "value", 4096), ("LoggerContractProperties", "description", 256),
            ("ApiVersionSetEntityBase", "versionQueryName", 100),
        ]
        for (definition, property, limit) in cases {
            #expect(
                raw[definition]?["properties"]?[property]?["maxLength"]?.numberValue == Double(limit),
                "\(definition).\(property)")
        }
    }
}
