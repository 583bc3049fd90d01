import Foundation
import Model

/// The official APIM spec as data: definitions per api-version, and the operations of the service's paths.
///
/// Built from the table `scripts/generate-spec-table.py` derives from `spec/apim/` (vendored from
/// Azure/azure-rest-api-specs). Immutable once built; `shared` is parsed once, on first use.
public final class SpecCatalog: Sendable {
    /// The catalog of the generated table, parsed on first use (thread-safe, as every `static let` is).
    public static let shared: SpecCatalog = {
        do {
            return try SpecCatalog(
                definitionsByVersion: SpecTableText.definitionsByVersion, operations: SpecTableText.operations)
        } catch {
            preconditionFailure("the generated spec table does not decode: \(error)")
        }
    }()

    /// The versions the table describes, oldest first.
    public let versions: [APIVersion]
    /// Every operation, in table order (by path, then method).
    public let operations: [SpecOperation]
    private let effective: [APIVersion: [String: SpecDefinition]]
    private let changed: [APIVersion: Set<String>]
    private let operationsByShape: [String: [SpecOperation]]
    /// Every pattern of the table (properties and path parameters), compiled once.
    let patterns: [String: CompiledPattern]

    /// A catalog from table texts: the first version whole, each later one an overlay of changed definitions.
    init(
        definitionsByVersion: [(version: String, json: String)], operations operationsText: String
    )
        throws(SpecTableError)
    {
        var versions: [APIVersion] = []
        var effective: [APIVersion: [String: SpecDefinition]] = [:]
        var changed: [APIVersion: Set<String>] = [:]
        var current: [String: SpecDefinition] = [:]
        for (name, text) in definitionsByVersion {
            let version = APIVersion(rawValue: name)
            let overlay = try SpecTableDecoder.definitions(text)
            current.merge(overlay) { _, new in new }
            versions.append(version)
            effective[version] = current
            changed[version] = Set(overlay.keys)
        }
        let operations = try SpecTableDecoder.operations(operationsText)
        self.versions = versions
        self.effective = effective
        self.changed = changed
        self.operations = operations
        self.operationsByShape = Dictionary(grouping: operations) { Self.shape($0.method, $0.segments.count) }
        var sources = Set(operations.flatMap { $0.pathParameters.compactMap(\.type.pattern) })
        for definitions in effective.values {
            for definition in definitions.values {
                for property in definition.properties.values { Self.collectPatterns(property.type, into: &sources) }
                if let additional = definition.additionalProperties { Self.collectPatterns(additional, into: &sources) }
            }
        }
        self.patterns = Dictionary(uniqueKeysWithValues: sources.map { ($0, CompiledPattern($0)) })
    }

    private static func collectPatterns(_ type: SpecType, into sources: inout Set<String>) {
        if let pattern = type.pattern { sources.insert(pattern) }
        if let element = type.element { collectPatterns(element, into: &sources) }
    }

    private static func shape(_ method: String, _ segments: Int) -> String { "\(method.uppercased()) \(segments)" }

    // MARK: Definitions

    /// The definition `name` as `version` has it (inherited from earlier versions unless that version changed it).
    public func definition(_ name: String, in version: APIVersion) -> SpecDefinition? {
        effective[version]?[name]
    }

    /// Every definition `version` has, by name; empty for a version the table does not describe.
    public func definitions(in version: APIVersion) -> [String: SpecDefinition] { effective[version] ?? [:] }

    /// Names of the definitions `version` adds or changes relative to the version before it (all, for the first).
    public func changedDefinitions(in version: APIVersion) -> Set<String> { changed[version] ?? [] }

    /// The first version whose table has the property at `propertyPath` of `definition`, following `$ref`s, array
    /// items and map values: `("BackendContractProperties", ["pool", "sessionAffinity"])` → `2024-10-01-preview`.
    public func firstVersion(definition: String, propertyPath: [String]) -> APIVersion? {
        versions.first { version in resolve(definition: definition, propertyPath: propertyPath, in: version) != nil }
    }

