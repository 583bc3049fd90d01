extension ResourceKind {
    /// The global ("All APIs") policy.
    public static let servicePolicy = ResourceKind(declaring: "ServicePolicy")
}

extension KindDescriptor {
    static let servicePolicy = KindDescriptor(
        .servicePolicy, path: "policies/policy", shape: .policy, exportFile: "service-policy")
}
