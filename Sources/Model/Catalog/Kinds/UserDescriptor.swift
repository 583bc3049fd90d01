extension ResourceKind {
    /// A user of the developer portal: owner of subscriptions, member of groups.
    public static let user = ResourceKind(declaring: "User")
    /// A user's membership of a group.
    public static let groupUser = ResourceKind(declaring: "GroupUser")
}

extension KindDescriptor {
    static let user = KindDescriptor(
        .user, path: "users/{}",
        managedFields: ["firstName", "lastName", "email", "state", "note"],
        defaults: ["state": "active"],
        // Every service has the administrator, user 1, who owns the built-in subscriptions.
        builtInNames: [["1"]],
        specDefinition: "UserCreateParameters",
        exportFile: "users")

    static let groupUser = KindDescriptor(
        .groupUser, path: "groups/{}/users/{}", shape: .association,
        nameReferences: [NameReference(index: 1, to: .user)])
}
