import Foundation
import Model

extension GatewaySnapshot {
    /// A snapshot from ARM entities as the management API returns them (`{id, name, properties}`), in any order:
    /// APIs, operations, policies at every scope, policy fragments, backends, named values (with their values,
    /// secret ones included), products and their API links, subscriptions (with their keys), version sets and users.
    /// Ids may be full ARM ids or service-relative (`apis/aoai`); other entities are ignored, and so are API
    /// revisions that are not current (`apis/a;rev=2`).
    ///
    /// - Parameter sources: where policies came from, keyed by service-relative policy id
    ///   (`apis/aoai/policies/policy`, `policyFragments/x`).
    public init(armEntities: [JSONValue], sources: [String: PolicySource] = [:]) {
        self.init()
        var apis: [String: GatewayAPI] = [:]
        var apiOrder: [String] = []
        var operations: [String: [GatewayOperation]] = [:]
        var productAPIs: [String: Set<String>] = [:]
        for entity in armEntities {
            guard let rawID = entity["id"]?.stringValue else { continue }
            let segments = Self.relativeSegments(of: rawID)
            guard !segments.contains(where: { $0.contains(";rev=") }) else { continue }
            let properties = entity["properties"] ?? .object(JSONObject())
            let relative = segments.joined(separator: "/")
            switch segments.count {
            case 2 where segments[0] == "policies":
                policies[.global] = Self.policy(properties, id: relative, sources: sources)
            case 2:
                let name = segments[1]
                switch segments[0].lowercased() {
                case "apis":
                    if apis[name.lowercased()] == nil { apiOrder.append(name.lowercased()) }
                    apis[name.lowercased()] = Self.api(name, properties)
                case "backends": backends[name.lowercased()] = Self.backend(name, properties)
                case "namedvalues":
                    let display = properties["displayName"]?.stringValue ?? name
                    if let value = properties["value"]?.stringValue { namedValues[display.lowercased()] = value }
                case "policyfragments":
                    fragments[name.lowercased()] = Self.policy(properties, id: relative, sources: sources)
                case "products":
                    products[name.lowercased()] = GatewayProduct(
                        name: name, displayName: properties["displayName"]?.stringValue,
                        state: properties["state"]?.stringValue ?? "published")
                case "subscriptions":
                    if let subscription = Self.subscription(name, properties) { subscriptions.append(subscription) }
                case "apiversionsets":
                    let scheme =
                        GatewayVersionSet.Scheme(
                            rawValue: properties["versioningScheme"]?.stringValue ?? "Segment") ?? .segment
                    let parameter =
                        scheme == .query
                        ? properties["versionQueryName"]?.stringValue : properties["versionHeaderName"]?.stringValue
                    versionSets[name.lowercased()] = GatewayVersionSet(scheme: scheme, parameterName: parameter)
                case "users":
                    users[name.lowercased()] = GatewayUser(
                        name: name, email: properties["email"]?.stringValue ?? "",
                        firstName: properties["firstName"]?.stringValue ?? "",
                        lastName: properties["lastName"]?.stringValue ?? "")
                default: break
                }
            case 4 where segments[0].lowercased() == "apis" && segments[2].lowercased() == "operations":
                operations[segments[1].lowercased(), default: []].append(
                    GatewayOperation(
                        name: segments[3], displayName: properties["displayName"]?.stringValue,
                        method: properties["method"]?.stringValue ?? "GET",
                        urlTemplate: properties["urlTemplate"]?.stringValue ?? "/"))
            case 4 where segments[2] == "policies":
                let scope: PolicyScope? =
                    switch segments[0].lowercased() {
                    case "apis": .api(segments[1])
                    case "products": .product(segments[1])
                    default: nil
                    }
                if let scope { policies[scope] = Self.policy(properties, id: relative, sources: sources) }
            case 4 where segments[0].lowercased() == "products" && segments[2].lowercased() == "apis":
                productAPIs[segments[1].lowercased(), default: []].insert(segments[3].lowercased())
            case 6 where segments[0].lowercased() == "apis" && segments[4] == "policies":
                policies[.operation(api: segments[1], operation: segments[3])] = Self.policy(
                    properties, id: relative, sources: sources)
            default: break
            }
        }
        for (product, linked) in productAPIs { products[product]?.apis.formUnion(linked) }
        self.apis = apiOrder.compactMap { key in
            guard var api = apis[key] else { return nil }
            api.operations = operations[key] ?? []
            return api
        }
    }

    /// The segments of an id after `…/service/{name}/` (or all of a service-relative id).
    static func relativeSegments(of id: String) -> [String] {
        let segments = id.split(separator: "/").map(String.init)
        if let index = segments.lastIndex(where: { $0.lowercased() == "service" }),
            index >= 1, segments[index - 1].lowercased() == "microsoft.apimanagement", index + 1 < segments.count
        {
            return Array(segments[(index + 2)...])
        }
        return segments
    }

    private static func policy(_ properties: JSONValue, id: String, sources: [String: PolicySource]) -> GatewayPolicy {
        let format = PolicyFormat(rawValue: properties["format"]?.stringValue?.lowercased() ?? "xml") ?? .xml
        return GatewayPolicy(
            text: properties["value"]?.stringValue ?? "", format: format, id: id, source: sources[id])
    }

