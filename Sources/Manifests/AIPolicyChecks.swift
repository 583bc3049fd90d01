import Foundation
import Model

/// Checks of the AI-gateway policy statements, from their Microsoft Learn pages: what APIM would refuse, or what
/// would silently not do what the author meant.
enum AIPolicyChecks {
    /// A problem found, at an element.
    struct Problem: Equatable {
        var severity: Diagnostic.Severity
        var message: String
        var element: PolicyScan.Element
    }

    static let lookups = ["llm-semantic-cache-lookup", "azure-openai-semantic-cache-lookup"]
    static let tokenLimits = ["llm-token-limit", "azure-openai-token-limit"]

    /// The section (`inbound` …) an element is in, if it is in one.
    static func section(of element: PolicyScan.Element) -> String? {
        guard element.ancestors.first == "policies", element.ancestors.count >= 2 else { return nil }
        return element.ancestors[1]
    }

    static func problems(in scan: PolicyScan, root: String) -> [Problem] {
        var problems: [Problem] = []
        let elements = scan.elements
        for element in elements where lookups.contains(element.name) {
            let store = element.name.replacingOccurrences(of: "-lookup", with: "-store")
            // learn.microsoft.com/azure/api-management/llm-semantic-cache-lookup-policy: inbound only, once per
            // section, and only with the matching store policy.
            if root == "policies", let section = section(of: element), section != "inbound" {
                problems.append(
                    Problem(
                        severity: .error,
                        message: "<\(element.name)> can be used only in <inbound>, found in <\(section)>",
                        element: element))
            }
            if root == "policies", !elements.contains(where: { $0.name == store }) {
                problems.append(
                    Problem(
                        severity: .error,
                        message: "<\(element.name)> has no matching <\(store)> in <outbound>: responses would never "
                            + "be cached", element: element))
            }
            let inSameSection = elements.filter { $0.name == element.name && $0.ancestors == element.ancestors }
            if inSameSection.count > 1, inSameSection.first == element {
                problems.append(
                    Problem(
                        severity: .error, message: "<\(element.name)> can be used only once in a policy section",
                        element: inSameSection[1]))
            }
            if let auth = element.attribute("embeddings-backend-auth"), auth.value != "system-assigned",
                !auth.isExpression
            {
                problems.append(
                    Problem(
                        severity: .error,
                        message: "'embeddings-backend-auth' must be 'system-assigned' (the only value APIM accepts), "
                            + "found '\(auth.value)'", element: element))
            }
            // A lookup before <base /> answers from the cache before the scopes above (authentication, rate
            // limits) have run.
            if let base = elements.first(where: { $0.name == "base" && $0.ancestors == element.ancestors }),
                (element.line, element.column) < (base.line, base.column)
            {
                problems.append(
                    Problem(
                        severity: .warning,
                        message: "<\(element.name)> runs before <base />: a cached answer is returned before the "
                            + "policies of the scopes above (authentication, rate limits) run", element: element))
            }
        }
        for element in elements where element.name.hasSuffix("-semantic-cache-store") {
            if root == "policies", let section = section(of: element), section != "outbound" {
                problems.append(
                    Problem(
                        severity: .error,
                        message: "<\(element.name)> can be used only in <outbound>, found in <\(section)>",
                        element: element))
            }
        }
        for element in elements where tokenLimits.contains(element.name) {
            // learn.microsoft.com/azure/api-management/llm-token-limit-policy: tokens-per-minute, or token-quota
            // with token-quota-period, or both.
            let rate = element.attribute("tokens-per-minute")
            let quota = element.attribute("token-quota")
            let period = element.attribute("token-quota-period")
            if rate == nil, quota == nil {
                problems.append(
                    Problem(
                        severity: .error,
                        message: "<\(element.name)> needs 'tokens-per-minute' or 'token-quota' (with "
                            + "'token-quota-period'): without either it limits nothing", element: element))
            } else if (quota == nil) != (period == nil) {
                problems.append(
                    Problem(
                        severity: .error,
                        message: "<\(element.name)> needs 'token-quota' and 'token-quota-period' together",
                        element: element))
            }
        }
        return problems
    }
}
