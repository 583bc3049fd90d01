import Foundation
import Model

extension LocalGateway {
    /// The statements the local gateway runs; any other is reported with its place, never skipped.
    public static let supportedStatements: [String] = [
        "base", "set-header", "set-query-parameter", "set-variable", "set-body", "set-status", "set-method",
        "rewrite-uri", "choose", "return-response", "mock-response", "include-fragment", "set-backend-service",
        "forward-request", "retry", "authentication-managed-identity", "rate-limit", "rate-limit-by-key", "quota",
        "quota-by-key", "llm-token-limit", "azure-openai-token-limit", "llm-emit-token-metric",
        "azure-openai-emit-token-metric", "cache-lookup-value", "cache-store-value", "cache-remove-value", "cors",
        "check-header", "ip-filter", "trace", "llm-semantic-cache-lookup", "azure-openai-semantic-cache-lookup",
        "llm-semantic-cache-store", "azure-openai-semantic-cache-store",
    ]

    /// Runs one statement.
    func execute(_ element: PolicyElement, policy: CompiledPolicy, scope: Int, _ run: PolicyRun) async throws {
        run.trace.append(TraceEntry(statement: element.name, location: location(policy, element)))
        do {
            try await dispatch(element, policy: policy, scope: scope, run)
        } catch var failure as PolicyFailure {
            if failure.policyID.isEmpty { failure.policyID = policy.id }
            if failure.scope.isEmpty { failure.scope = Self.scopeName(scope, run) }
            throw failure
        }
    }

    private static func scopeName(_ scope: Int, _ run: PolicyRun) -> String {
        switch scope {
        case 0: "global"
        case 1: "product"
        case 2: "api"
        default: "operation"
        }
    }