    private static func api(_ name: String, _ properties: JSONValue) -> GatewayAPI {
        let path = (properties["path"]?.stringValue ?? "").split(separator: "/").joined(separator: "/")
        let names = properties["subscriptionKeyParameterNames"]
        return GatewayAPI(
            name: name, displayName: properties["displayName"]?.stringValue, path: path,
            protocols: properties["protocols"]?.arrayValue?.compactMap(\.stringValue) ?? ["https"],
            serviceURL: properties["serviceUrl"]?.stringValue,
            subscriptionRequired: properties["subscriptionRequired"]?.boolValue ?? true,
            subscriptionKeyHeader: names?["header"]?.stringValue ?? "Ocp-Apim-Subscription-Key",
            subscriptionKeyQuery: names?["query"]?.stringValue ?? "subscription-key",
            versionSetName: properties["apiVersionSetId"]?.stringValue.map { relativeSegments(of: $0).last ?? $0 },
            version: properties["apiVersion"]?.stringValue)
    }

    private static func backend(_ name: String, _ properties: JSONValue) -> GatewayBackend {
        let pool = (properties["pool"]?["services"]?.arrayValue ?? []).compactMap {
            member -> GatewayBackend.PoolMember? in
            guard let id = member["id"]?.stringValue, let backend = relativeSegments(of: id).last else { return nil }
            return GatewayBackend.PoolMember(
                backend: backend, priority: member["priority"]?.numberValue.map { Int($0) } ?? 1,
                weight: member["weight"]?.numberValue.map { Int($0) } ?? 1)
        }
        let rules = (properties["circuitBreaker"]?["rules"]?.arrayValue ?? []).map { rule in
            let condition = rule["failureCondition"]
            let ranges = (condition?["statusCodeRanges"]?.arrayValue ?? []).compactMap { range -> ClosedRange<Int>? in
                guard let low = range["min"]?.numberValue, let high = range["max"]?.numberValue, low <= high else {
                    return nil
                }
                return Int(low)...Int(high)
            }
            return CircuitBreakerRule(
                name: rule["name"]?.stringValue ?? "rule",
                failureCount: condition?["count"]?.numberValue.map { Int($0) } ?? 1,
                interval: ISODuration.seconds(condition?["interval"]?.stringValue ?? "") ?? 60,
                statusCodeRanges: ranges,
                tripDuration: ISODuration.seconds(rule["tripDuration"]?.stringValue ?? "") ?? 60,
                acceptRetryAfter: rule["acceptRetryAfter"]?.boolValue ?? false)
        }
        let credentials = properties["credentials"]
        func pairs(_ value: JSONValue?) -> [(String, [String])] {
            (value?.objectValue ?? JSONObject()).map { key, values in
                (key, values.arrayValue?.compactMap(\.stringValue) ?? values.stringValue.map { [$0] } ?? [])
            }
        }
        return GatewayBackend(
            name: name, url: properties["url"]?.stringValue, pool: pool,
            poolFailureStatus: properties["pool"]?["failureResponse"]?["statusCode"]?.numberValue.map { Int($0) },
            circuitBreakerRules: rules, credentialHeaders: pairs(credentials?["header"]),
            credentialQuery: pairs(credentials?["query"]),
            managedIdentityResource: credentials?["managedIdentity"]?["resource"]?.stringValue)
    }

    private static func subscription(_ name: String, _ properties: JSONValue) -> GatewaySubscription? {
        guard let scopeText = properties["scope"]?.stringValue else { return nil }
        let scopeSegments = relativeSegments(of: scopeText)
        let scope: GatewaySubscription.Scope
        if scopeSegments.count >= 2, scopeSegments[0].lowercased() == "products" {
            scope = .product(scopeSegments[1])
        } else if scopeSegments.count >= 2, scopeSegments[0].lowercased() == "apis" {
            scope = .api(scopeSegments[1])
        } else {
            scope = .allAPIs
        }
        return GatewaySubscription(
            name: name, displayName: properties["displayName"]?.stringValue, scope: scope,
            state: properties["state"]?.stringValue ?? "active",
            primaryKey: properties["primaryKey"]?.stringValue ?? "",
            secondaryKey: properties["secondaryKey"]?.stringValue ?? "",
            user: properties["ownerId"]?.stringValue.map { relativeSegments(of: $0).last ?? $0 })
    }
}

/// ISO 8601 durations as APIM writes them (`PT1M`, `PT30S`, `P1D`, `PT1H30M`).
enum ISODuration {
    /// The duration in seconds, or nil when `text` is not a duration.
    static func seconds(_ text: String) -> Double? {
        var rest = Substring(text.uppercased())
        guard rest.hasPrefix("P") else { return nil }
        rest = rest.dropFirst()
        var total = 0.0
        var inTime = false
        var number = ""
        var sawUnit = false
        for character in rest {
            if character == "T" {
                inTime = true
                continue
            }
            if character.isNumber || character == "." {
                number.append(character)
                continue
            }
            guard let value = Double(number) else { return nil }
            number = ""
            sawUnit = true
            switch (character, inTime) {
            case ("D", false): total += value * 86_400
            case ("W", false): total += value * 604_800
            case ("H", true): total += value * 3_600
            case ("M", true): total += value * 60
            case ("S", true): total += value
            default: return nil
            }
        }
        return sawUnit && number.isEmpty ? total : nil
    }
}
