import Model

/// What a manifest kind's export needs and produces: the live state being exported, the API definitions APIM
/// exported, and the policy and specification files written so far, with notes for the user.
struct ExportContext {
    let live: State
    /// Each API's exported definition (OpenAPI 3 JSON), by API name.
    let definitions: [String: String]
    private(set) var files: [ManifestExporter.File] = []
    private(set) var notes: [String] = []

    init(live: State, definitions: [String: String]) {
        self.live = live
        self.definitions = definitions
    }

    mutating func note(_ text: String) { notes.append(text) }

    /// Writes a file of the exported repository.
    mutating func write(_ path: String, _ contents: String) {
        files.append(ManifestExporter.File(path: path, contents: contents.hasSuffix("\n") ? contents : contents + "\n"))
    }

    /// Writes a policy document to `policies/<name>.xml` and returns that path, relative to `resources/`'s parent.
    mutating func policyFile(_ policy: Resource, _ name: String) -> String {
        let path = "policies/\(name).xml"
        write(path, policy.properties["value"]?.stringValue ?? "")
        return path
    }

    /// The live children of `parent` of one kind.
    func children(of parent: ResourceID, _ kind: ResourceKind) -> [Resource] {
        live.resources(of: kind).filter { $0.id.parent == parent }
    }

    /// The live properties that are both fields of the manifest's schema and managed fields of the ARM kind,
    /// without nulls; fields a manifest spells differently from ARM (references, policies, children) are set by
    /// the kind's export.
    static func fields(_ properties: JSONValue, of schema: ObjectSchema, kind: ResourceKind) -> JSONObject {
        let managed = Set(kind.descriptor.managedFields)
        var spec = JSONObject()
        for field in schema.fields where managed.contains(field.name) {
            guard let value = properties[field.name], value != .null else { continue }
            spec[field.name] = value
        }
        return spec
    }

    /// The last segment of an ARM id (`/subscriptions/…/loggers/appinsights` → `appinsights`).
    static func name(of id: String) -> String {
        String(id.split(separator: "/").last ?? Substring(id))
    }
}
