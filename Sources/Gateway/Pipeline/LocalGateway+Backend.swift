import Foundation
import Model

extension LocalGateway {
    /// https://learn.microsoft.com/azure/api-management/set-backend-service-policy
    func setBackendService(_ element: PolicyElement, _ policy: CompiledPolicy, _ run: PolicyRun) throws {
        if let id = try string("backend-id", of: element, policy: policy, run) {
            guard snapshot.backend(id) != nil else {
                throw PolicyFailure(
                    source: "set-backend-service", reason: "BackendNotFound",
                    message: "Backend with id '\(id)' could not be found.", status: 500)
            }
            run.backendID = id
        } else if let url = try string("base-url", of: element, policy: policy, run) {
            run.baseURL = url
            run.backendID = nil
        } else {
            throw UnsupportedFeature(
                message: "<set-backend-service> at \(location(policy, element)) needs 'backend-id' or 'base-url' "
                    + "(Service Fabric backends are not supported by the local gateway)")
        }
    }

    /// https://learn.microsoft.com/azure/api-management/authentication-managed-identity-policy — the token is a
    /// recognisable fake the simulated Azure OpenAI accepts for `https://cognitiveservices.azure.com`.
    func authenticationManagedIdentity(_ element: PolicyElement, _ policy: CompiledPolicy, _ run: PolicyRun) throws {
        let resource = try required("resource", of: element, policy: policy, run)
        let clientID = try string("client-id", of: element, policy: policy, run)
        let token = SimulatedOpenAI.managedIdentityToken(resource: resource, clientID: clientID)
        if let variable = try string("output-token-variable-name", of: element, policy: policy, run) {
            run.setVariable(variable, .string(token))
        } else {
            run.headers.set("Authorization", "Bearer \(token)")
        }
    }

    /// https://learn.microsoft.com/azure/api-management/retry-policy
    func retry(_ element: PolicyElement, policy: CompiledPolicy, scope: Int, _ run: PolicyRun) async throws {
        guard let condition = element.attribute("condition") else {
            throw UnsupportedFeature(message: "<retry> at \(location(policy, element)) has no condition")
        }
        let count = try integer("count", of: element, policy: policy, run) ?? 0
        guard (0...50).contains(count) else {
            throw PolicyFailure(
                source: "retry", reason: "PolicyConfigurationError",
                message: "The retry count \(count) is not between 0 and 50.", status: 500)
        }
        let interval = try double("interval", of: element, policy: policy, run) ?? 0
        let maxInterval = try double("max-interval", of: element, policy: policy, run)
        let delta = try double("delta", of: element, policy: policy, run)
        let firstFast = try boolean("first-fast-retry", of: element, policy: policy, run) ?? false
        var retries = 0
        while true {
            var failure: PolicyFailure?
            do {
                try await runStatements(element.elements, policy: policy, scope: scope, run)
            } catch let error as PolicyFailure {
                failure = error
                run.lastError = error
            }
            let again: Bool
            if retries >= count {
                again = false
            } else if let failure {
                // After an error (no backend available, a timeout) the condition decides too; one that cannot be
                // evaluated without a response (`context.Response.StatusCode`) lets the error through.
                let value = try? evaluate(
                    condition.value, line: condition.line, column: condition.column, element: element, policy: policy,
                    run)
                again = value.map(ExpressionInterpreter.scalar) == .bool(true)
                if !again { throw failure }
            } else {
                let value = try evaluate(
                    condition.value, line: condition.line, column: condition.column, element: element, policy: policy,
                    run)
                guard case .bool(let flag) = ExpressionInterpreter.scalar(value) else {
                    throw PolicyFailure(
                        source: "retry", reason: "ExpressionValueEvaluationFailure",
                        message: "The retry condition is not a bool.", status: 500)
                }
                again = flag
            }
            guard again else {
                if let failure { throw failure }
                return
            }
            retries += 1
            // Waits: fixed `interval`; linear `interval + (n-1)·delta`; exponential `interval + (2^(n-1) − 1)·delta`
            // up to `max-interval` when both are given. `first-fast-retry` makes the first retry immediate.
            var wait = interval
            if let delta {
                wait =
                    maxInterval == nil
                    ? interval + Double(retries - 1) * delta
                    : min(interval + (pow(2, Double(retries - 1)) - 1) * delta, maxInterval ?? .infinity)
            }
            if firstFast && retries == 1 { wait = 0 }
            run.trace.append(
                TraceEntry(
                    statement: "retry", location: location(policy, element),
                    note: "attempt \(retries + 1) after \(ExpressionValue.format(wait))s"))
            await clock.sleep(seconds: wait)
        }
    }