    private func dispatch(_ element: PolicyElement, policy: CompiledPolicy, scope: Int, _ run: PolicyRun) async throws {
        switch element.name {
        case "base":
            // https://learn.microsoft.com/azure/api-management/api-management-howto-policies#apply-policies-specified-at-different-scopes
            try await runSection(run.section, scope: scope - 1, run)
        case "set-header": try setHeader(element, policy, run)
        case "set-query-parameter": try setQueryParameter(element, policy, run)
        case "set-variable":
            // https://learn.microsoft.com/azure/api-management/set-variable-policy
            let name = try required("name", of: element, policy: policy, run)
            guard let value = try attribute("value", of: element, policy: policy, run) else {
                throw UnsupportedFeature(message: "<set-variable> at \(location(policy, element)) has no 'value'")
            }
            run.setVariable(name, value)
        case "set-body": try setBody(element, policy, run)
        case "set-status":
            // https://learn.microsoft.com/azure/api-management/set-status-policy
            let code = try integer("code", of: element, policy: policy, run) ?? 200
            let reason = try string("reason", of: element, policy: policy, run) ?? HTTPReason.phrase(code)
            var response = run.response ?? ResponseState(status: 200, reason: "OK", headers: HeaderFields(), body: [])
            response.status = code
            response.reason = reason
            run.response = response
        case "set-method":
            // https://learn.microsoft.com/azure/api-management/set-method-policy
            run.method = try content(of: element, policy: policy, run, trimming: true).csharpString.uppercased()
        case "rewrite-uri": try rewriteURI(element, policy, run)
        case "choose":
            // https://learn.microsoft.com/azure/api-management/choose-policy
            for branch in element.elements {
                if branch.name == "when" {
                    guard let condition = branch.attribute("condition") else {
                        throw UnsupportedFeature(message: "<when> at \(location(policy, branch)) has no condition")
                    }
                    let value = try evaluate(
                        condition.value, line: condition.line, column: condition.column, element: branch,
                        policy: policy, run)
                    guard case .bool(let taken) = ExpressionInterpreter.scalar(value) else {
                        throw PolicyFailure(
                            source: "choose", reason: "ExpressionValueEvaluationFailure",
                            message: "The condition at \(location(policy, branch)) is not a bool.", status: 500)
                    }
                    if taken {
                        try await runStatements(branch.elements, policy: policy, scope: scope, run)
                        return
                    }
                } else if branch.name == "otherwise" {
                    try await runStatements(branch.elements, policy: policy, scope: scope, run)
                    return
                }
            }
        case "return-response": try await returnResponse(element, policy: policy, scope: scope, run)
        case "mock-response":
            // https://learn.microsoft.com/azure/api-management/mock-response-policy — the local gateway has no
            // response examples: the body is empty.
            let status = try integer("status-code", of: element, policy: policy, run) ?? 200
            let type = try string("content-type", of: element, policy: policy, run) ?? "application/json"
            run.response = ResponseState(
                status: status, reason: HTTPReason.phrase(status), headers: HeaderFields([("Content-Type", type)]),
                body: [])
            throw PipelineReturn()
        case "include-fragment":
            // https://learn.microsoft.com/azure/api-management/include-fragment-policy
            let id = try required("fragment-id", of: element, policy: policy, run)
            guard let fragment = compiledFragments[id.lowercased()], let root = fragment.root else {
                throw PolicyFailure(
                    source: "include-fragment", reason: "FragmentNotFound",
                    message: "Policy fragment '\(id)' was not found.", status: 500)
            }
            if let problem = fragment.problems.first {
                throw UnsupportedFeature(
                    message: "the fragment \(fragment.file):\(problem.line):\(problem.column) is not well formed: "
                        + problem.message)
            }
            guard run.fragmentDepth < 16 else {
                throw UnsupportedFeature(
                    message: "fragments include each other more than 16 deep at \(location(policy, element))")
            }
            run.fragmentDepth += 1
            defer { run.fragmentDepth -= 1 }
            try await runStatements(root.elements, policy: fragment, scope: scope, run)
        case "set-backend-service": try setBackendService(element, policy, run)
        case "forward-request": try await forwardRequest(element, policy, run)
        case "retry": try await retry(element, policy: policy, scope: scope, run)
        case "authentication-managed-identity": try authenticationManagedIdentity(element, policy, run)
        case "rate-limit", "rate-limit-by-key": try rateLimit(element, policy, run)
        case "quota", "quota-by-key": try quota(element, policy, run)
        case "llm-token-limit", "azure-openai-token-limit": try tokenLimit(element, policy, run)
        case "llm-emit-token-metric", "azure-openai-emit-token-metric": try emitTokenMetric(element, policy, run)
        case "cache-lookup-value", "cache-store-value", "cache-remove-value": try cacheValue(element, policy, run)
        case "llm-semantic-cache-lookup", "azure-openai-semantic-cache-lookup":
            try semanticCacheLookup(element, policy, run)
        case "llm-semantic-cache-store", "azure-openai-semantic-cache-store":
            try semanticCacheStore(element, policy, run)
        case "cors": try cors(element, policy, run)
        case "check-header": try checkHeader(element, policy, run)
        case "ip-filter": try ipFilter(element, policy, run)
        case "trace":
            // https://learn.microsoft.com/azure/api-management/trace-policy
            let message = try element.elements.first { $0.name == "message" }.map {
                try content(of: $0, policy: policy, run, trimming: true).csharpString
            }
            run.trace[run.trace.count - 1].note =
                "source=\(element.attribute("source")?.value ?? "")"
                + (message.map { " message=\($0)" } ?? "")
        default:
            throw UnsupportedFeature(
                message:
                    "statement <\(element.name)> at \(location(policy, element)) is not supported by the local gateway")
        }
    }

    // MARK: - Messages

    /// https://learn.microsoft.com/azure/api-management/set-header-policy
    private func setHeader(_ element: PolicyElement, _ policy: CompiledPolicy, _ run: PolicyRun) throws {
        let name = try required("name", of: element, policy: policy, run)
        let action = try string("exists-action", of: element, policy: policy, run) ?? "override"
        let values = try element.elements.filter { $0.name == "value" }.map {
            try content(of: $0, policy: policy, run, trimming: true).csharpString
        }
        func apply(_ headers: inout HeaderFields) {
            switch action {
            case "delete": headers.remove(name)
            case "skip": if !headers.contains(name) { headers.set(name, values) }
            case "append":
                for value in values { headers.append(name, value) }
            default: headers.set(name, values.isEmpty ? [""] : values)
            }
        }
        guard ["override", "skip", "append", "delete"].contains(action) else {
            throw UnsupportedFeature(message: "exists-action '\(action)' at \(location(policy, element)) is not valid")
        }
        if run.inResponseSection {
            var response = run.response ?? ResponseState(status: 200, reason: "OK", headers: HeaderFields(), body: [])
            apply(&response.headers)
            run.response = response
        } else {
            apply(&run.headers)
        }
    }

