extension ResourceKind {
    /// A group of developer-portal users, linked to products.
    public static let group = ResourceKind(declaring: "Group")
}

extension KindDescriptor {
    static let group = KindDescriptor(
        .group, path: "groups/{}",
        managedFields: ["displayName", "description", "type", "externalId"],
        defaults: ["type": "custom"],
        // System groups every service has; they cannot be changed or deleted (apim-rest.md §10).
        builtInNames: [["administrators"], ["developers"], ["guests"]],
        specDefinition: "GroupCreateParameters",
        exportFile: "groups")
}
