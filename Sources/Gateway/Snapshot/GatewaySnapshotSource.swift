import Foundation
import Model

/// Where a running gateway reads its configuration: the management emulator beside it, or any ARM endpoint. The
/// gateway asks for the revision before each request and rebuilds its snapshot only when it changed; counters,
/// circuit breakers, caches and scripts are kept across changes.
public protocol GatewaySnapshotSource: Sendable {
    /// A value that changes whenever the configuration does (a write counter, an ETag).
    func revision() async -> String
    func snapshot() async -> GatewaySnapshot
}

/// A source over ARM entities (`{id, name, properties}`), the thin adapter for a management endpoint.
public struct ARMEntitiesSource: GatewaySnapshotSource {
    private let currentRevision: @Sendable () async -> String
    private let entities: @Sendable () async -> [JSONValue]
    private let sources: @Sendable () async -> [String: PolicySource]

    /// - Parameters:
    ///   - revision: changes whenever an entity does.
    ///   - entities: every entity the gateway needs (secret named values with their values, subscriptions with
    ///     their keys).
    ///   - sources: where policies came from, by service-relative policy id.
    public init(
        revision: @escaping @Sendable () async -> String, entities: @escaping @Sendable () async -> [JSONValue],
        sources: @escaping @Sendable () async -> [String: PolicySource] = { [:] }
    ) {
        currentRevision = revision
        self.entities = entities
        self.sources = sources
    }

    public func revision() async -> String { await currentRevision() }

    public func snapshot() async -> GatewaySnapshot {
        GatewaySnapshot(armEntities: await entities(), sources: await sources())
    }
}
