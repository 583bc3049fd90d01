import Foundation
import Model

extension LocalGateway {
    /// https://learn.microsoft.com/azure/api-management/cors-policy — answers preflight requests, adds
    /// `Access-Control-Allow-Origin` (and friends) to allowed cross-origin requests, and ends unmatched ones with an
    /// empty 200 when `terminate-unmatched-request` is true (the default).
    func cors(_ element: PolicyElement, _ policy: CompiledPolicy, _ run: PolicyRun) throws {
        func items(_ list: String, _ item: String) throws -> [String] {
            try element.elements.filter { $0.name == list }.flatMap(\.elements).filter { $0.name == item }.map {
                try content(of: $0, policy: policy, run, trimming: true).csharpString
            }
        }
        let credentials = try boolean("allow-credentials", of: element, policy: policy, run) ?? false
        let terminate = try boolean("terminate-unmatched-request", of: element, policy: policy, run) ?? true
        let origins = try items("allowed-origins", "origin")
        let methods = try items("allowed-methods", "method").map { $0.uppercased() }
        let allowedHeaders = try items("allowed-headers", "header")
        let exposed = try items("expose-headers", "header")
        let maxAge = try element.elements.first { $0.name == "allowed-methods" }.flatMap {
            try string("preflight-result-max-age", of: $0, policy: policy, run)
        }
        guard let origin = run.original.headers["Origin"] else { return }
        let originAllowed =
            origins.contains("*") || origins.contains { $0.caseInsensitiveCompare(origin) == .orderedSame }
        let allowOrigin = origins.contains("*") && !credentials ? "*" : origin
        let preflight =
            run.original.method == "OPTIONS" && run.original.headers.contains("Access-Control-Request-Method")
        func empty200() throws -> Never {
            run.response = ResponseState(status: 200, reason: "OK", headers: HeaderFields(), body: [])
            throw PipelineReturn()
        }
        if preflight {
            let method = (run.original.headers["Access-Control-Request-Method"] ?? "").uppercased()
            let requested = (run.original.headers["Access-Control-Request-Headers"] ?? "").split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let methodAllowed =
                methods.isEmpty ? ["GET", "POST"].contains(method) : methods.contains("*") || methods.contains(method)
            let headersAllowed =
                allowedHeaders.contains("*")
                || requested.allSatisfy { header in
                    allowedHeaders.contains { $0.caseInsensitiveCompare(header) == .orderedSame }
                }
            guard originAllowed, methodAllowed, headersAllowed else {
                if terminate { try empty200() }
                return
            }
            var headers = HeaderFields([("Access-Control-Allow-Origin", allowOrigin)])
            if credentials { headers.set("Access-Control-Allow-Credentials", "true") }
            headers.set("Access-Control-Allow-Methods", methods.contains("*") ? method : methods.joined(separator: ","))
            if !requested.isEmpty {
                headers.set(
                    "Access-Control-Allow-Headers",
                    allowedHeaders.contains("*")
                        ? requested.joined(separator: ",") : allowedHeaders.joined(separator: ","))
            }
            if let maxAge { headers.set("Access-Control-Max-Age", maxAge) }
            if origins.count > 1 || allowOrigin != "*" { headers.set("Vary", "Origin") }
            run.response = ResponseState(status: 200, reason: "OK", headers: headers, body: [])
            throw PipelineReturn()
        }
        let methodAllowed = methods.isEmpty || methods.contains("*") || methods.contains(run.original.method)
        guard originAllowed, methodAllowed else {
            if terminate && ["GET", "HEAD"].contains(run.original.method) { try empty200() }
            return
        }
        var added = [("Access-Control-Allow-Origin", allowOrigin)]
        if credentials { added.append(("Access-Control-Allow-Credentials", "true")) }
        if !exposed.isEmpty { added.append(("Access-Control-Expose-Headers", exposed.joined(separator: ","))) }
        run.hooks.append(.addHeaders(added))
    }

