import Model

/// A reference from one resource to another, found in a manifest or inside a policy document, checked once
/// every manifest is loaded.
struct Reference: Sendable, Hashable {
    enum Target: Sendable, Hashable {
        case resource(ResourceID)
        /// A `{{name}}` reference: named values are found by display name, not by id.
        case namedValue(displayName: String)
        /// An operation of an API: operations come from the API's specification, so they are found there.
        case operation(api: String, operation: String)
        /// Any entity of a kind (a semantic cache needs some external cache).
        case anyOf(ResourceKind)
    }

    var from: ResourceID
    var target: Target
    /// What makes the reference, for messages: "pool member", "backend-id in <set-backend-service>".
    var role: String
    var location: SourceLocation
    /// Whether an unresolved target is an error; otherwise a warning that it must already exist in APIM.
    var required = true
}
