extension ResourceKind {
    /// A reusable `<fragment>` included by policies with `<include-fragment>`.
    public static let policyFragment = ResourceKind(declaring: "PolicyFragment")
}

extension KindDescriptor {
    static let policyFragment = KindDescriptor(
        .policyFragment, path: "policyFragments/{}", holdsPolicyDocument: true,
        managedFields: ["description", "value"],
        specDefinition: "PolicyFragmentContract",
        exportFile: "policy-fragments")
}
