import Model

/// Typed operations by ``ResourceID`` and ``ResourceKind``, derived from `ResourceKind.pathTemplate` alone.
extension ARMClient {
    /// Policies and policy fragments are read as raw XML (`format=rawxml`), the format apimsync writes them in, so
    /// they round-trip as written.
    private func readQuery(_ kind: ResourceKind) -> [(String, String)] {
        kind.descriptor.holdsPolicyDocument ? [("format", "rawxml")] : []
    }

    /// `GET` one entity (policies and fragments with `format=rawxml`).
    public func get(_ id: ResourceID) async throws -> ARMResponse {
        try await get(id.armPath, query: readQuery(id.kind))
    }

    /// `GET` one entity, or nil when it does not exist.
    public func getIfExists(_ id: ResourceID) async throws -> ARMResponse? {
        try await getIfExists(id.armPath, query: readQuery(id.kind))
    }

    /// Whether the entity exists (`HEAD`).
    public func exists(_ id: ResourceID) async throws -> Bool {
        try await exists(id.armPath)
    }

    /// Creates or replaces an entity: body `{"properties": properties}`; associations (`kind.isLink`) are sent
    /// without a body or If-Match.
    public func put(_ id: ResourceID, properties: JSONValue?, ifMatch: String? = nil) async throws -> ARMResponse {
        if id.kind.isLink { return try await put(id.armPath, body: nil, ifMatch: nil) }
        let body: JSONValue = .object(JSONObject([("properties", properties ?? .object(JSONObject()))]))
        return try await put(id.armPath, body: body, ifMatch: ifMatch)
    }

    /// Updates some properties of an entity: body `{"properties": properties}`.
    public func patch(_ id: ResourceID, properties: JSONValue, ifMatch: String = "*") async throws -> ARMResponse {
        let body: JSONValue = .object(JSONObject([("properties", properties)]))
        return try await patch(id.armPath, body: body, ifMatch: ifMatch)
    }

    /// Deletes an entity (associations without If-Match); a missing entity (204) is success.
    public func delete(
        _ id: ResourceID, ifMatch: String? = "*", query: [(String, String)] = []
    ) async throws
        -> ARMResponse
    {
        try await delete(id.armPath, ifMatch: id.kind.isLink ? nil : ifMatch, query: query)
    }

    /// The collection path of a kind under its parents, e.g. `(.apiOperation, ["echo"])` → `apis/echo/operations`.
    ///
    /// - Throws: ``ARMError`` (`invalidRequest`) when `parents` does not match the kind's template.
    public static func collectionPath(_ kind: ResourceKind, parents: [String]) throws(ARMError) -> String {
        var segments = kind.pathTemplate.split(separator: "/").map(String.init)
        segments.removeLast()
        let slots = segments.filter { $0 == "{}" }.count
        guard slots == parents.count else {
            throw ARMError(
                code: .invalidRequest, operation: "list \(kind.rawValue)",
                message: "\(kind.rawValue) is listed under \(slots) parent name(s), got \(parents.count)")
        }
        var remaining = parents[...]
        return segments.map { $0 == "{}" ? (remaining.popFirst() ?? "") : $0 }.joined(separator: "/")
    }

    /// Every entity of a kind under its parents (e.g. `list(.apiOperation, parents: ["echo"])`), all pages.
    public func list(
        _ kind: ResourceKind, parents: [String] = [], filter: String? = nil, top: Int? = nil
    ) async throws -> [JSONValue] {
        try await list(Self.collectionPath(kind, parents: parents), filter: filter, top: top)
    }

    /// Where the collection of a kind under its parents starts, for reading it a page at a time.
    public func firstPage(_ kind: ResourceKind, parents: [String] = []) throws(ARMError) -> PageCursor {
        firstPage(try Self.collectionPath(kind, parents: parents))
    }

    /// The value of a named value, secret or not (`POST namedValues/{id}/listValue`). Never logged.
    public func listValue(namedValue name: String) async throws -> String {
        let id = ResourceID(.namedValue, name)
        let response = try await post(id.armPath, action: "listValue", safety: .readOnly)
        guard let value = response.body?["value"]?.stringValue else {
            throw ARMError(
                code: .invalidResponse, operation: "POST \(id.armPath)/listValue", resource: id.armPath,
                status: response.status, message: "the response has no string `value`",
                requestID: response.requestID, clientRequestID: response.clientRequestID)
        }
        return value
    }

    /// The keys of a subscription (`POST subscriptions/{sid}/listSecrets`). Never logged.
    public func listSecrets(subscription sid: String) async throws -> SubscriptionKeys {
        let id = ResourceID(.subscription, sid)
        let response = try await post(id.armPath, action: "listSecrets", safety: .readOnly)
        return SubscriptionKeys(
            primaryKey: response.body?["primaryKey"]?.stringValue,
            secondaryKey: response.body?["secondaryKey"]?.stringValue)
    }
}

/// A subscription's keys; its description never shows them.
public struct SubscriptionKeys: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public var primaryKey: String?
    public var secondaryKey: String?

    public init(primaryKey: String?, secondaryKey: String?) {
        self.primaryKey = primaryKey
        self.secondaryKey = secondaryKey
    }

    public var description: String { "SubscriptionKeys(<redacted>)" }
    public var debugDescription: String { description }
}
