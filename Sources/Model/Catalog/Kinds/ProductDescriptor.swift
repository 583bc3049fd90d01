extension ResourceKind {
    /// A product: APIs offered together, with subscriptions and a policy.
    public static let product = ResourceKind(declaring: "Product")
    /// An API of a product.
    public static let productApi = ResourceKind(declaring: "ProductApi")
    /// A group that may see a product.
    public static let productGroup = ResourceKind(declaring: "ProductGroup")
    /// The policy of a product.
    public static let productPolicy = ResourceKind(declaring: "ProductPolicy")
}

extension KindDescriptor {
    static let product = KindDescriptor(
        .product, path: "products/{}",
        managedFields: [
            "displayName", "description", "terms", "subscriptionRequired", "approvalRequired", "subscriptionsLimit",
            "state",
        ],
        defaults: ["subscriptionRequired": true, "approvalRequired": false, "state": "notPublished"],
        builtInNames: [["starter"], ["unlimited"]],
        specDefinition: "ProductContract",
        exportFile: "products")

    static let productApi = KindDescriptor(
        .productApi, path: "products/{}/apis/{}", shape: .association,
        nameReferences: [NameReference(index: 1, to: .api)])

    static let productGroup = KindDescriptor(
        .productGroup, path: "products/{}/groups/{}", shape: .association,
        nameReferences: [NameReference(index: 1, to: .group)])

    static let productPolicy = KindDescriptor(.productPolicy, path: "products/{}/policies/policy", shape: .policy)
}
