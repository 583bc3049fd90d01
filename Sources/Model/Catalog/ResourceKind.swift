/// A kind of APIM entity apimsync knows, named as manifests and plans name it (`Backend`, `ApiPolicy`, …).
///
/// Kinds users write as manifests (`Api`, `Backend`, …) and the child entities they expand into (`ApiPolicy`,
/// `ProductApi`, …) share one list, so the planner and the client treat them alike. Everything apimsync knows
/// about a kind — its ARM path, fields, defaults, references — is in its ``KindDescriptor``, reached through
/// ``descriptor``; the kinds themselves are declared beside their descriptors in `Catalog/Kinds/`.
public struct ResourceKind: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The kind's name (`Backend`).
    public let rawValue: String

    /// A kind declared in the catalogue; `nil` for a name the catalogue does not know.
    public init?(rawValue: String) {
        guard KindCatalog.descriptorsByName[rawValue] != nil else { return nil }
        self.rawValue = rawValue
    }

    /// Declares a kind; only the catalogue's kind files call this.
    init(declaring name: String) {
        self.rawValue = name
    }

    /// What the catalogue says about this kind.
    public var descriptor: KindDescriptor {
        guard let descriptor = KindCatalog.descriptorsByName[rawValue] else {
            preconditionFailure("kind \(rawValue) is declared but not registered in KindCatalog.all")
        }
        return descriptor
    }

    /// Every kind, in catalogue order (which follows dependencies).
    public static var allCases: [ResourceKind] { KindCatalog.kinds }

    public var description: String { rawValue }

    /// ARM path template relative to `…/service/{serviceName}/`; `{}` stands for one name segment.
    public var pathTemplate: String { descriptor.pathTemplate }

    /// How many name segments an id of this kind has (0 for the service policy).
    public var nameCount: Int { descriptor.nameCount }

    /// Whether this kind is a policy document at a scope (stored with `format` and `value`, named `policy`).
    public var isPolicy: Bool { descriptor.shape == .policy }

    /// Whether this kind is an association without properties of its own (PUT with no body, no ETag).
    public var isLink: Bool { descriptor.shape == .association }

    /// The top-level kind whose entity owns entities of this kind: deleting an API deletes its operations,
    /// policies, diagnostics and tag links; deleting a product its links and policy. `nil` for top-level kinds.
    public var owningKind: ResourceKind? { descriptor.owningKind }

    /// The order kinds are listed in: catalogue order, which follows dependencies.
    public static func < (lhs: ResourceKind, rhs: ResourceKind) -> Bool {
        (KindCatalog.order[lhs.rawValue] ?? .max) < (KindCatalog.order[rhs.rawValue] ?? .max)
    }
}
