extension ResourceKind {
    /// An APIM tag entity (not an ARM tag).
    public static let tag = ResourceKind(declaring: "Tag")
}

extension KindDescriptor {
    static let tag = KindDescriptor(
        .tag, path: "tags/{}", managedFields: ["displayName"], specDefinition: "TagCreateUpdateParameters",
        exportFile: "tags")
}
