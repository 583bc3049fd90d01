import Foundation
import Model
import YAML

/// Turns a live APIM state into a repository of manifests: the bootstrap from an existing instance. Pure: the
/// caller reads APIM (and the API definitions it exports) and writes the files.
///
/// Every field comes from the live properties the kind's schema knows; ARM ids become names; policies become
/// XML files and API definitions spec files. Secret named values get `valueFrom: {env: …}` and no value: secrets
/// are never read, so the repository says where each must come from and the notes name them.
public enum ManifestExporter {
    /// A file of the exported repository, by path relative to its root.
    public struct File: Sendable, Hashable {
        public var path: String
        public var contents: String
    }

    /// The repository's files, and what the user must still do.
    public struct Result: Sendable {
        public var files: [File]
        public var notes: [String]
    }

    /// The environment the exported `apimsync.yaml` declares.
    public struct Environment: Sendable {
        public var name: String
        public var target: Target

        public init(name: String, target: Target) {
            self.name = name
            self.target = target
        }
    }

    /// - Parameters:
    ///   - live: what to export (built-in entities already left out by the caller).
    ///   - definitions: each API's exported definition (OpenAPI 3 JSON), by API name.
    public static func export(_ live: State, definitions: [String: String], environment: Environment) -> Result {
        var exporter = Exporter(live: live, definitions: definitions)
        exporter.run()
        exporter.files.append(File(path: "apimsync.yaml", contents: configuration(environment)))
        return Result(files: exporter.files.sorted { $0.path < $1.path }, notes: exporter.notes)
    }

    /// The secret's environment variable: the name in upper case, other characters as `_`.
    public static func environmentVariable(for namedValue: String) -> String {
        String(namedValue.uppercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }

    static func configuration(_ environment: Environment) -> String {
        var target = JSONObject()
        switch environment.target {
        case .emulator(let stateFile): target["emulator"] = .string(stateFile)
        case .arm(let arm):
            if let endpoint = arm.endpoint { target["endpoint"] = .string(endpoint) }
            target["subscriptionId"] = .string(arm.subscriptionId)
            target["resourceGroup"] = .string(arm.resourceGroup)
            target["service"] = .string(arm.service)
            if arm.cloud == "custom", let manager = arm.customResourceManager, let authority = arm.customAuthority {
                target["cloud"] = ["resourceManager": .string(manager), "authority": .string(authority)]
            } else if arm.cloud != "AzureCloud" {
                target["cloud"] = .string(arm.cloud)
            }
            target["auth"] = .string(arm.auth)
        }
        let config: JSONValue = [
            "apiVersion": "apimsync/v1", "kind": "Config",
            "spec": [
                "resources": ["resources"],
                "environments": .object(JSONObject([(environment.name, ["target": .object(target)])])),
                "prune": ["enabled": false, "maxDeletes": 10],
            ],
        ]
        return "# Exported by apimsync export. Prune stays off until you set prune.owns.\n"
            + YAMLEmitter.emit(DesiredStateRenderer.node(config))
    }
}

/// The export of one state: documents per kind, policy and specification files, notes.
private struct Exporter {
    let live: State
    let definitions: [String: String]
    var files: [ManifestExporter.File] = []
    var notes: [String] = []

    init(live: State, definitions: [String: String]) {
        self.live = live
        self.definitions = definitions
    }

