/// Everything apimsync knows about one kind of APIM entity, described once: where it lives in ARM, what it is,
/// which of its fields apimsync manages and what APIM fills in when a manifest leaves them out, what it refers
/// to, which entities every service has built in, how it is read and written, and how it is exported.
///
/// The planner, the executor, the live-state reader, the exporter and the reference resolver read these facts
/// instead of switching over kinds. Facts the official spec states (field types, lengths, enums) are not here:
/// they come from the spec data (`APIMSpec`), found through ``specDefinition``.
public struct KindDescriptor: Sendable {
    /// What kind of ARM resource it is.
    public enum Shape: Sendable, Hashable {
        /// An entity with properties of its own.
        case entity
        /// A policy document at a scope: `value` + `format`, always named `policy`.
        case policy
        /// An association without a body (`products/{p}/apis/{a}`): PUT with no body or `If-Match`, no ETag.
        case association
    }

    /// How the live-state reader learns about entities of this kind.
    public enum LiveRead: Sendable, Hashable {
        /// Listed from its collection (under its parent, for child kinds).
        case listed
        /// Named by `allPolicies`, its content read with a GET (`format=rawxml`).
        case policyScope
    }

    /// Which writes must not run at the same time.
    public enum WriteLock: Sendable, Hashable {
        /// Writes to one entity and to its children, one at a time (APIM answers 409 "Operation on the API is in
        /// progress" to a write that overlaps an API's long-running operation).
        case perEntity
        /// Updates that change this field, one at a time across the kind (renaming a named value makes APIM
        /// rewrite every policy's `{{references}}`, which races with other renames).
        case whenChanging(String)
    }

    /// A property that names another entity by a service-relative ARM id (`/loggers/appinsights`).
    public struct PropertyReference: Sendable, Hashable {
        /// The property's path: `loggerId`, or `pool.services[].id` for a field of every element of a list.
        public var path: String
        /// The kinds it may point to (a subscription's `scope` is a product or an API).
        public var targets: [ResourceKind]

        public init(_ path: String, to targets: ResourceKind...) {
            self.path = path
            self.targets = targets
        }
    }

    /// A name in the entity's own id that names another entity (`apis/{api}/tags/{tag}` names tag `{tag}`).
    public struct NameReference: Sendable, Hashable {
        /// Which name of the id (0 = the outermost).
        public var index: Int
        public var target: ResourceKind

        public init(index: Int, to target: ResourceKind) {
            self.index = index
            self.target = target
        }
    }

    public var kind: ResourceKind
    /// The ARM path relative to `…/service/{serviceName}/`; `{}` stands for one name segment.
    public var pathTemplate: String
    public var shape: Shape
    /// Whether `value` is a policy document, compared by meaning rather than text (policies and fragments).
    public var holdsPolicyDocument: Bool
    /// Created by APIM itself (operations, by an API import): apimsync never creates or deletes them on its own.
    public var derived: Bool
    /// The ARM properties apimsync manages; others (read-only, server-populated) never show up in a plan.
    public var managedFields: [String]
    /// APIM's value for a managed field a manifest leaves out: apply sends a full PUT, so a portal edit of such a
    /// field is drift that apply reverts.
    public var defaults: [String: JSONValue]
    /// Managed fields a manifest may leave out without meaning "APIM's default" (an API without a revision
    /// keeps whatever revision is current).
    public var comparedOnlyWhenSet: Set<String>
    /// Fields an API import fills from the specification when the manifest leaves them out.
    public var filledByImport: Set<String>
    /// The field holding a secret value that is never shown and is compared by digest (a named value's `value`).
    public var secretField: String?
    /// Fields APIM masks on read (logger credentials come back as `{{Logger-Credentials--…}}`): only their keys
    /// can be compared, and their values are never shown.
    public var maskedOnRead: Set<String>
    /// Properties that name other entities.
    public var references: [PropertyReference]
    /// Names in the id that name other entities.
    public var nameReferences: [NameReference]
    /// Entities every APIM service has (their names): never created, changed or deleted by apimsync.
    public var builtInNames: [[String]]
    /// The request body's definition in the official spec (`BackendContract`), for constraint checks and the
    /// api-version that introduced the kind.
    public var specDefinition: String?
    public var writeLock: WriteLock?
    public var liveRead: LiveRead
    /// The file (under `resources/`, without `.yaml`) export writes manifests of this kind to; `nil` when the
    /// kind is exported inside its parent's manifest.
    public var exportFile: String?

    public init(
        _ kind: ResourceKind, path pathTemplate: String, shape: Shape = .entity, holdsPolicyDocument: Bool? = nil,
        derived: Bool = false, managedFields: [String] = [], defaults: [String: JSONValue] = [:],
        comparedOnlyWhenSet: Set<String> = [], filledByImport: Set<String> = [], secretField: String? = nil,
        maskedOnRead: Set<String> = [], references: [PropertyReference] = [], nameReferences: [NameReference] = [],
        builtInNames: [[String]] = [], specDefinition: String? = nil, writeLock: WriteLock? = nil,
        liveRead: LiveRead? = nil, exportFile: String? = nil
    ) {
        self.kind = kind
        self.pathTemplate = pathTemplate
        self.shape = shape
        self.holdsPolicyDocument = holdsPolicyDocument ?? (shape == .policy)
        self.derived = derived
        self.managedFields = shape == .policy ? ["value"] : managedFields
        self.defaults = defaults
        self.comparedOnlyWhenSet = comparedOnlyWhenSet
        self.filledByImport = filledByImport
        self.secretField = secretField
        self.maskedOnRead = maskedOnRead
        self.references = references
        self.nameReferences = nameReferences
        self.builtInNames = builtInNames
        self.specDefinition = specDefinition ?? (shape == .policy ? "PolicyContract" : nil)
        self.writeLock = writeLock
        self.liveRead = liveRead ?? (shape == .policy ? .policyScope : .listed)
        self.exportFile = exportFile
    }

    /// How many name segments an id of this kind has (0 for the service policy).
    public var nameCount: Int { pathTemplate.split(separator: "/").filter { $0 == "{}" }.count }

    /// The ARM resource type, as APIM reports it in `type`.
    public var armType: String {
        let segments = pathTemplate.split(separator: "/").filter { $0 != "{}" && $0 != "policy" }
        return "Microsoft.ApiManagement/service/" + segments.joined(separator: "/")
    }

    /// The kind this one lives under (`ApiOperationPolicy` → `ApiOperation` → `Api`), derived from the path
    /// templates: the kind whose template is this one's without its last segment pair.
    public var parent: ResourceKind? { KindCatalog.parents[kind.rawValue] ?? nil }

    /// The top-level kind whose entity owns this one (deleting it deletes this); `nil` for top-level kinds.
    public var owningKind: ResourceKind? {
        var top = parent
        while let next = top?.descriptor.parent { top = next }
        return top
    }

    /// The kinds that live directly under this one, in catalogue order.
    public var children: [ResourceKind] { KindCatalog.kinds.filter { $0.descriptor.parent == kind } }

    /// Whether the kind has exactly one entity per service (the service policy).
    public var isSingleton: Bool { nameCount == 0 }

    /// The members of `object` that are managed fields of this kind, except those named.
    public func managedProperties(in object: JSONValue, except: Set<String> = []) -> JSONObject {
        var properties = JSONObject()
        for key in managedFields where !except.contains(key) {
            if let value = object[key] { properties[key] = value }
        }
        return properties
    }

    /// The built-in entities of this kind, as ids.
    public var builtIns: [ResourceID] { builtInNames.map { ResourceID(kind, names: $0) } }
}