    /// https://learn.microsoft.com/azure/api-management/check-header-policy
    func checkHeader(_ element: PolicyElement, _ policy: CompiledPolicy, _ run: PolicyRun) throws {
        let name = try required("name", of: element, policy: policy, run)
        let code = try integer("failed-check-httpcode", of: element, policy: policy, run) ?? 401
        let message = try string("failed-check-error-message", of: element, policy: policy, run) ?? "Unauthorized"
        let ignoreCase = try boolean("ignore-case", of: element, policy: policy, run) ?? false
        let allowed = try element.elements.filter { $0.name == "value" }.map {
            try content(of: $0, policy: policy, run, trimming: true).csharpString
        }
        let present = run.headers.values(name)
        let passes: Bool
        if present.isEmpty {
            passes = false
        } else if allowed.isEmpty {
            passes = true
        } else {
            passes = present.contains { value in
                allowed.contains { ignoreCase ? $0.caseInsensitiveCompare(value) == .orderedSame : $0 == value }
            }
        }
        guard !passes else { return }
        run.response = ResponseState(
            status: code, reason: HTTPReason.phrase(code),
            headers: HeaderFields([("Content-Type", "application/json")]),
            body: Self.errorBody(code, message))
        throw PipelineReturn()
    }

    /// https://learn.microsoft.com/azure/api-management/ip-filter-policy — `allow` lets only the listed addresses in,
    /// `forbid` keeps them out; a refused caller gets 403.
    func ipFilter(_ element: PolicyElement, _ policy: CompiledPolicy, _ run: PolicyRun) throws {
        let action = try required("action", of: element, policy: policy, run)
        guard action == "allow" || action == "forbid" else {
            throw UnsupportedFeature(
                message: "ip-filter action '\(action)' at \(location(policy, element)) is not valid")
        }
        guard let caller = Self.ipv4(run.original.clientIP) else {
            throw UnsupportedFeature(
                message: "ip-filter at \(location(policy, element)): the caller's address '\(run.original.clientIP)' "
                    + "is not IPv4, which the local gateway filters only")
        }
        var listed = false
        for entry in element.elements {
            switch entry.name {
            case "address":
                let text = try content(of: entry, policy: policy, run, trimming: true).csharpString
                if Self.ipv4(text) == caller { listed = true }
            case "address-range":
                guard let from = try string("from", of: entry, policy: policy, run).flatMap(Self.ipv4),
                    let to = try string("to", of: entry, policy: policy, run).flatMap(Self.ipv4)
                else {
                    throw UnsupportedFeature(
                        message: "address-range at \(location(policy, entry)) needs IPv4 'from' and 'to'")
                }
                if (from...to).contains(caller) { listed = true }
            default:
                throw UnsupportedFeature(
                    message: "<\(entry.name)> at \(location(policy, entry)) cannot appear in <ip-filter>")
            }
        }
        let allowed = action == "allow" ? listed : !listed
        guard !allowed else { return }
        run.response = ResponseState(
            status: 403, reason: "Forbidden", headers: HeaderFields([("Content-Type", "application/json")]),
            body: Self.errorBody(403, "Forbidden"))
        throw PipelineReturn()
    }

    static func ipv4(_ text: String) -> UInt32? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ".")
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard let byte = UInt8(part) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }

    /// `cache-lookup-value` (https://learn.microsoft.com/azure/api-management/cache-lookup-value-policy),
    /// `cache-store-value` (https://learn.microsoft.com/azure/api-management/cache-store-value-policy) and
    /// `cache-remove-value` (https://learn.microsoft.com/azure/api-management/cache-remove-value-policy), over the
    /// gateway's internal cache; entries expire on the injected clock.
    func cacheValue(_ element: PolicyElement, _ policy: CompiledPolicy, _ run: PolicyRun) throws {
        if let type = try string("caching-type", of: element, policy: policy, run), type == "external" {
            throw UnsupportedFeature(
                message:
                    "caching-type=\"external\" at \(location(policy, element)) is not supported by the local gateway")
        }
        let key = try required("key", of: element, policy: policy, run)
        let now = clock.now()
        switch element.name {
        case "cache-lookup-value":
            let variable = try required("variable-name", of: element, policy: policy, run)
            if let entry = cache[key], entry.expires > now {
                run.setVariable(variable, entry.value)
            } else if let fallback = try attribute("default-value", of: element, policy: policy, run) {
                run.setVariable(variable, fallback)
            }
        case "cache-store-value":
            guard let value = try attribute("value", of: element, policy: policy, run) else {
                throw UnsupportedFeature(message: "<cache-store-value> at \(location(policy, element)) has no 'value'")
            }
            let duration = try double("duration", of: element, policy: policy, run) ?? 0
            cache[key] = (value, now + duration)
        default:
            cache[key] = nil
        }
    }
}
