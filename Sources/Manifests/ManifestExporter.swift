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
        /// The api-version the service was read with (`target.apiVersion`); `nil` for the GA default.
        public var apiVersion: String?

        public init(name: String, target: Target, apiVersion: String? = nil) {
            self.name = name
            self.target = target
            self.apiVersion = apiVersion
        }
    }

    /// - Parameters:
    ///   - live: what to export (built-in entities already left out by the caller).
    ///   - definitions: each API's exported definition (OpenAPI 3 JSON), by API name.
    public static func export(_ live: State, definitions: [String: String], environment: Environment) -> Result {
        var exporter = Exporter(live: live, definitions: definitions)
        exporter.run()
        let files = exporter.files + [File(path: "apimsync.yaml", contents: configuration(environment))]
        return Result(files: files.sorted { $0.path < $1.path }, notes: exporter.notes)
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
        if let version = environment.apiVersion { target["apiVersion"] = .string(version) }
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

/// The export of one state: one document per live resource of every manifest kind, in the file its ARM kind's
/// descriptor names, plus the policy and specification files the kinds write.
private struct Exporter {
    var context: ExportContext

    init(live: State, definitions: [String: String]) {
        context = ExportContext(live: live, definitions: definitions)
    }

    var files: [ManifestExporter.File] { context.files }
    var notes: [String] { context.notes }

    mutating func run() {
        var documents: [String: [YAMLNode]] = [:]
        for manifestKind in ManifestKinds.all {
            guard let kind = manifestKind.resourceKind, let file = kind.descriptor.exportFile else { continue }
            for resource in context.live.resources(of: kind) {
                let spec = manifestKind.export(resource, into: &context)
                let name: String = kind.descriptor.isSingleton ? "policy" : resource.id.name
                let document: JSONValue = [
                    "apiVersion": "apimsync/v1", "kind": .string(manifestKind.kindName),
                    "metadata": ["name": .string(name)], "spec": .object(spec),
                ]
                let path = "resources/" + file.replacingOccurrences(of: "{}", with: resource.id.name) + ".yaml"
                documents[path, default: []].append(DesiredStateRenderer.node(document))
            }
        }
        for (path, nodes) in documents.sorted(by: { $0.key < $1.key }) {
            context.write(path, YAMLEmitter.emit(documents: nodes))
        }
    }
}
