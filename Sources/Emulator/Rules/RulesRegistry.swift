/// The rules of every kind that has some, in one list; a kind without an entry behaves as the spec says.
enum RulesRegistry {
    static let all: [any EntityRules] = [
        PolicyRules(), PolicyFragmentRules(), ApiRules(), OperationRules(), DiagnosticRules(), ReleaseRules(),
        TagDescriptionRules(), BackendRules(), NamedValueRules(), LoggerRules(), ApiVersionSetRules(), ProductRules(),
        GroupRules(), SubscriptionRules(), LinkRules(), ApiRevisionsView(), ApiProductsView(),
        ProductSubscriptionsView(), AllPoliciesView(), CacheRules(), UserRules(), UserGroupsView(),
        UserSubscriptionsView(), CertificateRules(), AuthorizationProviderRules(), AuthorizationRules(), ToolRules(),
    ]

    static let byKind: [EntityKind: any EntityRules] = {
        var rules: [EntityKind: any EntityRules] = [:]
        for entry in all {
            for kind in entry.kinds {
                precondition(rules[kind] == nil, "two rules types claim \(kind)")
                rules[kind] = entry
            }
        }
        return rules
    }()
}

/// The rules of a kind that behaves exactly as its spec says.
struct SpecOnlyRules: EntityRules {
    var kinds: [EntityKind] { [] }
}

extension EntityKind {
    /// This kind's rules (the spec's behaviour when it has none of its own).
    var rules: any EntityRules { RulesRegistry.byKind[self] ?? SpecOnlyRules() }
}