    mutating func run() {
        var documents: [String: [YAMLNode]] = [:]
        func add(_ file: String, _ kind: String, _ name: String, _ spec: JSONObject) {
            let document: JSONValue = [
                "apiVersion": "apimsync/v1", "kind": .string(kind), "metadata": ["name": .string(name)],
                "spec": .object(spec),
            ]
            documents["resources/\(file).yaml", default: []].append(DesiredStateRenderer.node(document))
        }
        if let policy = live[ResourceID(.servicePolicy)] {
            let path = policyFile(policy, "global")
            add("service-policy", "ServicePolicy", "policy", JSONObject([("policyFile", .string(path))]))
        }
        typealias SpecBuilder = (inout Exporter, Resource) -> JSONObject
        // Kind by kind, in the order manifests.md documents them; each API gets a file of its own.
        let kinds: [(kind: ResourceKind, file: String, name: String, spec: SpecBuilder)] = [
            (.namedValue, "named-values", "NamedValue", { $0.namedValue($1) }),
            (.backend, "backends", "Backend", { $0.backend($1) }),
            (.policyFragment, "policy-fragments", "PolicyFragment", { $0.fragment($1) }),
            (.logger, "loggers", "Logger", { $0.logger($1) }),
            (.diagnostic, "diagnostics", "Diagnostic", { $0.diagnostic($1.properties) }),
            (.apiVersionSet, "api-version-sets", "ApiVersionSet", { Self.fields($1, of: ApiVersionSetKind.schema) }),
            (.api, "apis", "Api", { $0.api($1) }),
            (.product, "products", "Product", { $0.product($1) }),
            (.subscription, "subscriptions", "Subscription", { Self.subscription($1) }),
            (.tag, "tags", "Tag", { Self.fields($1, of: TagKind.schema) }),
            (.group, "groups", "Group", { Self.fields($1, of: GroupKind.schema) }),
        ]
        for entry in kinds {
            for resource in live.resources(of: entry.kind) {
                let file = entry.kind == .api ? "apis/\(resource.id.name)" : entry.file
                add(file, entry.name, resource.id.name, entry.spec(&self, resource))
            }
        }
        for (path, nodes) in documents {
            files.append(ManifestExporter.File(path: path, contents: YAMLEmitter.emit(documents: nodes)))
        }
    }

    /// Writes a policy document to `policies/<name>.xml` and returns that path, relative to `resources/`'s parent.
    mutating func policyFile(_ policy: Resource, _ name: String) -> String {
        let path = "policies/\(name).xml"
        var text = policy.properties["value"]?.stringValue ?? ""
        if !text.hasSuffix("\n") { text += "\n" }
        files.append(ManifestExporter.File(path: path, contents: text))
        return path
    }

    mutating func fragment(_ resource: Resource) -> JSONObject {
        var spec = Self.fields(resource, of: PolicyFragmentKind.schema)
        spec["policyFile"] = .string(policyFile(resource, "fragments/\(resource.id.name)"))
        return spec
    }

    static func subscription(_ resource: Resource) -> JSONObject {
        var spec = fields(resource, of: SubscriptionKind.schema)
        if let scope = resource.properties["scope"]?.stringValue { spec["scope"] = .string(relativeScope(scope)) }
        return spec
    }

    mutating func namedValue(_ resource: Resource) -> JSONObject {
        var spec = Self.fields(resource, of: NamedValueKind.schema)
        spec["value"] = nil
        if let keyVault = resource.properties["keyVault"]?.objectValue, let identifier = keyVault["secretIdentifier"] {
            var reference = JSONObject([("secretIdentifier", identifier)])
            if let client = keyVault["identityClientId"], client != .null { reference["identityClientId"] = client }
            spec["keyVault"] = .object(reference)
        } else if resource.properties["secret"]?.boolValue == true {
            let variable = ManifestExporter.environmentVariable(for: resource.id.name)
            spec["valueFrom"] = ["env": .string(variable)]
            notes.append("named value '\(resource.id.name)' is secret: set \(variable) where apimsync runs")
        } else {
            spec["value"] = resource.properties["value"] ?? ""
        }
        return spec
    }

    func backend(_ resource: Resource) -> JSONObject {
        var spec = Self.fields(resource, of: BackendKind.schema)
        if let services = resource.properties["pool"]?["services"]?.arrayValue {
            spec["type"] = "Pool"
            spec["pool"] = .array(
                services.map { service in
                    var member = JSONObject([("backend", .string(Self.name(of: service["id"]?.stringValue ?? "")))])
                    if let priority = service["priority"], priority != .null { member["priority"] = priority }
                    if let weight = service["weight"], weight != .null { member["weight"] = weight }
                    return .object(member)
                })
        }
        return spec
    }

    mutating func logger(_ resource: Resource) -> JSONObject {
        let spec = Self.fields(resource, of: LoggerKind.schema)
        let masked = (spec["credentials"]?.objectValue ?? JSONObject()).contains {
            $0.value.stringValue?.hasPrefix("{{Logger-Credentials") == true
        }
        if masked {
            notes.append(
                "logger '\(resource.id.name)': APIM returns its credentials masked; point spec.credentials at a "
                    + "secret named value (e.g. \"{{\(resource.id.name)-connection-string}}\") before applying")
        }
        return spec
    }

