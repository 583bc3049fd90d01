/// One ARM operation on an APIM service, as the spec's path files describe it.
public struct SpecOperation: Sendable, Hashable {
    /// What the operation says about the `If-Match` header.
    public enum IfMatch: String, Sendable, Hashable {
        /// `IfMatchRequiredParameter`: an ETag or `*` must be sent.
        case required
        /// `IfMatchOptionalParameter`: not needed to create, needed to update.
        case optional
        /// The operation takes no `If-Match`.
        case none
    }

    /// One segment of `pathTemplate`.
    public enum Segment: Sendable, Hashable {
        /// A fixed segment such as `backends`.
        case literal(String)
        /// A path parameter such as `{backendId}`, by name.
        case parameter(String)
    }

    /// `GET`, `HEAD`, `PUT`, `PATCH`, `POST` or `DELETE`.
    public let method: String
    /// The path relative to `…/service/{serviceName}/`, such as `backends/{backendId}`.
    public let pathTemplate: String
    /// `pathTemplate` split at `/`.
    public let segments: [Segment]
    public let operationId: String
    /// `x-ms-long-running-operation`.
    public let isLongRunning: Bool
    /// `x-ms-pageable` (a list answered with `nextLink`).
    public let isPageable: Bool
    /// The definition of the request body, if the operation takes one.
    public let bodyDefinition: String?
    /// The 2xx status codes the spec lists, ascending.
    public let successStatusCodes: [Int]
    /// The success status codes whose response declares an `ETag` header.
    public let etagStatusCodes: [Int]
    public let ifMatch: IfMatch
    /// The body definition of each success response that has one.
    public let responseDefinitions: [Int: String]
    /// The path parameters after `{serviceName}`, in path order, with their constraints.
    public let pathParameters: [SpecPathParameter]
    /// Query parameters (`api-version` included), sorted by name.
    public let queryParameters: [SpecQueryParameter]
    /// Query items that select this operation on a shared path (`export=true` for `ApiExport_Get`).
    public let fixedQuery: [String: String]
    /// The first api-version that has the operation.
    public let since: APIVersion
    /// Where the facts come from: a vendored path file, or `paths-supplement.json#<source>`.
    public let source: String

    public init(
        method: String, pathTemplate: String, operationId: String, isLongRunning: Bool, isPageable: Bool,
        bodyDefinition: String?, successStatusCodes: [Int], etagStatusCodes: [Int], ifMatch: IfMatch,
        responseDefinitions: [Int: String], pathParameters: [SpecPathParameter], queryParameters: [SpecQueryParameter],
        fixedQuery: [String: String], since: APIVersion, source: String
    ) {
        self.method = method.uppercased()
        self.pathTemplate = pathTemplate
        self.segments = pathTemplate.split(separator: "/").map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}")
                ? .parameter(String(segment.dropFirst().dropLast())) : .literal(String(segment))
        }
        self.operationId = operationId
        self.isLongRunning = isLongRunning
        self.isPageable = isPageable
        self.bodyDefinition = bodyDefinition
        self.successStatusCodes = successStatusCodes
        self.etagStatusCodes = etagStatusCodes
        self.ifMatch = ifMatch
        self.responseDefinitions = responseDefinitions
        self.pathParameters = pathParameters
        self.queryParameters = queryParameters
        self.fixedQuery = fixedQuery
        self.since = since
        self.source = source
    }

    /// The path parameter named `name`.
    public func pathParameter(_ name: String) -> SpecPathParameter? { pathParameters.first { $0.name == name } }
}

/// A path parameter (an entity name such as `backendId`) with its constraints: a string type.
public struct SpecPathParameter: Sendable, Hashable {
    /// The name in the template (`backendId`).
    public let name: String
    /// A string type carrying the parameter's `minLength`, `maxLength`, `pattern` and `enum`.
    public let type: SpecType
}

/// A query parameter an operation takes.
public struct SpecQueryParameter: Sendable, Hashable {
    /// The query item's name (`api-version`, `$filter`, …).
    public let name: String
    /// Whether the operation requires it.
    public let isRequired: Bool
}

/// An operation matched to a concrete path, with the values of its path parameters.
public struct SpecOperationMatch: Sendable, Hashable {
    /// The operation the path belongs to.
    public let operation: SpecOperation
    /// Parameter name → the segment's value, percent-decoded (`apiId` → `a;rev=2`).
    public let parameters: [String: String]
}
