extension ResourceKind {
    /// A subscription: keys to call the APIs of its scope.
    public static let subscription = ResourceKind(declaring: "Subscription")
}

extension KindDescriptor {
    static let subscription = KindDescriptor(
        .subscription, path: "subscriptions/{}",
        managedFields: ["displayName", "scope", "state", "allowTracing", "ownerId"],
        defaults: ["state": "submitted", "allowTracing": false],
        references: [PropertyReference("scope", to: .product, .api), PropertyReference("ownerId", to: .user)],
        // Every service has the all-access `master` subscription (apim-rest.md §8).
        builtInNames: [["master"]],
        specDefinition: "SubscriptionCreateParameters",
        exportFile: "subscriptions")
}
