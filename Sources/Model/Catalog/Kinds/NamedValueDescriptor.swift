extension ResourceKind {
    /// A named value, referenced from policies as `{{displayName}}`.
    public static let namedValue = ResourceKind(declaring: "NamedValue")
}

extension KindDescriptor {
    static let namedValue = KindDescriptor(
        .namedValue, path: "namedValues/{}",
        managedFields: ["displayName", "value", "secret", "tags", "keyVault"],
        defaults: ["secret": false, "tags": []],
        secretField: "value",
        specDefinition: "NamedValueCreateContract",
        writeLock: .whenChanging("displayName"),
        exportFile: "named-values")
}