    /// https://learn.microsoft.com/azure/api-management/forward-request-policy
    func forwardRequest(_ element: PolicyElement, _ policy: CompiledPolicy, _ run: PolicyRun) async throws {
        let timeout = try double("timeout", of: element, policy: policy, run) ?? 300
        let failOnError = try boolean("fail-on-error-status-code", of: element, policy: policy, run) ?? false
        for name in ["follow-redirects", "buffer-request-body", "buffer-response"] {
            _ = try boolean(name, of: element, policy: policy, run)
        }
        if element.attribute("http-version") != nil {
            throw UnsupportedFeature(
                message: "http-version at \(location(policy, element)) is not supported by the local gateway")
        }
        // The backend, or the pool member that serves this attempt.
        var served: GatewayBackend?
        var base = run.baseURL
        if let id = run.backendID {
            guard let backend = snapshot.backend(id) else {
                throw PolicyFailure(
                    source: "forward-request", reason: "BackendNotFound",
                    message: "Backend with id '\(id)' could not be found.", status: 500)
            }
            let chosen = try choose(backend)
            guard let url = chosen.url else {
                throw PolicyFailure(
                    source: "forward-request", reason: "BackendConnectionFailure",
                    message: "Backend '\(chosen.name)' has no URL.", status: 500)
            }
            served = chosen
            base = url
        }
        guard let components = URLComponents(string: base), let host = components.host else {
            throw PolicyFailure(
                source: "forward-request", reason: "BackendConnectionFailure",
                message: "The backend URL '\(base)' is not valid.", status: 500)
        }
        var headers = run.headers
        headers.remove("Host")
        headers.remove("Content-Length")
        var query = run.query
        if let backend = served {
            for (name, values) in backend.credentialHeaders {
                headers.set(name, values.map { CompiledPolicy.resolve($0, snapshot.namedValues) })
            }
            for (name, values) in backend.credentialQuery {
                query.removeAll { $0.0 == name }
                query += values.map { (name, CompiledPolicy.resolve($0, snapshot.namedValues)) }
            }
            if let resource = backend.managedIdentityResource {
                headers.set(
                    "Authorization", "Bearer " + SimulatedOpenAI.managedIdentityToken(resource: resource, clientID: nil)
                )
            }
        }
        let basePath =
            components.percentEncodedPath.hasSuffix("/")
            ? String(components.percentEncodedPath.dropLast()) : components.percentEncodedPath
        var call = BackendCall(
            backend: served?.name, method: run.method, host: host.lowercased(),
            path: basePath + (run.relativePath == "/" ? "" : run.relativePath), query: query, headers: headers,
            body: run.bodyConsumed ? [] : run.body)
        let scripted = scripts[call.host]?.next()
        let reply = SimulatedOpenAI.answer(
            call, scripted: scripted, region: scripts[call.host]?.region ?? SimulatedOpenAI.defaultRegion,
            now: clock.now(), id: random.guid())
        if reply.delay > timeout {
            await clock.sleep(seconds: timeout)
            call.status = 0
            calls.append(call)
            if let backend = served { recordOutcome(backend, status: nil, retryAfter: nil) }
            throw PolicyFailure(
                source: "forward-request", reason: "Timeout",
                message: "Request to the backend service timed out after \(ExpressionValue.format(timeout)) seconds.",
                status: 504)
        }
        await clock.sleep(seconds: reply.delay)
        call.status = reply.status
        calls.append(call)
        var responseHeaders = reply.headers
        if let backend = served {
            recordOutcome(
                backend, status: reply.status, retryAfter: reply.headers["Retry-After"].flatMap { Double($0) })
        }
        responseHeaders.set("x-apimsync-backend", served?.name ?? host)
        run.trace[run.trace.count - 1].note =
            "\(call.method) \(host)\(call.path) → \(reply.status)" + (served.map { " via \($0.name)" } ?? "")
        run.response = ResponseState(
            status: reply.status, reason: HTTPReason.phrase(reply.status), headers: responseHeaders, body: reply.body)
        try processHooks(run)
        if failOnError, reply.status >= 400 {
            throw PolicyFailure(
                source: "forward-request", reason: "BackendError",
                message: "The backend answered \(reply.status).", status: reply.status)
        }
    }

