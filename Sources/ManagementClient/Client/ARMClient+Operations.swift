import Model

/// Generic operations on service-relative ARM paths.
extension ARMClient {
    /// Whether a POST action may be repeated after a 5xx or a dropped connection.
    public enum ActionSafety: Sendable {
        /// A read in effect (`listValue`, `listSecrets`, `listReferences`): retried like a GET.
        case readOnly
        /// Changes state (`regeneratePrimaryKey`, …): retried only after 429 and 409
        /// `PessimisticConcurrencyConflict`, which ARM did not process.
        case nonIdempotent
    }

    /// `GET path`; throws ``ARMError`` (code `notFound` on 404).
    public func get(_ path: String, query: [(String, String)] = []) async throws -> ARMResponse {
        try await send(
            ARMRequest(
                method: "GET", url: url(path: path, query: query), operation: "GET \(path)",
                resource: path, requestClass: .read, idempotent: true))
    }

    /// `GET path`, or nil when the entity does not exist (404).
    public func getIfExists(_ path: String, query: [(String, String)] = []) async throws -> ARMResponse? {
        let response = try await send(
            ARMRequest(
                method: "GET", url: url(path: path, query: query), operation: "GET \(path)",
                resource: path, requestClass: .read, idempotent: true, acceptedStatuses: [404]))
        return response.status == 404 ? nil : response
    }

    /// `HEAD path`: 200 with the ETag, or 204 for association checks; throws `notFound` on 404.
    public func head(_ path: String) async throws -> ARMResponse {
        try await send(
            ARMRequest(
                method: "HEAD", url: url(path: path), operation: "HEAD \(path)", resource: path,
                requestClass: .read, idempotent: true))
    }

    /// Whether `HEAD path` finds the entity (200/204) rather than 404.
    public func exists(_ path: String) async throws -> Bool {
        let response = try await send(
            ARMRequest(
                method: "HEAD", url: url(path: path), operation: "HEAD \(path)", resource: path,
                requestClass: .read, idempotent: true, acceptedStatuses: [404]))
        return response.status != 404
    }

    /// Every item of a collection, following `nextLink` verbatim until it is absent.
    ///
    /// - Parameters:
    ///   - collectionPath: e.g. `apis/echo/operations`.
    ///   - filter: An OData `$filter`.
    ///   - top: `$top`, the page size to ask for.
    ///   - query: Further query items.
    public func list(
        _ collectionPath: String, filter: String? = nil, top: Int? = nil, query: [(String, String)] = []
    ) async throws -> [JSONValue] {
        var values: [JSONValue] = []
        var cursor: PageCursor? = firstPage(collectionPath, filter: filter, top: top, query: query)
        while let current = cursor {
            let page = try await self.page(current)
            values += page.values
            cursor = page.next
        }
        return values
    }

    /// Where a collection starts, for reading it a page at a time with ``page(_:)``. Makes no request.
    public func firstPage(
        _ collectionPath: String, filter: String? = nil, top: Int? = nil, query: [(String, String)] = []
    ) -> PageCursor {
        var items = query
        if let filter { items.append(("$filter", filter)) }
        if let top { items.append(("$top", String(top))) }
        let request = ARMRequest(
            method: "GET", url: url(path: collectionPath, query: items), operation: "GET \(collectionPath)",
            resource: collectionPath, requestClass: .read, idempotent: true)
        return PageCursor(collectionPath: collectionPath, request: request, seenLinks: [])
    }

    /// One page of a collection, and the cursor of the next when ARM returned a `nextLink`. Next pages go ahead
    /// of queued requests: whoever reads a list waits for its end.
    public func page(_ cursor: PageCursor) async throws -> CollectionPage {
        let request = cursor.request
        let page = try await send(request)
        guard let body = page.body, let values = body["value"]?.arrayValue else {
            throw ARMError(
                code: .invalidResponse, operation: request.operation, resource: cursor.collectionPath,
                status: page.status, message: "the collection response has no `value` array",
                requestID: page.requestID, clientRequestID: page.clientRequestID)
        }
        guard let link = body["nextLink"]?.stringValue, !link.isEmpty else {
            return CollectionPage(values: values, next: nil)
        }
        try checkSameOrigin(link, request: request, what: "nextLink")
        var next = cursor
        guard next.seenLinks.insert(link).inserted else {
            throw ARMError(
                code: .invalidResponse, operation: request.operation, resource: cursor.collectionPath,
                message: "nextLink repeats a page already read", requestID: page.requestID)
        }
        next.request.url = link
        next.request.operation = "GET \(cursor.collectionPath) (next page)"
        next.request.urgent = true
        return CollectionPage(values: values, next: next)
    }

    /// `PUT path` with a JSON body, completing a long-running operation if ARM starts one.
    ///
    /// - Parameters:
    ///   - body: The whole request body (`{"properties": …}`), or nil for associations.
    ///   - ifMatch: An ETag (or `*`); a stale one throws `preconditionFailed` (412), never retried.
    public func put(
        _ path: String, body: JSONValue?, ifMatch: String? = nil, query: [(String, String)] = []
    ) async throws -> ARMResponse {
        let request = ARMRequest(
            method: "PUT", url: url(path: path, query: query), operation: "PUT \(path)", resource: path,
            body: body.map { Array($0.serialized().utf8) }, ifMatch: ifMatch, requestClass: .write, idempotent: true)
        return try await completeLongRunning(request, initial: try await send(request), resourcePath: path)
    }

    /// `PATCH path` with a JSON body; `If-Match` is required by ARM (`*` for unconditional).
    public func patch(
        _ path: String, body: JSONValue, ifMatch: String = "*", query: [(String, String)] = []
    ) async throws -> ARMResponse {
        let request = ARMRequest(
            method: "PATCH", url: url(path: path, query: query), operation: "PATCH \(path)", resource: path,
            body: Array(body.serialized().utf8), ifMatch: ifMatch, requestClass: .write, idempotent: true)
        return try await completeLongRunning(request, initial: try await send(request), resourcePath: path)
    }

    /// `DELETE path`; 200, 204 (already gone) and a completed 202 all succeed.
    public func delete(
        _ path: String, ifMatch: String? = "*", query: [(String, String)] = []
    ) async throws -> ARMResponse {
        let request = ARMRequest(
            method: "DELETE", url: url(path: path, query: query), operation: "DELETE \(path)", resource: path,
            ifMatch: ifMatch, requestClass: .delete, idempotent: true)
        return try await completeLongRunning(request, initial: try await send(request), resourcePath: path)
    }

    /// `POST path/action`, e.g. `listValue`; completes a long-running operation if ARM starts one.
    public func post(
        _ path: String, action: String, body: JSONValue? = nil, safety: ActionSafety,
        query: [(String, String)] = []
    ) async throws -> ARMResponse {
        let full = path.isEmpty ? action : path + "/" + action
        let request = ARMRequest(
            method: "POST", url: url(path: full, query: query), operation: "POST \(full)", resource: path,
            body: body.map { Array($0.serialized().utf8) }, requestClass: .write,
            idempotent: safety == .readOnly)
        return try await completeLongRunning(request, initial: try await send(request), resourcePath: nil)
    }
}