    /// The property at `propertyPath` of `definition` in `version`, following `$ref`s, array items and map values.
    public func resolve(definition: String, propertyPath: [String], in version: APIVersion) -> SpecProperty? {
        guard let table = effective[version], var current = table[definition], !propertyPath.isEmpty else {
            return nil
        }
        for (index, name) in propertyPath.enumerated() {
            guard let property = current.properties[name] else { return nil }
            if index == propertyPath.count - 1 { return property }
            var type = property.type
            while let element = type.element { type = element }
            guard type.kind == .object, let next = type.definition.flatMap({ table[$0] }) else { return nil }
            current = next
        }
        return nil
    }

    /// Every pattern Swift could not compile, with the compiler's reason (a test keeps this empty).
    public var uncompilablePatterns: [String: String] {
        patterns.compactMapValues(\.compileError)
    }

    // MARK: Operations

    /// The operation with `operationId`.
    public func operation(id operationId: String) -> SpecOperation? {
        operations.first { $0.operationId == operationId }
    }

    /// The operation a request would hit: `method` on `relativePath` (relative to `…/service/{serviceName}/`, such
    /// as `backends/b1` or `apis/a;rev=2/operations/o/policies/policy`), with the path parameters' values.
    ///
    /// Literal segments compare case-insensitively, as ARM's do, and win over parameters; an operation with a fixed
    /// query (`ApiExport_Get`: `export=true`) matches only when `query` has it. With `version`, operations newer than
    /// it are left out.
    public func operation(
        method: String, relativePath: String, query: [String: String] = [:], version: APIVersion? = nil
    ) -> SpecOperationMatch? {
        let segments = relativePath.split(separator: "/", omittingEmptySubsequences: true)
        var best: (match: SpecOperationMatch, score: Int)?
        for operation in operationsByShape[Self.shape(method, segments.count)] ?? [] {
            if let version, version < operation.since { continue }
            guard operation.fixedQuery.allSatisfy({ query[$0.key]?.lowercased() == $0.value.lowercased() }) else {
                continue
            }
            guard let parameters = Self.bind(operation.segments, to: segments) else { continue }
            let score =
                2 * operation.segments.filter { if case .literal = $0 { true } else { false } }.count
                + (operation.fixedQuery.isEmpty ? 0 : 1)
            if best == nil || score > best?.score ?? 0 {
                best = (SpecOperationMatch(operation: operation, parameters: parameters), score)
            }
        }
        return best?.match
    }

    private static func bind(_ template: [SpecOperation.Segment], to segments: [Substring]) -> [String: String]? {
        var parameters: [String: String] = [:]
        for (part, segment) in zip(template, segments) {
            switch part {
            case .literal(let literal):
                guard literal.caseInsensitiveCompare(segment) == .orderedSame else { return nil }
            case .parameter(let name):
                parameters[name] = String(segment).removingPercentEncoding ?? String(segment)
            }
        }
        return parameters
    }

    /// Checks an entity name against a path parameter's rules (`backendId`: 1–80 characters, …); the violations'
    /// path is the parameter's name. An unknown parameter gives no violations.
    public func validate(pathParameter name: String, value: String, of operation: SpecOperation) -> [SpecViolation] {
        guard let parameter = operation.pathParameter(name) else { return [] }
        return SpecValidator(catalog: self).validate(
            .string(value), as: parameter.type, version: operation.since, checkRequired: false, path: name)
    }

    /// Checks every path parameter value of a matched request.
    public func validatePathParameters(of match: SpecOperationMatch) -> [SpecViolation] {
        match.operation.pathParameters.flatMap { parameter in
            validate(pathParameter: parameter.name, value: match.parameters[parameter.name] ?? "", of: match.operation)
        }
    }
}
