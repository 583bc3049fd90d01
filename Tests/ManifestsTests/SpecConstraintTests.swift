import APIMSpec
import Foundation
import Manifests
import Model
import TestSupport
import Testing
import YAML

/// `validate` against the official spec, table-driven: for every manifest of the every-field fixture, every field
/// the manifest writes as APIM spells it, and every constraint the spec table puts on that field (length, pattern,
/// enum, range, item count), the field is broken once and `validate` must report an error at its line.
@Suite struct SpecConstraintTests {
    /// One broken value and where it is.
    struct Case: CustomStringConvertible {
        var document: Int
        var kind: String
        var path: [PathStep]
        var rule: String
        var value: JSONValue
        var description: String { "\(kind) spec.\(PathStep.render(path)) \(rule) = \(value.serialized().prefix(40))" }
    }

    enum PathStep: Hashable {
        case key(String)
        case index(Int)

        static func render(_ path: [PathStep]) -> String {
            var text = ""
            for step in path {
                switch step {
                case .key(let key): text += (text.isEmpty ? "" : ".") + key
                case .index(let index): text += "[\(index)]"
                }
            }
            return text
        }
    }

    /// Manifest fields lowered into something other than the ARM field of the same name (names become ids, a list
    /// of members becomes `pool.services`): their spec constraints are checked on what they become, elsewhere.
    static let reshaped: Set<String> = ["pool", "loggerId", "scope", "ownerId", "apiVersionSet", "revision"]

    static let fixture = TestPaths.fixtures.appendingPathComponent("every-field.yaml")

    static func documents() throws -> [JSONValue] {
        let text = try String(contentsOf: fixture, encoding: .utf8)
        return try YAMLParser.parse(text, file: "every-field.yaml").compactMap { $0.root?.jsonValue }
    }

    /// Every case the spec table yields for the fixture, at the GA api-version the lab's environment uses.
    static func cases() throws -> [Case] {
        var cases: [Case] = []
        let catalog = SpecCatalog.shared
        let all = try documents()
        // Fields some manifest of the kind writes: a field missing from another manifest of that kind (where it
        // may be excluded by what that one writes instead) is covered there.
        var written: [String: Set<String>] = [:]
        for document in all {
            guard let kind = document["kind"]?.stringValue else { continue }
            written[kind, default: []].formUnion(document["spec"]?.objectValue?.keys ?? [])
        }
        for (index, document) in all.enumerated() {
            guard let kindName = document["kind"]?.stringValue, let kind = ResourceKind(rawValue: kindName),
                let definition = kind.descriptor.specDefinition,
                let envelope = catalog.definition(definition, in: .ga),
                let propertiesType = envelope.properties["properties"]?.type.definition,
                case .object(let spec)? = document["spec"]
            else { continue }
            let managed = Set(kind.descriptor.managedFields)
            for (key, value) in spec where managed.contains(key) && !reshaped.contains(key) {
                guard let property = catalog.definition(propertiesType, in: .ga)?.properties[key] else { continue }
                cases += Self.cases(
                    for: property.type, value: value, path: [.key(key)], document: index, kind: kindName)
            }
            // Constrained scalar fields the fixture leaves out are set, so none is forgotten.
            let top = catalog.definition(propertiesType, in: .ga)?.properties ?? [:]
            for (key, property) in top.sorted(by: { $0.key < $1.key })
            where spec[key] == nil && written[kindName]?.contains(key) != true && managed.contains(key)
                && !reshaped.contains(key) && !property.isReadOnly
                && property.type.kind == .string && property.type.isConstrained
            {
                cases += Self.violations(of: property.type).map {
                    Case(document: index, kind: kindName, path: [.key(key)], rule: $0.rule, value: $0.value)
                }
            }
        }
        return cases
    }

    static func cases(for type: SpecType, value: JSONValue, path: [PathStep], document: Int, kind: String) -> [Case] {
        var cases = violations(of: type).map {
            Case(document: document, kind: kind, path: path, rule: $0.rule, value: $0.value)
        }
        switch (type.kind, value) {
        case (.object, .object(let object)):
            guard let definition = type.definition.flatMap({ SpecCatalog.shared.definition($0, in: .ga) }) else {
                break
            }
            for (key, member) in object {
                guard let property = definition.properties[key], !property.isReadOnly else { continue }
                cases += Self.cases(
                    for: property.type, value: member, path: path + [.key(key)], document: document, kind: kind)
            }
        case (.array, .array(let items)):
            if let element = type.element, let first = items.first {
                cases += Self.cases(
                    for: element, value: first, path: path + [.index(0)], document: document, kind: kind)
            }
        case (.map, .object(let object)):
            if let element = type.element, let key = object.keys.first, let member = object[key] {
                cases += Self.cases(
                    for: element, value: member, path: path + [.key(key)], document: document, kind: kind)
            }
        default:
            break
        }
        return cases
    }

