import Model

/// Where the next page of a collection is: the first request, or the `nextLink` the previous page returned.
public struct PageCursor: Sendable {
    /// The collection, e.g. `apis/echo/operations`, for logs and errors.
    public let collectionPath: String
    var request: ARMClient.ARMRequest
    /// The `nextLink`s followed so far: a repeated one is an error rather than an endless loop.
    var seenLinks: Set<String>
}

/// One page of a collection.
public struct CollectionPage: Sendable {
    /// The page's items, as ARM returned them.
    public var values: [JSONValue]
    /// The next page, or nil after the last.
    public var next: PageCursor?
}
