import APIMSpec
import Foundation
import Model

/// What a data plane beside the emulator reads: every entity as the management API shows it, plus the values a
/// gateway needs that reads hide.
extension EmulatorStore {
    /// Changes whenever an entity is written or removed.
    func liveRevision() -> String { "\(state.rowVersion):\(state.entities.count)" }

    /// Every entity as a GET at the newest api-version renders it (`{id, name, properties}`, policies in `rawxml`),
    /// with the values reads hide — named values' values (secret ones too) and subscriptions' keys — and each
    /// product's APIs as `products/{p}/apis/{a}` entries, whichever of APIM's two forms linked them.
    func liveEntities() -> [JSONValue] {
        let asked = requestVersion
        requestVersion = APIVersion.all.last ?? asked
        defer { requestVersion = asked }
        var out: [JSONValue] = []
        for entity in state.entities.values.sorted(by: { $0.seq < $1.seq })
        where !entity.kind.isAssociation && !entity.kind.isLink {
            guard case .object(var object) = envelope(entity, rawxml: entity.kind.readsPolicyFormat) else { continue }
            var properties = object["properties"]?.objectValue ?? JSONObject()
            for name in ["value", "primaryKey", "secondaryKey"] {
                if let hidden = entity.hidden[name] { properties[name] = hidden }
            }
            object["properties"] = .object(properties)
            out.append(.object(object))
        }
        for product in state.all(kind: .products) {
            for api in associatedTargets(.productApis, parentKey: product.key) {
                let name = Self.splitApiName(api.name).base
                out.append(
                    .object(
                        JSONObject([
                            ("id", .string("\(armId(product.key))/apis/\(name)")), ("name", .string(name)),
                            ("properties", .object(JSONObject())),
                        ])))
            }
        }
        return out
    }
}

/// A read-only view of a running emulator's state, for a data plane that serves what was applied
/// (`apimsync emulator --gateway-port`, `apimsync test`).
public struct EmulatorLiveState: Sendable {
    let store: EmulatorStore

    /// A value that changes whenever an entity is written or removed.
    public func revision() async -> String { await store.liveRevision() }

    /// Every entity as the management API shows it (`{id, name, properties}`, policies in `rawxml`), with named
    /// values' values and subscriptions' keys, and products' APIs as `products/{p}/apis/{a}` entries.
    public func entities() async -> [JSONValue] { await store.liveEntities() }
}