    /// A value breaking each constraint of `type`.
    static func violations(of type: SpecType) -> [(rule: String, value: JSONValue)] {
        var result: [(String, JSONValue)] = []
        if let allowed = type.allowedValues, !allowed.isEmpty, type.kind == .string {
            result.append(("enum", "not-one-of-them"))
        }
        if let limit = type.maxLength {
            result.append(("maxLength \(limit)", .string(String(repeating: "a", count: limit + 1))))
        }
        if let limit = type.minLength, limit > 0 {
            result.append(("minLength \(limit)", .string(String(repeating: "a", count: limit - 1))))
        }
        if let pattern = type.pattern, let regex = try? Regex(pattern) {
            let candidates = ["*#&", "!", "a b", " ", "-", "é", "../x", "<>"]
            if let bad = candidates.first(where: { (try? regex.firstMatch(in: $0)) == nil }) {
                result.append(("pattern", .string(bad)))
            }
        }
        if let limit = type.maximum { result.append(("maximum \(limit)", .number(limit + 1))) }
        if let limit = type.minimum { result.append(("minimum \(limit)", .number(limit - 1))) }
        if let limit = type.maxItems {
            let item: JSONValue = type.element?.kind == .string ? "x" : .number(1)
            result.append(("maxItems \(limit)", .array(Array(repeating: item, count: limit + 1))))
        }
        if let limit = type.minItems, limit > 0 { result.append(("minItems \(limit)", .array([]))) }
        return result
    }

    /// `value` with the member at `path` replaced by `replacement`.
    static func replacing(_ path: ArraySlice<PathStep>, in value: JSONValue, with replacement: JSONValue) -> JSONValue {
        guard let step = path.first else { return replacement }
        switch (step, value) {
        case (.key(let key), .object(var object)):
            object[key] = replacing(path.dropFirst(), in: object[key] ?? .null, with: replacement)
            return .object(object)
        case (.index(let index), .array(var items)) where items.indices.contains(index):
            items[index] = replacing(path.dropFirst(), in: items[index], with: replacement)
            return .array(items)
        default:
            return value
        }
    }

    /// The line of the node at `path` below `spec` of document `index` of `text`.
    static func line(of path: [PathStep], document index: Int, in text: String) throws -> Int {
        let documents = try YAMLParser.parse(text, file: "every-field.yaml")
        var node = try #require(documents[index].root?["spec"])
        for step in path {
            switch step {
            case .key(let key): node = try #require(node[key], "no \(key)")
            case .index(let index): node = try #require(node.sequence?[index])
            }
        }
        return node.mark.line
    }

    @Test func everyConstrainedFieldOfEveryKindIsReportedAtItsLine() throws {
        let documents = try Self.documents()
        let cases = try Self.cases()
        #expect(cases.count >= 60, "only \(cases.count) cases: the fixture or the table lost fields")
        // The fixture on its own (it is self-contained), in a temporary repository.
        let repository = try TemporaryRepository([:])
        let configPath = repository.root + "/apimsync.yaml"
        let file = URL(fileURLWithPath: repository.root).appendingPathComponent("resources/every-field.yaml")
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        func write(_ documents: [JSONValue]) throws -> String {
            let text = YAMLEmitter.emit(documents: documents.map(DesiredStateRenderer.node))
            try text.write(to: file, atomically: true, encoding: .utf8)
            return text
        }
        _ = try write(documents)
        let baseline = ManifestLoader(configPath: configPath).load().diagnostics
        #expect(!baseline.hasErrors, "the fixture itself is invalid: \(baseline)")
        var kinds: Set<String> = []
        for testCase in cases {
            var broken = documents
            broken[testCase.document] = Self.replacing(
                ([.key("spec")] + testCase.path)[...], in: documents[testCase.document], with: testCase.value)
            let text = try write(broken)
            let line = try Self.line(of: testCase.path, document: testCase.document, in: text)
            let errors = ManifestLoader(configPath: configPath).load().diagnostics.filter {
                $0.severity == .error && $0.location?.file.hasSuffix("every-field.yaml") == true
            }
            #expect(
                errors.contains { $0.location?.line == line },
                "\(testCase): expected an error at line \(line), got \(errors.map(\.description))")
            kinds.insert(testCase.kind)
        }
        #expect(kinds.count >= 8, "cases cover only \(kinds.sorted())")
        print("spec constraint cases: \(cases.count) over \(kinds.count) kinds")
    }
}
