import Foundation
import Model

extension LocalGateway {
    /// `rate-limit` (https://learn.microsoft.com/azure/api-management/rate-limit-policy, per subscription) and
    /// `rate-limit-by-key` (https://learn.microsoft.com/azure/api-management/rate-limit-by-key-policy): calls in a
    /// sliding window of `renewal-period` seconds; over the limit, 429 with `Retry-After`.
    func rateLimit(_ element: PolicyElement, _ policy: CompiledPolicy, _ run: PolicyRun) throws {
        if !element.elements.isEmpty {
            throw UnsupportedFeature(
                message: "per-API and per-operation limits inside <rate-limit> at \(location(policy, element)) are "
                    + "not supported by the local gateway")
        }
        let calls = try integer("calls", of: element, policy: policy, run) ?? 0
        let period = try double("renewal-period", of: element, policy: policy, run) ?? 60
        let counter: String
        if element.name == "rate-limit-by-key" {
            counter = "rate-by-key:" + (try required("counter-key", of: element, policy: policy, run))
        } else {
            counter = "rate:\(policy.id):\(element.line):" + (run.subscription?.name ?? "anonymous")
        }
        let amount = try integer("increment-count", of: element, policy: policy, run) ?? 1
        let now = clock.now()
        var window = (callWindows[counter] ?? []).filter { now - $0 < period }
        callWindows[counter] = window
        let remaining = max(0, calls - window.count)
        if let variable = try string("remaining-calls-variable-name", of: element, policy: policy, run) {
            run.setVariable(variable, .int(remaining))
        }
        if window.count + amount > calls {
            let wait = max(1, Int(((window.first ?? now) + period - now).rounded(.up)))
            var headers = HeaderFields([("Content-Type", "application/json")])
            headers.set(
                try string("retry-after-header-name", of: element, policy: policy, run) ?? "Retry-After", String(wait))
            if let name = try string("remaining-calls-header-name", of: element, policy: policy, run) {
                headers.set(name, "0")
            }
            if let name = try string("total-calls-header-name", of: element, policy: policy, run) {
                headers.set(name, String(calls))
            }
            if let variable = try string("retry-after-variable-name", of: element, policy: policy, run) {
                run.setVariable(variable, .int(wait))
            }
            run.response = ResponseState(
                status: 429, reason: "Too Many Requests", headers: headers,
                body: Self.errorBody(429, "Rate limit is exceeded. Try again in \(wait) seconds."))
            throw PipelineReturn()
        }
        if let condition = element.attribute("increment-condition") {
            run.hooks.append(
                .conditionalIncrement(
                    counter: counter, window: period, amount: amount, condition: condition.value, element: element,
                    policy: policy))
        } else {
            window += Array(repeating: now, count: max(amount, 0))
            callWindows[counter] = window
        }
        var added: [(String, String)] = []
        if let name = try string("remaining-calls-header-name", of: element, policy: policy, run) {
            added.append((name, String(max(0, calls - (callWindows[counter]?.count ?? 0)))))
        }
        if let name = try string("total-calls-header-name", of: element, policy: policy, run) {
            added.append((name, String(calls)))
        }
        if !added.isEmpty { run.hooks.append(.addHeaders(added)) }
    }

