extension ResourceKind {
    /// An external cache (Azure Cache for Redis, Redis Enterprise) the gateway uses for `cache-*` and semantic
    /// caching policies.
    public static let cache = ResourceKind(declaring: "Cache")
}

extension KindDescriptor {
    static let cache = KindDescriptor(
        .cache, path: "caches/{}",
        managedFields: ["description", "connectionString", "useFromLocation", "resourceId"],
        // The connection string holds the cache's access key: it comes from the environment or a file at apply
        // time, never from git, and is compared by digest.
        secretField: "connectionString",
        specDefinition: "CacheContract",
        exportFile: "caches")
}