    func diagnostic(_ properties: JSONValue) -> JSONObject {
        var spec = Self.fields(properties, of: ObjectSchema(CommonFields.diagnostic))
        if let logger = properties["loggerId"]?.stringValue { spec["loggerId"] = .string(Self.name(of: logger)) }
        return spec
    }

    mutating func api(_ resource: Resource) -> JSONObject {
        let name = resource.id.name
        var spec = Self.fields(resource, of: ApiKind.schema)
        if let versionSet = resource.properties["apiVersionSetId"]?.stringValue {
            spec["apiVersionSet"] = .string(Self.name(of: versionSet))
        }
        if let revision = resource.properties["apiRevision"]?.stringValue.flatMap({ Int($0) }), revision > 1 {
            spec["revision"] = ["number": .number(Double(revision))]
        }
        if let definition = definitions[name] {
            let path = "specs/\(name).json"
            files.append(
                ManifestExporter.File(path: path, contents: definition.hasSuffix("\n") ? definition : definition + "\n")
            )
            spec["specification"] = ["file": .string(path), "format": "openapi+json"]
        }
        if let policy = live[ResourceID(.apiPolicy, name)] {
            spec["policyFile"] = .string(policyFile(policy, "apis/\(name)"))
        }
        var operations = JSONObject()
        for policy in live.resources(of: .apiOperationPolicy) where policy.id.names[0] == name {
            let operation = policy.id.names[1]
            operations[operation] = ["policyFile": .string(policyFile(policy, "apis/\(name)/\(operation)"))]
        }
        if !operations.isEmpty { spec["operations"] = .object(operations) }
        var diagnostics = JSONObject()
        for child in live.resources(of: .apiDiagnostic) where child.id.names[0] == name {
            diagnostics[child.id.names[1]] = .object(diagnostic(child.properties))
        }
        if !diagnostics.isEmpty { spec["diagnostics"] = .object(diagnostics) }
        let tags = live.resources(of: .apiTag).filter { $0.id.names[0] == name }.map {
            JSONValue.string($0.id.names[1])
        }
        if !tags.isEmpty { spec["tags"] = .array(tags) }
        return spec
    }

    mutating func product(_ resource: Resource) -> JSONObject {
        let name = resource.id.name
        var spec = Self.fields(resource, of: ProductKind.schema)
        let apis = live.resources(of: .productApi).filter { $0.id.names[0] == name }.map {
            JSONValue.string($0.id.names[1])
        }
        if !apis.isEmpty { spec["apis"] = .array(apis) }
        let groups = live.resources(of: .productGroup).filter { $0.id.names[0] == name }
            .map { JSONValue.string($0.id.names[1]) }
        if !groups.isEmpty { spec["groups"] = .array(groups) }
        if let policy = live[ResourceID(.productPolicy, name)] {
            spec["policyFile"] = .string(policyFile(policy, "products/\(name)"))
        }
        return spec
    }

    /// The live properties a kind's schema names, without nulls; policy and reference fields are set by the caller.
    static func fields(_ resource: Resource, of schema: ObjectSchema) -> JSONObject {
        fields(resource.properties, of: schema)
    }

    static func fields(_ properties: JSONValue, of schema: ObjectSchema) -> JSONObject {
        let derived: Set<String> = [
            "policy", "policyFile", "specification", "operations", "diagnostics", "tags", "apis", "groups", "pool",
            "apiVersionSet", "scope",
        ]
        var spec = JSONObject()
        for field in schema.fields where !derived.contains(field.name) {
            guard let value = properties[field.name], value != .null else { continue }
            spec[field.name] = value
        }
        if let tags = properties["tags"]?.arrayValue, schema.fields.contains(where: { $0.name == "tags" }) {
            spec["tags"] = .array(tags)
        }
        return spec
    }

    /// The last segment of an ARM id (`/subscriptions/…/loggers/appinsights` → `appinsights`).
    static func name(of id: String) -> String {
        String(id.split(separator: "/").last ?? Substring(id))
    }

    /// A subscription scope as manifests write it: `products/<p>`, `apis/<a>` or `apis`.
    static func relativeScope(_ scope: String) -> String {
        let segments = scope.split(separator: "/").map(String.init)
        if let index = segments.lastIndex(where: { $0 == "products" || $0 == "apis" }) {
            return segments[index...].joined(separator: "/")
        }
        return scope
    }
}
