import Crypto
import Foundation
import ManagementClient
import Model
import Planner

/// Where secret named values come from at apply time — the process environment and files beside the
/// repository — and their SHA-256 digests, so plans compare secrets without holding them. The executor never
/// reads secrets itself: it is handed the values this resolves.
public struct SecretResolver: Sendable {
    /// The folder relative secret files are read from (the configuration's folder).
    public var baseDirectory: String
    public var environment: [String: String]
    /// Give a secret that is not available here an announced placeholder (the embedded emulator, which is not
    /// Azure, so the quick start runs without real secrets).
    public var placeholders: Bool

    public init(
        configPath: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        placeholders: Bool = false
    ) {
        self.baseDirectory = (configPath as NSString).deletingLastPathComponent
        self.environment = environment
        self.placeholders = placeholders
    }

    public static func digest(_ value: String) -> String {
        SHA256.hash(data: Data(value.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The value a secret source yields now, or `nil` when it is not available here.
    public func value(of source: SecretSource) -> String? {
        switch source {
        case .environment(let name): return environment[name]
        case .file(let path):
            let full = path.hasPrefix("/") || baseDirectory.isEmpty ? path : baseDirectory + "/" + path
            guard let data = FileManager.default.contents(atPath: full) else { return nil }
            var text = String(decoding: data, as: UTF8.self)
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            return text
        }
    }

    /// The secrets a plan's writes need.
    public struct Values: Sendable {
        /// The secret values of each resource a change writes, by property path.
        public var values: [ResourceID: [String: String]] = [:]
        /// Secrets given a placeholder (embedded emulator only), to be announced.
        public var placeheld: [(id: ResourceID, source: SecretSource)] = []
        /// Secrets a change needs that are not available here: the plan must not be applied.
        public var missing: [(id: ResourceID, source: SecretSource)] = []
    }

    /// The values apply sends for the secret named values `plan` creates or updates.
    public func values(for plan: Plan, desired: State) -> Values {
        var result = Values()
        for change in plan.changes where change.action != .delete {
            for (path, source) in (desired[change.id]?.secrets ?? [:]).sorted(by: { $0.key < $1.key }) {
                if let value = value(of: source) {
                    result.values[change.id, default: [:]][path] = value
                } else if placeholders {
                    result.values[change.id, default: [:]][path] = "emulator-placeholder-\(change.id.name)"
                    result.placeheld.append((change.id, source))
                } else {
                    result.missing.append((change.id, source))
                }
            }
        }
        return result
    }

    /// The digest of a resource's secret values (of the value itself when there is one, as `listValue` returns
    /// it; of every `path=value` otherwise); `nil` when one is not available here.
    func digest(of resource: Resource) -> String? {
        var values: [String] = []
        for (path, source) in resource.secrets.sorted(by: { $0.key < $1.key }) {
            guard let value = value(of: source) else { return nil }
            values.append(resource.secrets.count == 1 ? value : path + "=" + value)
        }
        return values.isEmpty ? nil : Self.digest(values.joined(separator: "\n"))
    }

    /// Digests of the desired secrets available here and, with `checkLive`, of the live ones that APIM lets a
    /// client read back (`listValue` of a secret named value).
    public func digests(desired: State, live: State, client: ARMClient, checkLive: Bool) async -> SecretDigests {
        var result = SecretDigests(checked: checkLive)
        let secrets = desired.resources.values.filter { !$0.secrets.isEmpty }.sorted { $0.id < $1.id }
        for resource in secrets {
            result.desired[resource.id] = digest(of: resource)
        }
        guard checkLive else { return result }
        await withTaskGroup(of: (ResourceID, String?).self) { group in
            for resource in secrets
            where live[resource.id] != nil && resource.id.kind.descriptor.secretField != nil
                && resource.secrets.keys.sorted() == [resource.id.kind.descriptor.secretField]
            {
                group.addTask {
                    let value = try? await client.listValue(namedValue: resource.id.name)
                    return (resource.id, value.map(Self.digest))
                }
            }
            for await (id, digest) in group { if let digest { result.live[id] = digest } }
        }
        return result
    }
}
