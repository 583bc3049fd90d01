import Model

/// The policy statements APIM knows (learn.microsoft.com, "API Management policy reference"), to catch a misspelt
/// element offline. Only statements are checked: children of a section or a fragment, and of the statements that
/// hold statements (`when`, `otherwise`, `retry`, `wait`, `limit-concurrency`); the insides of a statement
/// (`<value>`, `<openid-config>` …) are not.
enum PolicyElements {
    static let statements: Set<String> = [
        // flow
        "base", "choose", "retry", "wait", "include-fragment", "return-response", "mock-response", "set-variable",
        "trace", "limit-concurrency", "forward-request", "proxy",
        // access restriction and authentication
        "check-header", "get-authorization-context", "ip-filter", "quota", "quota-by-key", "rate-limit",
        "rate-limit-by-key", "validate-azure-ad-token", "validate-jwt", "validate-client-certificate",
        "authentication-basic", "authentication-certificate", "authentication-managed-identity",
        // language models
        "llm-token-limit", "azure-openai-token-limit", "llm-emit-token-metric", "azure-openai-emit-token-metric",
        "llm-semantic-cache-lookup", "llm-semantic-cache-store", "azure-openai-semantic-cache-lookup",
        "azure-openai-semantic-cache-store", "llm-content-safety",
        // caching
        "cache-lookup", "cache-store", "cache-lookup-value", "cache-store-value", "cache-remove-value",
        // cross-domain
        "cors", "cross-domain", "jsonp",
        // integration and logging
        "send-request", "send-one-way-request", "log-to-eventhub", "emit-metric", "publish-to-dapr",
        "invoke-dapr-binding",
        // transformation and routing
        "set-backend-service", "set-body", "set-header", "set-query-parameter", "rewrite-uri", "set-method",
        "set-status", "json-to-xml", "xml-to-json", "find-and-replace", "redirect-content-urls", "xsl-transform",
        // validation
        "validate-content", "validate-parameters", "validate-headers", "validate-status-code",
        "validate-graphql-request", "validate-odata-request",
        // GraphQL resolvers
        "set-graphql-resolver", "http-data-source", "cosmosdb-data-source", "sql-data-source", "publish-event",
    ]

    /// Statements whose children are statements again.
    static let containers: Set<String> = ["when", "otherwise", "retry", "wait", "limit-concurrency"]

    static let sections: Set<String> = ["inbound", "backend", "outbound", "on-error"]

    /// What is wrong with `element` where it stands, if anything: an unknown statement (with a "did you mean"), or
    /// something other than `<when>` / `<otherwise>` inside `<choose>`.
    static func problem(_ element: PolicyScan.Element) -> String? {
        let ancestors = element.ancestors
        if ancestors.last == "choose" {
            return ["when", "otherwise"].contains(element.name)
                ? nil : "<choose> holds only <when> and <otherwise>, found <\(element.name)>"
        }
        let inSection = ancestors.count == 2 && ancestors[0] == "policies" && sections.contains(ancestors[1])
        let isStatement =
            inSection || ancestors == ["fragment"] || ancestors.last.map { containers.contains($0) } == true
        guard isStatement, !statements.contains(element.name) else { return nil }
        return "unknown policy <\(element.name)>" + Suggestions.hint(for: element.name, in: statements.sorted())
            + " (APIM would reject the document)"
    }
}
