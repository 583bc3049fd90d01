import Crypto
import Foundation
import ManagementClient
import Model
import Planner

/// Computes SHA-256 digests of secret named values — the values apply would send (from the environment or a
/// file) and, with `--check-secrets`, the live ones (`listValue`) — so plans compare secrets without holding them.
public enum SecretDigester {
    public static func digest(_ value: String) -> String {
        SHA256.hash(data: Data(value.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The value a secret source yields now, or `nil` when it is not available here.
    public static func value(of source: SecretSource, configPath: String, environment: [String: String]) -> String? {
        switch source {
        case .environment(let name): return environment[name]
        case .file(let path):
            let base = (configPath as NSString).deletingLastPathComponent
            let full = path.hasPrefix("/") || base.isEmpty ? path : base + "/" + path
            guard let data = FileManager.default.contents(atPath: full) else { return nil }
            var text = String(decoding: data, as: UTF8.self)
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            return text
        }
    }

    /// The values apply sends for the secret named values `plan` writes. A secret not available here is left
    /// out (its write fails), unless `placeholders` (the embedded emulator, which is not Azure): then it gets a
    /// placeholder value and is listed in `placeheld`, so the caller can say so.
    public static func values(
        for plan: Plan, desired: State, configPath: String, placeholders: Bool,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> (values: [ResourceID: String], placeheld: [(id: ResourceID, source: SecretSource)]) {
        var values: [ResourceID: String] = [:]
        var placeheld: [(id: ResourceID, source: SecretSource)] = []
        for change in plan.changes where change.action != .delete {
            guard let source = desired[change.id]?.secret else { continue }
            if let value = value(of: source, configPath: configPath, environment: environment) {
                values[change.id] = value
            } else if placeholders {
                values[change.id] = "emulator-placeholder-\(change.id.name)"
                placeheld.append((change.id, source))
            }
        }
        return (values, placeheld)
    }

    public static func digests(
        desired: State, live: State, client: ARMClient, checkLive: Bool, configPath: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async -> SecretDigests {
        var result = SecretDigests(checked: checkLive)
        let secrets = desired.resources(of: .namedValue).filter { $0.secret != nil }
        for resource in secrets {
            guard let source = resource.secret,
                let value = value(of: source, configPath: configPath, environment: environment)
            else { continue }
            result.desired[resource.id] = digest(value)
        }
        guard checkLive else { return result }
        await withTaskGroup(of: (ResourceID, String?).self) { group in
            for resource in secrets where live[resource.id] != nil {
                group.addTask {
                    let value = try? await client.listValue(namedValue: resource.id.name)
                    return (resource.id, value.map(digest))
                }
            }
            for await (id, digest) in group { if let digest { result.live[id] = digest } }
        }
        return result
    }
}
