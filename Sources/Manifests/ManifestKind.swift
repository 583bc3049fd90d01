import Model

/// A kind users can write in a manifest. Each kind declares its YAML shape (`spec` schema), how it lowers into
/// ARM resources, and how a live resource exports back into a manifest; what the ARM kind itself is (path,
/// managed fields, defaults, references) is in its ``KindDescriptor``. Adding a kind means one file here and one
/// line in `ManifestKinds.all`.
protocol ManifestKind: Sendable {
    /// The `kind:` value.
    static var kindName: String { get }
    /// The schema of `spec`.
    static var schema: ObjectSchema { get }
    /// The ARM kind a manifest of this kind describes; `nil` for a macro that expands into other kinds.
    static var resourceKind: ResourceKind? { get }
    /// Checks `metadata.name`; returns a message when the name is invalid.
    static func validateName(_ name: String) -> String?
    /// Turns the manifest into resources and references.
    static func lower(_ manifest: DecodedManifest, into context: inout LoweringContext)
    /// The `spec` of a manifest describing the live `resource` (of ``resourceKind``) and its children.
    static func export(_ resource: Resource, into context: inout ExportContext) -> JSONObject
    /// The manifest field (`spec.pool[0].priority`) an ARM property of a resource lowered from `manifest` came
    /// from, for reporting spec violations where the user wrote the value; `nil` for generated resources.
    static func manifestPath(forProperty property: String, of id: ResourceID, in manifest: DecodedManifest) -> String?
    /// Whether a property the spec requires may be missing because APIM does not need it here (a Pool backend
    /// has no `url`).
    static func mayOmit(required property: String, of resource: Resource) -> Bool
}

extension ManifestKind {
    static func validateName(_ name: String) -> String? { NameRules.entityID(name, maxLength: 256) }

    static func export(_ resource: Resource, into context: inout ExportContext) -> JSONObject {
        guard let kind = resourceKind else { return JSONObject() }
        return ExportContext.fields(resource.properties, of: schema, kind: kind)
    }

    /// The manifest's own resource: the same name under `spec`.
    static func manifestPath(forProperty property: String, of id: ResourceID, in manifest: DecodedManifest) -> String? {
        guard let kind = resourceKind, id.kind == kind, id.name == manifest.name || kind.descriptor.isSingleton else {
            return nil
        }
        return property.isEmpty ? "spec" : "spec." + property
    }

    static func mayOmit(required property: String, of resource: Resource) -> Bool { false }
}

/// Every manifest kind, in the order they are documented.
enum ManifestKinds {
    static let all: [any ManifestKind.Type] = [
        ServicePolicyKind.self, NamedValueKind.self, BackendKind.self, PolicyFragmentKind.self, LoggerKind.self,
        DiagnosticKind.self, ApiVersionSetKind.self, ApiKind.self, ProductKind.self, SubscriptionKind.self,
        TagKind.self, GroupKind.self, CacheKind.self, UserKind.self, CertificateKind.self,
        AuthorizationProviderKind.self, OpenAIGatewayKind.self,
    ]

    static func named(_ name: String) -> (any ManifestKind.Type)? { all.first { $0.kindName == name } }
}

/// APIM's rules for entity names (apim-rest.md §1.1).
enum NameRules {
    /// A problem when `name` holds a control character or an invisible formatting one (a bidirectional override
    /// can make a name read as another; an escape sequence can drive a terminal that prints it). The name itself is
    /// not repeated.
    static func invisibleCharacter(in name: String) -> String? {
        guard
            let bad = name.unicodeScalars.first(where: {
                $0.properties.generalCategory == .control || $0.properties.generalCategory == .format
            })
        else { return nil }
        return "name contains the invisible character U+\(String(bad.value, radix: 16, uppercase: true)), "
            + "which names must not hold"
    }

    /// `^[^*#&+:<>?]+$` with a length limit.
    static func entityID(_ name: String, maxLength: Int) -> String? {
        if name.isEmpty { return "name must not be empty" }
        if name.count > maxLength { return "name is \(name.count) characters long; APIM allows at most \(maxLength)" }
        if let bad = name.first(where: { "*#&+:<>?/".contains($0) }) {
            return "name '\(name)' contains '\(bad)', which APIM does not allow in names"
        }
        if name.first?.isWhitespace == true || name.last?.isWhitespace == true {
            return "name '\(name)' must not start or end with white space"
        }
        return nil
    }
}
