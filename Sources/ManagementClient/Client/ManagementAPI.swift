import Model

/// The writes the executor makes, as a protocol: `ARMClient` is the real one; tests substitute a recorder to
/// check ordering, failure isolation and locks without sockets.
public protocol ManagementAPI: Sendable {
    /// `/subscriptions/…/service/{name}`: the prefix of every full ARM id in request bodies.
    var servicePath: String { get }
    /// Creates or replaces the entity at the service-relative `path`; `body` is nil for associations.
    func write(_ path: String, body: JSONValue?, ifMatch: String?) async throws
    /// Deletes the entity at the service-relative `path`; a missing entity is success.
    func remove(_ path: String, ifMatch: String?) async throws
}

extension ARMClient: ManagementAPI {
    public var servicePath: String { configuration.servicePath }

    public func write(_ path: String, body: JSONValue?, ifMatch: String?) async throws {
        _ = try await put(path, body: body, ifMatch: ifMatch)
    }

    public func remove(_ path: String, ifMatch: String?) async throws {
        _ = try await delete(path, ifMatch: ifMatch)
    }
}
