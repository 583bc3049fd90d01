extension ResourceKind {
    /// A certificate, referenced from Key Vault (backends use it for client certificates).
    public static let certificate = ResourceKind(declaring: "Certificate")
}

extension KindDescriptor {
    static let certificate = KindDescriptor(
        .certificate, path: "certificates/{}",
        // Only a Key Vault reference: a PFX and its password never belong in git.
        managedFields: ["keyVault"],
        specDefinition: "CertificateCreateOrUpdateParameters",
        exportFile: "certificates")
}
