/// One APIM entity as apimsync sees it: desired (from manifests) or live (read from APIM).
///
/// `properties` holds the ARM `properties` object as APIM spells it, except that references to other
/// entities use service-relative ids (`backends/x`) rather than full ARM ids.
public struct Resource: Sendable, Hashable {
    /// What apimsync may do with a resource, from the `apimsync/reconcile` annotation.
    public enum ReconcileMode: String, Sendable, Hashable, CaseIterable {
        /// Create, update and (with prune) delete it.
        case manage
        /// Read and report it, never write it.
        case skip
        /// Stop managing it and never delete it.
        case orphan
    }

    public var id: ResourceID
    public var properties: JSONValue
    /// Where the resource was declared (the manifest's `kind:` line).
    public var origin: SourceLocation?
    public var reconcile: ReconcileMode
    /// The macro that generated this resource, e.g. `OpenAIGateway/aoai`.
    public var generatedBy: String?
    /// Where each secret value comes from at apply time, by property path (`value`, `connectionString`,
    /// `oauth2.grantTypes.clientCredentials.clientSecret`); the values themselves never enter the model.
    public var secrets: [String: SecretSource]
    /// The API definition to import, for APIs.
    public var specification: APISpecification?
    /// Entities this one needs to exist first.
    public var dependencies: Set<ResourceID>
    /// The ETag APIM reported, for live resources.
    public var etag: String?

    public init(
        id: ResourceID, properties: JSONValue = .object(JSONObject()), origin: SourceLocation? = nil,
        reconcile: ReconcileMode = .manage, generatedBy: String? = nil, secrets: [String: SecretSource] = [:],
        specification: APISpecification? = nil, dependencies: Set<ResourceID> = [], etag: String? = nil
    ) {
        self.id = id
        self.properties = properties
        self.origin = origin
        self.reconcile = reconcile
        self.generatedBy = generatedBy
        self.secrets = secrets
        self.specification = specification
        self.dependencies = dependencies
        self.etag = etag
    }
}

/// Where a secret named value's value is read from when it is applied.
public enum SecretSource: Sendable, Hashable, CustomStringConvertible {
    case environment(String)
    case file(String)

    public var description: String {
        switch self {
        case .environment(let name): "env:\(name)"
        case .file(let path): "file:\(path)"
        }
    }
}

/// An API definition to import: its ARM content format and the document text.
public struct APISpecification: Sendable, Hashable {
    /// The ARM import format (`openapi`, `openapi+json`, `swagger-json`, …).
    public var format: String
    /// The document as text.
    public var content: String
    /// The file it came from, relative to the configuration.
    public var file: String
    /// The operations an import of the document creates (computed when the manifests are loaded).
    public var operations: [OpenAPIImport.Operation]

    public init(format: String, content: String, file: String, operations: [OpenAPIImport.Operation] = []) {
        self.format = format
        self.content = content
        self.file = file
        self.operations = operations
    }
}
