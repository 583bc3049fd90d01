import APIMSpec
import Model
import Testing

/// The benchmark's workload, checked for correctness (timing lives in scripts/benchmark-spec-validator.sh).
@Suite struct ValidatorWorkloadTests {
    @Test func fiveThousandTypicalBodiesConformAndOneBrokenFieldEachIsFound() throws {
        let bodies = TypicalBodies.make(count: 5_000)
        let validator = SpecValidator()
        var valid = 0
        for (body, definition) in bodies {
            let found = validator.validate(
                body, definition: definition, version: TypicalBodies.version, checkRequired: true)
            #expect(found.isEmpty, "\(definition): \(found)")
            if found.isEmpty { valid += 1 }
        }
        #expect(valid == 5_000)

        for (body, definition) in bodies.prefix(10) {
            var broken = body
            var properties = try #require(broken["properties"]?.objectValue)
            properties["description"] = .string(String(repeating: "d", count: 5_000))
            broken["properties"] = .object(properties)
            let found = validator.validate(
                broken, definition: definition, version: TypicalBodies.version, checkRequired: true)
            let hasDescription = SpecCatalog.shared.resolve(
                definition: definition, propertyPath: ["properties", "description"], in: TypicalBodies.version)
            guard let limit = hasDescription?.type.maxLength else {
                #expect(found.isEmpty, "\(definition) has no description limit, yet: \(found)")
                continue
            }
            #expect(found.map(\.rule) == [.maxLength(limit: limit, actual: 5_000)], "\(definition)")
            #expect(found.map(\.path) == ["properties.description"])
        }
    }
}
