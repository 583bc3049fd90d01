extension ResourceKind {
    /// A backend: a single service (`url` + `protocol`) or a load-balanced pool of backends.
    public static let backend = ResourceKind(declaring: "Backend")
}

extension KindDescriptor {
    static let backend = KindDescriptor(
        .backend, path: "backends/{}",
        managedFields: [
            "type", "url", "protocol", "title", "description", "resourceId", "credentials", "circuitBreaker", "tls",
            "proxy", "pool",
        ],
        defaults: ["type": "Single", "tls": ["validateCertificateChain": true, "validateCertificateName": true]],
        references: [PropertyReference("pool.services[].id", to: .backend)],
        specDefinition: "BackendContract",
        exportFile: "backends")
}