    /// A pool's member for this attempt: the lowest priority group with an available member, then by weight
    /// (https://learn.microsoft.com/azure/api-management/backends#load-balanced-pool). A tripped breaker takes its
    /// backend out; when nothing is left, the caller gets 503 (or the pool's `failureResponse`).
    private func choose(_ backend: GatewayBackend) throws -> GatewayBackend {
        let now = clock.now()
        func available(_ candidate: GatewayBackend) -> Bool {
            guard let until = breakers[candidate.name.lowercased()]?.trippedUntil else { return true }
            return now >= until
        }
        guard backend.isPool else {
            guard available(backend) else {
                throw PolicyFailure(
                    source: "forward-request", reason: "BackendUnavailable",
                    message: "The circuit breaker of backend '\(backend.name)' is open.", status: 503)
            }
            return backend
        }
        let members = backend.pool.compactMap { member -> (GatewayBackend, GatewayBackend.PoolMember)? in
            guard let resolved = snapshot.backend(member.backend), available(resolved) else { return nil }
            return (resolved, member)
        }
        guard let best = members.map(\.1.priority).min() else {
            throw PolicyFailure(
                source: "forward-request", reason: "BackendUnavailable",
                message: "No backend of pool '\(backend.name)' is available.", status: backend.poolFailureStatus ?? 503)
        }
        let group = members.filter { $0.1.priority == best }
        let total = group.reduce(0) { $0 + max($1.1.weight, 0) }
        guard total > 0 else { return group[0].0 }
        var pick = Int(random.next() % UInt64(total))
        for (candidate, member) in group {
            pick -= max(member.weight, 0)
            if pick < 0 { return candidate }
        }
        return group[group.count - 1].0
    }

    /// Counts a failure against each circuit-breaker rule of `backend`, tripping it when a rule's count is reached
    /// within its interval (https://learn.microsoft.com/azure/api-management/backends#circuit-breaker).
    /// `status` nil is a connection failure or timeout.
    func recordOutcome(_ backend: GatewayBackend, status: Int?, retryAfter: Double?) {
        guard !backend.circuitBreakerRules.isEmpty else { return }
        let now = clock.now()
        let key = backend.name.lowercased()
        var state = breakers[key] ?? BreakerState()
        for rule in backend.circuitBreakerRules {
            let failed = status.map { code in rule.statusCodeRanges.contains { $0.contains(code) } } ?? true
            guard failed else { continue }
            var recent = (state.failures[rule.name] ?? []).filter { now - $0 < rule.interval }
            recent.append(now)
            if recent.count >= rule.failureCount {
                let duration = rule.acceptRetryAfter ? (retryAfter ?? rule.tripDuration) : rule.tripDuration
                state.trippedUntil = max(state.trippedUntil ?? 0, now + duration)
                recent = []
            }
            state.failures[rule.name] = recent
        }
        breakers[key] = state
    }
}
