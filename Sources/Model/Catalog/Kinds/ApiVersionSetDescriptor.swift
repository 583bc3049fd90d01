extension ResourceKind {
    /// A set of versions of one API (by path segment, query parameter or header).
    public static let apiVersionSet = ResourceKind(declaring: "ApiVersionSet")
}

extension KindDescriptor {
    static let apiVersionSet = KindDescriptor(
        .apiVersionSet, path: "apiVersionSets/{}",
        managedFields: ["displayName", "versioningScheme", "description", "versionQueryName", "versionHeaderName"],
        specDefinition: "ApiVersionSetContract",
        exportFile: "api-version-sets")
}