    /// `quota` (https://learn.microsoft.com/azure/api-management/quota-policy) and `quota-by-key`
    /// (https://learn.microsoft.com/azure/api-management/quota-by-key-policy): calls per renewal period; over it, 403.
    func quota(_ element: PolicyElement, _ policy: CompiledPolicy, _ run: PolicyRun) throws {
        if !element.elements.isEmpty || element.attribute("bandwidth") != nil {
            throw UnsupportedFeature(
                message: "bandwidth quotas and per-API quotas (<\(element.name)> at \(location(policy, element))) are "
                    + "not supported by the local gateway")
        }
        guard let calls = try integer("calls", of: element, policy: policy, run) else {
            throw UnsupportedFeature(message: "<\(element.name)> at \(location(policy, element)) has no 'calls'")
        }
        let period = try double("renewal-period", of: element, policy: policy, run) ?? 0
        let counter =
            element.name == "quota-by-key"
            ? "quota-by-key:" + (try required("counter-key", of: element, policy: policy, run))
            : "quota:\(policy.id):\(element.line):" + (run.subscription?.name ?? "anonymous")
        let now = clock.now()
        // Periods start at 1970-01-01 unless `first-period-start` says otherwise; 0 never renews.
        var origin = 0.0
        if let start = try string("first-period-start", of: element, policy: policy, run),
            let date = ISO8601DateFormatter().date(from: start)
        {
            origin = date.timeIntervalSince1970
        }
        let periodStart = period > 0 ? origin + ((now - origin) / period).rounded(.down) * period : origin
        var state = quotaCounters[counter] ?? (periodStart, 0)
        if state.period != periodStart { state = (periodStart, 0) }
        let amount = try integer("increment-count", of: element, policy: policy, run) ?? 1
        if state.count + amount > calls {
            let wait = period > 0 ? periodStart + period - now : 0
            run.response = ResponseState(
                status: 403, reason: "Forbidden",
                headers: HeaderFields([
                    ("Content-Type", "application/json"), ("Retry-After", String(Int(wait.rounded(.up)))),
                ]),
                body: Self.errorBody(
                    403,
                    "Out of call volume quota. Quota will be replenished in \(DateText.timeSpan(wait.rounded(.up)))."))
            throw PipelineReturn()
        }
        if let condition = element.attribute("increment-condition") {
            quotaCounters[counter] = state
            run.hooks.append(
                .conditionalIncrement(
                    counter: counter, window: -1, amount: amount, condition: condition.value, element: element,
                    policy: policy))
        } else {
            state.count += amount
            quotaCounters[counter] = state
        }
    }

    /// `llm-token-limit` (https://learn.microsoft.com/azure/api-management/llm-token-limit-policy) and
    /// `azure-openai-token-limit` (https://learn.microsoft.com/azure/api-management/azure-openai-token-limit-policy):
    /// tokens per minute (over it: 429 and `Retry-After`) and a token quota per period (over it: 403), one counter
    /// per `counter-key` for every scope; prompt tokens are counted up front with `estimate-prompt-tokens`, and the
    /// answer's `usage` is counted when it arrives.
    func tokenLimit(_ element: PolicyElement, _ policy: CompiledPolicy, _ run: PolicyRun) throws {
        let key = try required("counter-key", of: element, policy: policy, run)
        let perMinute = try integer("tokens-per-minute", of: element, policy: policy, run)
        let quota = try integer("token-quota", of: element, policy: policy, run)
        let quotaPeriod = try string("token-quota-period", of: element, policy: policy, run)
        guard perMinute != nil || (quota != nil && quotaPeriod != nil) else {
            throw UnsupportedFeature(
                message: "<\(element.name)> at \(location(policy, element)) needs tokens-per-minute or token-quota "
                    + "with token-quota-period")
        }
        let estimate = try boolean("estimate-prompt-tokens", of: element, policy: policy, run) ?? false
        let counter = "tokens:" + key
        let now = clock.now()
        let window = (tokenWindows[counter] ?? []).filter { now - $0.time < 60 }
        tokenWindows[counter] = window
        let used = window.reduce(0) { $0 + $1.tokens }
        let prompt = estimate ? (try? JSONValue.parse(run.body)).map(SimulatedOpenAI.promptTokens) ?? 0 : 0
        var hook = TokenLimitHook(
            counter: counter, tokensPerMinute: perMinute, quota: quota, quotaPeriod: quotaPeriod, estimated: prompt)
        hook.remainingTokensHeader = try string("remaining-tokens-header-name", of: element, policy: policy, run)
        hook.remainingTokensVariable = try string("remaining-tokens-variable-name", of: element, policy: policy, run)
        hook.remainingQuotaHeader = try string("remaining-quota-tokens-header-name", of: element, policy: policy, run)
        hook.remainingQuotaVariable = try string(
            "remaining-quota-tokens-variable-name", of: element, policy: policy, run)
        hook.consumedHeader = try string("tokens-consumed-header-name", of: element, policy: policy, run)
        hook.consumedVariable = try string("tokens-consumed-variable-name", of: element, policy: policy, run)
        let retryHeader = try string("retry-after-header-name", of: element, policy: policy, run) ?? "Retry-After"
        let retryVariable = try string("retry-after-variable-name", of: element, policy: policy, run)
        func refuse(_ status: Int, wait: Double, message: String) throws -> Never {
            let seconds = max(1, Int(wait.rounded(.up)))
            var headers = HeaderFields([("Content-Type", "application/json")])
            headers.set(retryHeader, String(seconds))
            if let name = hook.remainingTokensHeader, let perMinute {
                headers.set(name, String(max(0, perMinute - used)))
            }
            if let name = hook.remainingQuotaHeader, status == 403 { headers.set(name, "0") }
            if let retryVariable { run.setVariable(retryVariable, .int(seconds)) }
            run.response = ResponseState(
                status: status, reason: HTTPReason.phrase(status), headers: headers,
                body: Self.errorBody(status, message.replacingOccurrences(of: "{wait}", with: String(seconds))))
            throw PipelineReturn()
        }
        if let quota, let quotaPeriod {
            let period = try Self.periodStart(quotaPeriod, now: now, element: element, policy: policy)
            var state = tokenQuotas[counter] ?? (period.start, 0)
            if state.period != period.start { state = (period.start, 0) }
            tokenQuotas[counter] = state
            if state.tokens + prompt > quota || state.tokens >= quota {
                try refuse(
                    403, wait: period.end - now,
                    message:
                        "Token quota is exceeded. Try again in \(DateText.timeSpan((period.end - now).rounded(.up))).")
            }
        }
        if let perMinute, used + prompt > perMinute || used >= perMinute {
            // The wait until enough of the window's tokens are older than a minute.
            var freed = 0
            var wait = 60.0
            for entry in window {
                freed += entry.tokens
                if used - freed + prompt <= perMinute || used - freed < perMinute {
                    wait = entry.time + 60 - now
                    break
                }
            }
            try refuse(429, wait: wait, message: "Token limit is exceeded. Try again in {wait} seconds.")
        }
        if prompt > 0 { addTokens(prompt, to: hook, at: now) }
        run.hooks.append(.tokenLimit(hook))
    }

