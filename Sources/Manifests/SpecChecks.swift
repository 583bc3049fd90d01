import APIMSpec
import Model

/// Checks every lowered resource against the official spec (`APIMSpec`) for the environment's api-version, and
/// reports each violation at the manifest field it came from: what ARM would answer with a 400 is caught before
/// anything is sent.
struct SpecChecks {
    var version: APIVersion
    private let validator = SpecValidator()

    init(version: APIVersion) {
        self.version = version
    }

    /// The problems of `resource`, lowered from `manifest` of manifest kind `kind`.
    func problems(
        of resource: Resource, from manifest: DecodedManifest, kind: any ManifestKind.Type
    ) -> [Diagnostic] {
        let descriptor = resource.id.kind.descriptor
        guard let definition = descriptor.specDefinition, descriptor.shape != .association else { return [] }
        let body: JSONValue = ["properties": resource.properties]
        let violations = validator.validate(body, definition: definition, version: version, checkRequired: true)
        return violations.compactMap { violation in
            guard violation.path.hasPrefix("properties") else { return nil }
            var property = String(violation.path.dropFirst("properties".count))
            if property.hasPrefix(".") { property.removeFirst() }
            let describing = ManifestKinds.all.first { $0.resourceKind == resource.id.kind } ?? kind
            if case .required = violation.rule, describing.mayOmit(required: property, of: resource) { return nil }
            let field = kind.manifestPath(forProperty: property, of: resource.id, in: manifest)
            let location: SourceLocation
            let name: String
            if let field {
                location = manifest.location(field)
                name = field
            } else {
                location = manifest.origin
                name = "\(resource.id) (generated) '\(property)'"
            }
            var message = Self.message(violation, field: name)
            if case .enumeration(let allowed) = violation.rule,
                let found = resource.properties.value(atPath: property)?.stringValue
            {
                message += ", found '\(found)'" + Suggestions.hint(for: found, in: allowed)
            }
            return .error(message, at: location)
        }
    }

    /// The violation in validate's words, naming the manifest field.
    static func message(_ violation: SpecViolation, field: String) -> String {
        let quoted = field.hasPrefix("'") || field.contains(" (generated) ") ? field : "'\(field)'"
        switch violation.rule {
        case .type(let expected):
            return
                "\(quoted) must be \(expected == .integer || expected == .array || expected == .object ? "an" : "a") "
                + "\(expected.rawValue)"
        case .required:
            return "missing required field \(quoted)"
        case .minLength(let limit, let actual):
            return "\(quoted) is \(actual) characters; APIM needs at least \(limit)"
        case .maxLength(let limit, let actual):
            return "\(quoted) is \(actual) characters; APIM allows at most \(limit)"
        case .pattern(let pattern):
            return "\(quoted) does not match APIM's pattern \(pattern)"
        case .enumeration(let allowed):
            return "\(quoted) must be one of " + allowed.map { "'\($0)'" }.joined(separator: ", ")
        case .minimum(let limit, let exclusive, let actual):
            return "\(quoted) must be \(exclusive ? "greater than" : "at least") \(number(limit)), found "
                + number(actual)
        case .maximum(let limit, let exclusive, let actual):
            return "\(quoted) must be \(exclusive ? "less than" : "at most") \(number(limit)), found \(number(actual))"
        case .minItems(let limit, let actual):
            return "\(quoted) has \(actual) items; APIM needs at least \(limit)"
        case .maxItems(let limit, let actual):
            return "\(quoted) has \(actual) items; APIM allows at most \(limit)"
        case .uniqueItems:
            return "\(quoted) lists the same item twice; APIM allows each once"
        case .unknownDefinition(let name):
            return "the official spec of this api-version has no \(name)"
        }
    }

    static func number(_ value: Double) -> String {
        JSONValue.number(value).serialized()
    }
}
