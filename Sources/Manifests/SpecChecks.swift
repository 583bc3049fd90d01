import APIMSpec
import Model

/// Checks every lowered resource against the official spec (`APIMSpec`) for the environment's api-version, and
/// reports each violation at the manifest field it came from: what ARM would answer with a 400 is caught before
/// anything is sent.
struct SpecChecks {
    var version: APIVersion
    private let validator = SpecValidator()
    private var catalog: SpecCatalog { validator.catalog }

    init(version: APIVersion) {
        self.version = version
    }

    /// The problems of `resource`, lowered from `manifest` of manifest kind `kind`.
    func problems(
        of resource: Resource, from manifest: DecodedManifest, kind: any ManifestKind.Type, reportMissing: Bool = true,
        generated: Bool = false
    ) -> [Diagnostic] {
        let descriptor = resource.id.kind.descriptor
        guard let definition = descriptor.specDefinition, descriptor.shape != .association else { return [] }
        let body: JSONValue = ["properties": resource.properties]
        func place(_ property: String) -> (location: SourceLocation, name: String) {
            if let field = kind.manifestPath(forProperty: property, of: resource.id, in: manifest) {
                // Generated: the field is the generated manifest's, placed at the macro field it comes from.
                return (manifest.location(field), generated ? "\(resource.id) (generated) '\(field)'" : field)
            }
            return (manifest.origin, "\(resource.id) (generated) '\(property)'")
        }
        var problems: [Diagnostic] = []
        // A kind this api-version does not have at all.
        if catalog.definition(definition, in: version) == nil {
            guard let since = catalog.versions.first(where: { catalog.definition(definition, in: $0) != nil }) else {
                return []
            }
            let (location, name) = place("")
            let what = name == "spec" ? "\(resource.id.kind.rawValue) '\(resource.id.name)'" : name
            return [.error(versionMessage(what, since: since), at: location)]
        }
        // Members this api-version does not have: ARM would ignore them silently, so they are errors here.
        for (path, since) in newerMembers(of: body, definition: definition, root: definition, path: []) {
            let property = path.dropFirst().joined(separator: ".")
            let (location, name) = place(property)
            problems.append(.error(versionMessage(name, since: since), at: location))
        }
        let violations = validator.validate(body, definition: definition, version: version, checkRequired: true)
        return problems
            + violations.compactMap { violation in
                guard violation.path.hasPrefix("properties") else { return nil }
                var property = String(violation.path.dropFirst("properties".count))
                if property.hasPrefix(".") { property.removeFirst() }
                let describing = ManifestKinds.all.first { $0.resourceKind == resource.id.kind } ?? kind
                // A secret is set at apply time, from its source.
                if case .required = violation.rule,
                    !reportMissing || resource.secrets[property] != nil
                        || describing.mayOmit(required: property, of: resource)
                {
                    return nil
                }
                let (location, name) = place(property)
                var message = Self.message(violation, field: name)
                if case .enumeration(let allowed) = violation.rule,
                    let found = resource.properties.value(atPath: property)?.stringValue
                {
                    if let since = firstVersion(allowing: found, definition: definition, path: violation.path) {
                        let label = name.contains(" (generated) ") ? name : "'\(name)'"
                        return .error(versionMessage("\(label) '\(found)'", since: since), at: location)
                    }
                    message += ", found '\(found)'" + Suggestions.hint(for: found, in: allowed)
                }
                return .error(message, at: location)
            }
    }

    func versionMessage(_ what: String, since: APIVersion) -> String {
        let quoted = what.hasPrefix("'") || what.contains(" (generated) ") ? what : "'\(what)'"
        return "\(quoted) needs api-version \(since) or later; this environment uses \(version) (set "
            + "target.apiVersion in apimsync.yaml)"
    }

    /// The members of `value` (an object of `definition`) that this version's definition lacks and a later
    /// version has, with the first such version; `path` is from the body's root, whose definition is `root`.
    func newerMembers(
        of value: JSONValue, definition: String, root: String, path: [String]
    ) -> [(path: [String], since: APIVersion)] {
        guard case .object(let object) = value, let spec = catalog.definition(definition, in: version) else {
            return []
        }
        var found: [(path: [String], since: APIVersion)] = []
        for (key, member) in object where member != .null {
            guard let property = spec.property(forMember: key) else {
                if let since = catalog.firstVersion(definition: root, propertyPath: path + [key]), since > version {
                    found.append((path + [key], since))
                }
                continue
            }
            var type = property.type
            var values = [member]
            while type.kind == .array || type.kind == .map, let element = type.element {
                values = values.flatMap { $0.arrayValue ?? $0.objectValue.map { Array($0.map(\.value)) } ?? [] }
                type = element
            }
            guard type.kind == .object, let next = type.definition else { continue }
            for item in values {
                found += newerMembers(of: item, definition: next, root: root, path: path + [property.name])
            }
        }
        return found
    }

    /// The first later version whose spec allows `value` for the property at `path` (`properties.type`).
    func firstVersion(allowing value: String, definition: String, path: String) -> APIVersion? {
        let names = path.split(separator: ".").map { String($0.prefix { $0 != "[" }) }
        return catalog.versions.first { candidate in
            guard candidate > version,
                var type = catalog.resolve(definition: definition, propertyPath: names, in: candidate)?.type
            else { return false }
            while let element = type.element { type = element }
            guard let allowed = type.allowedValues else { return false }
            return allowed.contains { $0.stringValue?.lowercased() == value.lowercased() }
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