    private func addTokens(_ tokens: Int, to hook: TokenLimitHook, at now: Double) {
        guard tokens > 0 else { return }
        if hook.tokensPerMinute != nil { tokenWindows[hook.counter, default: []].append((now, tokens)) }
        if hook.quota != nil, var state = tokenQuotas[hook.counter] {
            state.tokens += tokens
            tokenQuotas[hook.counter] = state
        }
    }

    /// The calendar period (UTC) `now` falls in.
    static func periodStart(
        _ name: String, now: Double, element: PolicyElement, policy: CompiledPolicy
    ) throws -> (start: Double, end: Double) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let date = Date(timeIntervalSince1970: now)
        let component: Calendar.Component
        switch name.lowercased() {
        case "hourly": component = .hour
        case "daily": component = .day
        case "weekly": component = .weekOfYear
        case "monthly": component = .month
        case "yearly": component = .year
        default:
            throw UnsupportedFeature(
                message: "token-quota-period '\(name)' at \(policy.location(of: element)) is not one of Hourly, "
                    + "Daily, Weekly, Monthly, Yearly")
        }
        guard let interval = calendar.dateInterval(of: component, for: date) else { return (now, now + 3600) }
        return (interval.start.timeIntervalSince1970, interval.end.timeIntervalSince1970)
    }

    /// `llm-emit-token-metric` (https://learn.microsoft.com/azure/api-management/llm-emit-token-metric-policy) and
    /// `azure-openai-emit-token-metric`
    /// (https://learn.microsoft.com/azure/api-management/azure-openai-emit-token-metric-policy): prompt, completion
    /// and total tokens of the answer, with the dimensions, readable at `/_emulator/metrics`.
    func emitTokenMetric(_ element: PolicyElement, _ policy: CompiledPolicy, _ run: PolicyRun) throws {
        let namespace = try string("namespace", of: element, policy: policy, run) ?? "API Management"
        var dimensions: [(String, String)] = []
        for dimension in element.elements where dimension.name == "dimension" {
            let name = try required("name", of: dimension, policy: policy, run)
            if let value = try string("value", of: dimension, policy: policy, run) {
                dimensions.append((name, value))
                continue
            }
            let defaults: [String: String] = [
                "API ID": run.match.api.name, "Operation ID": run.match.operation?.name ?? "",
                "Product ID": run.product?.name ?? "", "User ID": run.user?.name ?? "",
                "Subscription ID": run.subscription?.name ?? "", "Location": run.region, "Gateway ID": "managed",
                "Client IP": run.original.clientIP,
            ]
            guard let value = defaults[name] else {
                throw UnsupportedFeature(
                    message: "dimension '\(name)' at \(location(policy, dimension)) needs a value (it is not one of "
                        + "the predefined dimensions)")
            }
            dimensions.append((name, value))
        }
        run.hooks.append(.tokenMetric(namespace: namespace, dimensions: dimensions))
    }

    /// Counts the answer's tokens (token limits, metrics) once a backend has answered.
    func processHooks(_ run: PolicyRun) throws {
        guard var response = run.response, (200..<300).contains(response.status),
            let json = try? JSONValue.parse(response.body), let usage = json["usage"]
        else { return }
        let prompt = Int(usage["prompt_tokens"]?.numberValue ?? usage["input_tokens"]?.numberValue ?? 0)
        let completion = Int(usage["completion_tokens"]?.numberValue ?? usage["output_tokens"]?.numberValue ?? 0)
        let total = Int(usage["total_tokens"]?.numberValue ?? Double(prompt + completion))
        let now = clock.now()
        for hook in run.hooks {
            switch hook {
            case .tokenLimit(let limit):
                addTokens(total - limit.estimated, to: limit, at: now)
                let used = (tokenWindows[limit.counter] ?? []).filter { now - $0.time < 60 }.reduce(0) {
                    $0 + $1.tokens
                }
                if let perMinute = limit.tokensPerMinute {
                    let remaining = max(0, perMinute - used)
                    if let name = limit.remainingTokensHeader { response.headers.set(name, String(remaining)) }
                    if let name = limit.remainingTokensVariable { run.setVariable(name, .int(remaining)) }
                }
                if let quota = limit.quota {
                    let remaining = max(0, quota - (tokenQuotas[limit.counter]?.tokens ?? 0))
                    if let name = limit.remainingQuotaHeader { response.headers.set(name, String(remaining)) }
                    if let name = limit.remainingQuotaVariable { run.setVariable(name, .int(remaining)) }
                }
                if let name = limit.consumedHeader { response.headers.set(name, String(total)) }
                if let name = limit.consumedVariable { run.setVariable(name, .int(total)) }
            case .tokenMetric(let namespace, let dimensions):
                let values = Dictionary(dimensions, uniquingKeysWith: { first, _ in first })
                for (name, value) in [
                    ("Prompt Tokens", prompt), ("Completion Tokens", completion), ("Total Tokens", total),
                ] {
                    recordedMetrics.append(
                        TokenMetric(namespace: namespace, name: name, value: value, dimensions: values))
                }
            default: break
            }
        }
        run.response = response
    }

    /// Counters whose `increment-condition` reads the response, and headers added to the answer.
    func finishHooks(_ run: PolicyRun) async {
        for hook in run.hooks {
            switch hook {
            case .conditionalIncrement(let counter, let window, let amount, let condition, let element, let policy):
                let attribute = element.attribute("increment-condition")
                let value = try? evaluate(
                    condition, line: attribute?.line ?? element.line, column: attribute?.column ?? element.column,
                    element: element, policy: policy, run)
                guard case .bool(true)? = value.map(ExpressionInterpreter.scalar) else { continue }
                if window >= 0 {
                    callWindows[counter, default: []] += Array(repeating: clock.now(), count: max(amount, 0))
                } else if var state = quotaCounters[counter] {
                    state.count += amount
                    quotaCounters[counter] = state
                }
            case .addHeaders(let headers):
                guard var response = run.response else { continue }
                for (name, value) in headers { response.headers.set(name, value) }
                run.response = response
            default: break
            }
        }
    }
}