    /// https://learn.microsoft.com/azure/api-management/set-query-parameter-policy
    private func setQueryParameter(_ element: PolicyElement, _ policy: CompiledPolicy, _ run: PolicyRun) throws {
        let name = try required("name", of: element, policy: policy, run)
        let action = try string("exists-action", of: element, policy: policy, run) ?? "override"
        let values = try element.elements.filter { $0.name == "value" }.map {
            try content(of: $0, policy: policy, run, trimming: true).csharpString
        }
        let exists = run.query.contains { $0.0 == name }
        switch action {
        case "delete": run.query.removeAll { $0.0 == name }
        case "skip": if !exists { run.query += values.map { (name, $0) } }
        case "append": run.query += values.map { (name, $0) }
        default:
            if let first = run.query.firstIndex(where: { $0.0 == name }) {
                run.query.removeAll { $0.0 == name }
                run.query.insert(contentsOf: values.map { (name, $0) }, at: min(first, run.query.count))
            } else {
                run.query += values.map { (name, $0) }
            }
        }
    }

    /// https://learn.microsoft.com/azure/api-management/set-body-policy
    private func setBody(_ element: PolicyElement, _ policy: CompiledPolicy, _ run: PolicyRun) throws {
        if let template = element.attribute("template")?.value, template == "liquid" {
            throw UnsupportedFeature(
                message: "Liquid templates (<set-body template=\"liquid\"> at \(location(policy, element))) are not "
                    + "supported by the local gateway")
        }
        if element.attribute("xsi-nil") != nil || element.attribute("parse-date") != nil {
            throw UnsupportedFeature(
                message: "<set-body> attributes at \(location(policy, element)) are not supported by the local gateway")
        }
        let value = try content(of: element, policy: policy, run, trimming: false)
        let bytes: [UInt8]
        switch value {
        case .bytes(let raw): bytes = raw
        case .json(let json): bytes = Array(JSONText.write(json).utf8)
        default: bytes = Array(value.csharpString.utf8)
        }
        if run.inResponseSection {
            var response = run.response ?? ResponseState(status: 200, reason: "OK", headers: HeaderFields(), body: [])
            response.body = bytes
            response.bodyConsumed = false
            run.response = response
        } else {
            run.body = bytes
            run.bodyConsumed = false
        }
    }

    /// https://learn.microsoft.com/azure/api-management/rewrite-uri-policy
    private func rewriteURI(_ element: PolicyElement, _ policy: CompiledPolicy, _ run: PolicyRun) throws {
        var template = try required("template", of: element, policy: policy, run)
        let copyUnmatched = try boolean("copy-unmatched-params", of: element, policy: policy, run) ?? true
        for (name, value) in run.match.parameters {
            template = template.replacingOccurrences(of: "{\(name)}", with: value)
        }
        let parts = template.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var path = String(parts.first ?? "/")
        if !path.hasPrefix("/") { path = "/" + path }
        var query = parts.count > 1 ? GatewayRequest.parseQuery(String(parts[1])) : []
        if copyUnmatched {
            let templated = Set(
                (run.match.operation?.urlTemplate.split(separator: "?", maxSplits: 1).dropFirst().first ?? "")
                    .split(separator: "&").compactMap { $0.split(separator: "=").first.map(String.init) })
            for pair in run.query where !templated.contains(pair.0) && !query.contains(where: { $0.0 == pair.0 }) {
                query.append(pair)
            }
        }
        run.relativePath = path
        run.query = query
    }

    /// https://learn.microsoft.com/azure/api-management/return-response-policy
    private func returnResponse(
        _ element: PolicyElement, policy: CompiledPolicy, scope: Int, _ run: PolicyRun
    ) async throws {
        if element.attribute("response-variable-name") != nil {
            throw UnsupportedFeature(
                message: "response-variable-name at \(location(policy, element)) is not supported by the local gateway")
        }
        let section = run.section
        run.response = ResponseState(status: 200, reason: "OK", headers: HeaderFields(), body: [])
        run.section = "outbound"
        defer { run.section = section }
        for child in element.elements {
            guard ["set-status", "set-header", "set-body"].contains(child.name) else {
                throw UnsupportedFeature(
                    message: "<\(child.name)> at \(location(policy, child)) cannot appear in <return-response>")
            }
            try await execute(child, policy: policy, scope: scope, run)
        }
        throw PipelineReturn()
    }
}
