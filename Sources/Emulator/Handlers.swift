import Foundation
import Model

/// What a kind-specific write produced.
struct Prepared: Sendable {
    var properties: JSONObject
    var hidden: JSONObject?
    var after: AfterWrite?
}

/// Everything a kind-specific write needs to know.
struct WriteContext: Sendable {
    var kind: Kind
    var route: Route
    var key: String
    var properties: JSONObject
    var existing: Entity?
    var isPatch: Bool
    var request: EmuRequest
}

extension EmulatorStore {
    // MARK: - Dispatch

    func dispatch(_ route: Route, _ request: EmuRequest) throws(ARMError) -> EmuResponse {
        let method = request.method
        switch route.pattern {
        case "allPolicies":
            guard method == "GET", route.isCollection else { throw methodNotAllowed(method) }
            return try page(allPolicies(), request, filter: request.queryValue("$filter"))
        case "apis/products":
            guard method == "GET", route.isCollection else { throw methodNotAllowed(method) }
            try checkAncestors(route)
            let base = Self.splitApiName(internalApiName(route.names[0])).base.lowercased()
            let products = state.all(kind: "products/apis").filter { $0.name.lowercased() == base }
                .compactMap { state.entity($0.parentKey) }.map { envelope($0) }
            return try page(products, request, filter: request.queryValue("$filter"))
        case "products/subscriptions":
            guard method == "GET", route.isCollection else { throw methodNotAllowed(method) }
            try checkAncestors(route)
            let scope = armId(resolveKey(route, count: 1)).lowercased()
            let subscriptions = state.all(kind: "subscriptions").filter {
                $0.properties["scope"]?.stringValue?.lowercased() == scope
            }.map { envelope($0) }
            return try page(subscriptions, request, filter: request.queryValue("$filter"))
        case "apis/revisions":
            guard method == "GET", route.isCollection else { throw methodNotAllowed(method) }
            try checkAncestors(route)
            return try page(revisions(of: route.names[0]), request, filter: request.queryValue("$filter"))
        default:
            break
        }
        guard let kind = Kind.byPattern[route.pattern] else {
            throw ARMError(
                status: 404, code: "ResourceNotFound",
                message: "The entity path '\(route.pattern)' is not served by the API Management emulator.")
        }
        if let action = route.action { return try postAction(kind, route, action, request) }
        if route.isCollection {
            guard method == "GET" else { throw methodNotAllowed(method) }
            return try list(kind, route, request)
        }
        switch method {
        case "GET": return try get(kind, route, request, head: false)
        case "HEAD": return try get(kind, route, request, head: true)
        case "PUT": return try write(kind, route, request, isPatch: false)
        case "PATCH": return try write(kind, route, request, isPatch: true)
        case "DELETE": return try delete(kind, route, request)
        default: throw methodNotAllowed(method)
        }
    }

    func methodNotAllowed(_ method: String) -> ARMError {
        ARMError(
            status: 405, code: "MethodNotAllowed", message: "The HTTP method '\(method)' is not supported at this path."
        )
    }

    // MARK: - Keys

    /// The internal API name (`base;rev=n`) for a requested API id (`base` = current revision, or `base;rev=n`).
    func internalApiName(_ name: String) -> String {
        if let range = name.range(of: ";rev=", options: .caseInsensitive) {
            let base = String(name[..<range.lowerBound])
            let rev = String(name[range.upperBound...])
            if let stored = state.entity("apis/\(base);rev=\(rev)") { return stored.name }
            return "\(base);rev=\(rev)"
        }
        if let current = state.currentRevision[name.lowercased()] {
            if let stored = state.entity("apis/\(name);rev=\(current)") { return stored.name }
            return "\(name);rev=\(current)"
        }
        return "\(name);rev=1"
    }

    static func splitApiName(_ apiName: String) -> (base: String, rev: String) {
        if let range = apiName.range(of: ";rev=", options: .caseInsensitive) {
            return (String(apiName[..<range.lowerBound]), String(apiName[range.upperBound...]))
        }
        return (apiName, "1")
    }

    /// The internal key of the first `count` names of `route`.
    func resolveKey(_ route: Route, count: Int) -> String {
        var parts: [String] = []
        for offset in 0..<count {
            parts.append(route.collections[offset])
            var name = route.names[offset]
            if offset == 0 && route.collections[0] == "apis" {
                name = internalApiName(name)
            } else if route.collections[offset] == "apis" {
                name = Self.splitApiName(name).base
            }
            parts.append(name)
        }
        return parts.joined(separator: "/")
    }

    func itemKey(_ route: Route) -> String { resolveKey(route, count: route.names.count) }

    /// 404 for the first missing parent entity.
    func checkAncestors(_ route: Route) throws(ARMError) {
        let parents = route.isCollection ? route.names.count : route.names.count - 1
        guard parents > 0 else { return }
        for count in 1...parents {
            let key = resolveKey(route, count: count)
            if state.entity(key) == nil {
                let pattern = route.collections[0..<count].joined(separator: "/")
                throw ARMError.notFound(Kind.byPattern[pattern]?.label ?? "Entity")
            }
        }
    }

    /// The external path (current revision without `;rev=`) of an internal key.
    func externalKey(_ key: String) -> String {
        guard key.count > 5, key.prefix(5).lowercased() == "apis/" else { return key }
        var parts = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let (base, rev) = Self.splitApiName(parts[1])
        if state.currentRevision[base.lowercased()] == rev { parts[1] = base }
        return parts.joined(separator: "/")
    }

    func armId(_ key: String) -> String { servicePath + "/" + externalKey(key) }

    /// The internal key of a full or service-relative ARM id (`/subscriptions/…/apis/x` or `/apis/x`).
    func keyFromId(_ id: String) -> String? {
        var relative = id
        if id.lowercased().hasPrefix(servicePath.lowercased() + "/") {
            relative = String(id.dropFirst(servicePath.count + 1))
        } else if id.hasPrefix("/subscriptions/") {
            return nil
        } else if relative.hasPrefix("/") {
            relative = String(relative.dropFirst())
        }
        let segments = relative.split(separator: "/").map(String.init)
        guard segments.count >= 2, segments.count % 2 == 0, let route = Route.parse(segments, method: "GET") else {
            return nil
        }
        return itemKey(route)
    }

    // MARK: - Rendering

    func envelope(_ entity: Entity, rawxml: Bool = false) -> JSONValue {
        let external = externalKey(entity.key)
        let name = String(external.split(separator: "/").last ?? "")
        return .object(
            JSONObject([
                ("id", .string(servicePath + "/" + external)),
                ("type", .string(Kind.byPattern[entity.kind]?.type ?? "Microsoft.ApiManagement/service")),
                ("name", .string(name)),
                ("properties", .object(renderProperties(entity, rawxml: rawxml))),
            ]))
    }

    func renderProperties(_ entity: Entity, rawxml: Bool) -> JSONObject {
        let kind = Kind.byPattern[entity.kind]
        var props = entity.properties
        if kind?.policy == true || entity.kind == "policyFragments" {
            let stored = props["value"]?.stringValue ?? ""
            var out = JSONObject()
            if let description = props["description"] { out["description"] = description }
            if rawxml { out["format"] = "rawxml" }
            out["value"] = .string(rawxml ? PolicyDocument.render(stored, rawxml: true) : stored)
            if entity.kind == "policyFragments" { out["provisioningState"] = "Succeeded" }
            return out
        }
        switch entity.kind {
        case "apis":
            let (base, rev) = Self.splitApiName(entity.name)
            props["apiRevision"] = .string(rev)
            props["isCurrent"] = .bool(state.currentRevision[base.lowercased()] == rev)
        case "namedValues":
            let hiddenValue = entity.hidden["value"]
            let isSecret = props["secret"]?.boolValue == true || props["keyVault"] != nil
            var out = JSONObject()
            for (key, value) in props {
                out[key] = value
                if key == "displayName", !isSecret, let hiddenValue { out["value"] = hiddenValue }
            }
            if !isSecret, out["value"] == nil, let hiddenValue { out["value"] = hiddenValue }
            return out
        default:
            break
        }
        return props
    }

    /// The entity an association (`products/{p}/apis/{a}`) points at.
    func associationTarget(_ kind: Kind, _ link: Entity) -> Entity? {
        guard let target = kind.associationTarget else { return nil }
        let name = link.name
        if target == "apis" { return state.entity("apis/" + internalApiName(name)) }
        return state.entity("\(target)/\(name)")
    }

    /// The entities associated with `parentKey` through `kind` in either of APIM's two interchangeable forms:
    /// the association (`products/{p}/apis/{a}`) or a link resource (`products/{p}/apiLinks/{l}`,
    /// `tags/{t}/apiLinks/{l}`, …), without duplicates: associations first, then links.
    func associatedTargets(_ kind: Kind, parentKey: String) -> [Entity] {
        var targets = state.children(of: parentKey, kind: kind.pattern).compactMap { associationTarget(kind, $0) }
        let parentId = armId(parentKey).lowercased()
        var links: [Entity] = []
        var property = ""
        switch kind.pattern {
        case "products/apis":
            links = state.children(of: parentKey, kind: "products/apiLinks")
            property = "apiId"
        case "products/groups":
            links = state.children(of: parentKey, kind: "products/groupLinks")
            property = "groupId"
        case "apis/tags", "apis/operations/tags", "products/tags":
            let (linkKind, linkProperty) =
                kind.pattern == "apis/tags"
                ? ("tags/apiLinks", "apiId")
                : kind.pattern == "products/tags"
                    ? ("tags/productLinks", "productId") : ("tags/operationLinks", "operationId")
            for link in state.all(kind: linkKind)
            where link.properties[linkProperty]?.stringValue?.lowercased() == parentId {
                if let tag = state.entity(link.parentKey) { targets.append(tag) }
            }
        default:
            break
        }
        for link in links {
            guard let id = link.properties[property]?.stringValue, let key = keyFromId(id),
                let target = state.entity(key)
            else { continue }
            targets.append(target)
        }
        var seen = Set<String>()
        return targets.filter { seen.insert($0.key.lowercased()).inserted }
    }

    // MARK: - Reads

    func get(_ kind: Kind, _ route: Route, _ request: EmuRequest, head: Bool) throws(ARMError) -> EmuResponse {
        if let asyncId = request.queryValue("asyncId"), let operation = operations[asyncId] {
            return poll(operation, request)
        }
        try checkAncestors(route)
        let key = itemKey(route)
        if kind.isAssociation {
            let name = route.names.last ?? ""
            let wanted =
                kind.associationTarget == "apis" ? Self.splitApiName(name).base.lowercased() : name.lowercased()
            let target = associatedTargets(kind, parentKey: resolveKey(route, count: route.names.count - 1)).first {
                let targetName = kind.associationTarget == "apis" ? Self.splitApiName($0.name).base : $0.name
                return targetName.lowercased() == wanted
            }
            guard let target else {
                if head { return .empty(404) }
                throw ARMError.notFound(kind.label)
            }
            if head { return kind.headIs204 ? .empty(204) : .empty(200, headers: [("ETag", target.etag)]) }
            return .json(200, envelope(target), headers: [("ETag", target.etag)])
        }
        guard let entity = state.entity(key) else {
            if head { return .empty(404) }
            throw ARMError.notFound(kind.label)
        }
        if head { return .empty(200, headers: [("ETag", entity.etag)]) }
        if kind.pattern == "apis", request.queryValue("export")?.lowercased() == "true" {
            return try export(entity, request)
        }
        let rawxml = try exportFormatIsRaw(request, kind: kind)
        return .json(200, envelope(entity, rawxml: rawxml), headers: [("ETag", entity.etag)])
    }

    func exportFormatIsRaw(_ request: EmuRequest, kind: Kind) throws(ARMError) -> Bool {
        guard kind.policy || kind.pattern == "policyFragments", let format = request.queryValue("format") else {
            return false
        }
        switch format.lowercased() {
        case "xml": return false
        case "rawxml": return true
        default:
            throw ARMError.validation(
                target: "format", message: "Invalid policy export format '\(format)'. Allowed values: xml, rawxml.")
        }
    }

    func list(_ kind: Kind, _ route: Route, _ request: EmuRequest) throws(ARMError) -> EmuResponse {
        try checkAncestors(route)
        let parentKey = resolveKey(route, count: route.names.count)
        let rawxml = try exportFormatIsRaw(request, kind: kind)
        var items: [JSONValue]
        if kind.isAssociation {
            items = associatedTargets(kind, parentKey: parentKey).map { envelope($0) }
        } else {
            items = state.children(of: parentKey, kind: kind.pattern).map { envelope($0, rawxml: rawxml) }
        }
        if kind.pattern == "apis", request.queryValue("expandApiVersionSet")?.lowercased() == "true" {
            items = items.map { item in
                guard case .object(var object) = item, var props = object["properties"]?.objectValue,
                    let setId = props["apiVersionSetId"]?.stringValue, let setKey = keyFromId(setId),
                    let set = state.entity(setKey)
                else { return item }
                var details = JSONObject([("id", .string(armId(set.key))), ("name", .string(set.name))])
                for field in ["description", "versioningScheme", "versionQueryName", "versionHeaderName"] {
                    if let value = set.properties[field] { details[field] = value }
                }
                props["apiVersionSet"] = .object(details)
                object["properties"] = .object(props)
                return .object(object)
            }
        }
        if kind.pattern == "apis", let tags = request.queryValue("tags"), !tags.isEmpty {
            let wanted = Set(tags.split(separator: ",").map { $0.lowercased() })
            items = items.filter { item in
                guard let name = item["name"]?.stringValue else { return false }
                let tagged = state.children(of: "apis/" + internalApiName(name), kind: "apis/tags").map {
                    $0.name.lowercased()
                }
                return !wanted.isDisjoint(with: tagged)
            }
        }
        return try page(items, request, filter: request.queryValue("$filter"))
    }

    /// `{value, count, nextLink}` with `$top`/`$skip` and an absolute nextLink.
    func page(_ all: [JSONValue], _ request: EmuRequest, filter: String?) throws(ARMError) -> EmuResponse {
        var items = all
        if let filter, !filter.trimmingCharacters(in: .whitespaces).isEmpty {
            let expression = try FilterExpression.parse(filter)
            items = items.filter { item in
                expression.matches { field in
                    if field == "name" { return item["name"] }
                    let key = field.hasPrefix("properties/") ? String(field.dropFirst(11)) : field
                    guard let props = item["properties"]?.objectValue ?? item.objectValue else { return nil }
                    if let value = props[key] { return value }
                    return props.first { $0.key.lowercased() == key.lowercased() }?.value
                }
            }
        }
        var top = options.pageSize
        if let text = request.queryValue("$top") {
            guard let value = Int(text), value >= 1 else {
                throw ARMError.validation(
                    target: "$top", message: "'$top' must be an integer greater than or equal to 1.")
            }
            top = min(value, options.pageSize)
        }
        var skip = 0
        if let text = request.queryValue("$skip") {
            guard let value = Int(text), value >= 0 else {
                throw ARMError.validation(
                    target: "$skip", message: "'$skip' must be an integer greater than or equal to 0.")
            }
            skip = value
        }
        let start = min(skip, items.count)
        let end = min(start + top, items.count)
        var body = JSONObject()
        body["value"] = .array(Array(items[start..<end]))
        body["count"] = .number(Double(items.count))
        if end < items.count {
            var query = request.query.filter { $0.0 != "$skip" }
            query.append(("$skip", String(end)))
            if !query.contains(where: { $0.0 == "$top" }) && top != options.pageSize {
                query.append(("$top", String(top)))
            }
            let encoded = query.map { "\($0.0)=\(Self.percentEncode($0.1))" }.joined(separator: "&")
            body["nextLink"] = .string(request.origin + Self.percentEncodePath(request.rawPath) + "?" + encoded)
        }
        return .json(200, .object(body))
    }

    static func percentEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func percentEncodePath(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    func allPolicies() -> [JSONValue] {
        let kinds = Kind.all.filter(\.policy).map(\.pattern)
        return state.entities.values.filter { kinds.contains($0.kind) }.sorted { $0.seq < $1.seq }.map { entity in
            let name = "allpolicies\(entity.seq)"
            return .object(
                JSONObject([
                    ("id", .string(servicePath + "/allPolicies/" + name)),
                    ("type", "Microsoft.ApiManagement/service/allpolicies"), ("name", .string(name)),
                    (
                        "properties",
                        .object(
                            JSONObject([
                                ("referencePolicyId", .string(armId(entity.key))), ("complianceState", "Compliant"),
                            ]))
                    ),
                ]))
        }
    }

    func revisions(of apiName: String) -> [JSONValue] {
        let base = Self.splitApiName(internalApiName(apiName)).base
        let prefix = "apis/\(base.lowercased());rev="
        return state.entities.values.filter { $0.kind == "apis" && $0.key.lowercased().hasPrefix(prefix) }
            .sorted { (Int(Self.splitApiName($0.name).rev) ?? 0) < (Int(Self.splitApiName($1.name).rev) ?? 0) }
            .map { entity in
                let rev = Self.splitApiName(entity.name).rev
                let path = entity.properties["path"]?.stringValue ?? ""
                let created = entity.properties["createdDateTime"] ?? .string(Self.timestamp())
                return .object(
                    JSONObject([
                        ("apiId", .string("/apis/\(base);rev=\(rev)")), ("apiRevision", .string(rev)),
                        ("createdDateTime", created), ("updatedDateTime", created),
                        ("description", entity.properties["apiRevisionDescription"] ?? .null),
                        ("privateUrl", .string("/\(path);rev=\(rev)")), ("isOnline", true),
                        ("isCurrent", .bool(state.currentRevision[base.lowercased()] == rev)),
                    ]))
            }
    }

    // MARK: - Writes

    func parseBody(_ request: EmuRequest) throws(ARMError) -> JSONObject {
        guard !request.body.isEmpty else { return JSONObject() }
        let value: JSONValue
        do {
            value = try JSONValue.parse(request.body)
        } catch {
            throw ARMError.validation(
                target: "body", message: "The request body is not valid JSON: \(error.description)")
        }
        guard let object = value.objectValue else {
            throw ARMError.validation(target: "body", message: "The request body must be a JSON object.")
        }
        return object
    }

    static func etagMatches(_ header: String, _ etag: String) -> Bool {
        func bare(_ text: String) -> String {
            var value = text.trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("W/") { value = String(value.dropFirst(2)) }
            return value.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        let wanted = bare(etag)
        return header.split(separator: ",").contains { candidate in
            let value = bare(String(candidate))
            return value == "*" || value == wanted
        }
    }

    func requireIfMatch(_ request: EmuRequest, _ entity: Entity) throws(ARMError) {
        guard let header = request.header("if-match"), !header.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ARMError(
                status: 400, code: "ValidationError",
                message: "The If-Match header is required for this operation: use the entity's ETag or '*'.",
                target: "If-Match")
        }
        guard Self.etagMatches(header, entity.etag) else { throw ARMError.preconditionFailed }
    }

    /// 409 while an API's long-running operation is still pending.
    func checkApiLock(_ route: Route) throws(ARMError) {
        guard route.collections.first == "apis", let name = route.names.first else { return }
        let base = Self.splitApiName(internalApiName(name)).base.lowercased()
        if operations.values.contains(where: { $0.apiLock == base && $0.remainingPolls > 0 }) {
            throw ARMError(
                status: 409, code: "PessimisticConcurrencyConflict", message: "Operation on the API is in progress")
        }
    }

    func write(_ kind: Kind, _ route: Route, _ request: EmuRequest, isPatch: Bool) throws(ARMError) -> EmuResponse {
        try checkAncestors(route)
        try checkApiLock(route)
        let key = itemKey(route)
        if kind.isAssociation {
            guard !isPatch else { throw methodNotAllowed("PATCH") }
            return try putAssociation(kind, route, key)
        }
        let body = try parseBody(request)
        let submitted = kind.knownOnly(body["properties"]?.objectValue ?? JSONObject())
        var properties = submitted
        let existing = state.entity(key)
        if isPatch {
            guard let existing else { throw ARMError.notFound(kind.label) }
            try requireIfMatch(request, existing)
            var merged = existing.properties
            for (name, value) in submitted { merged[name] = value }
            properties = merged
        } else if kind.usesIfMatch, let existing, let header = request.header("if-match"),
            !Self.etagMatches(header, existing.etag)
        {
            throw ARMError.preconditionFailed
        } else if kind.usesIfMatch, existing == nil, let header = request.header("if-match"),
            header.trimmingCharacters(in: .whitespaces) != "*"
        {
            // A conditional update of something that does not exist.
            throw ARMError.preconditionFailed
        }
        var context = WriteContext(
            kind: kind, route: route, key: key, properties: properties, existing: existing, isPatch: isPatch,
            request: request)
        let prepared = try prepare(&context, patchBody: isPatch ? submitted : nil)
        let entity = state.save(
            key: context.key, kind: kind.pattern, properties: prepared.properties, hidden: prepared.hidden)
        afterWrite(context, entity, prepared)
        let saved = state.entity(entity.key) ?? entity
        let created = existing == nil
        var status = isPatch ? 200 : (created ? 201 : 200)
        var headers: [(String, String)] = []
        if kind.etagOnPut { headers.append(("ETag", saved.etag)) }
        var responseBody = envelope(saved)
        if kind.lro && !(kind.pattern == "apis" && isPatch) {
            let pending = options.asyncPolls > 0
            let lock = kind.pattern == "apis" ? Self.splitApiName(saved.name).base.lowercased() : nil
            headers.append(
                contentsOf: startOperation(key: saved.key, finalStatus: status, apiLock: lock, isDelete: false, request)
            )
            // Only the named value PATCH lists 202 among the spec's initial answers of these writes.
            if pending && (options.asyncInitialStatus == .accepted || isPatch) {
                status = 202
                responseBody = .null
            } else if case .object(var object) = responseBody, var props = object["properties"]?.objectValue {
                props["provisioningState"] = pending ? "InProgress" : "Succeeded"
                object["properties"] = .object(props)
                responseBody = .object(object)
            }
        }
        if responseBody == .null { return .empty(status, headers: headers) }
        return .json(status, responseBody, headers: headers)
    }

    func putAssociation(_ kind: Kind, _ route: Route, _ key: String) throws(ARMError) -> EmuResponse {
        guard let targetPattern = kind.associationTarget, let name = route.names.last else {
            throw ARMError.notFound(kind.label)
        }
        let targetKey = targetPattern == "apis" ? "apis/" + internalApiName(name) : "\(targetPattern)/\(name)"
        guard let target = state.entity(targetKey) else {
            throw ARMError.notFound(Kind.byPattern[targetPattern]?.label ?? kind.label)
        }
        let storedName = targetPattern == "apis" ? Self.splitApiName(target.name).base : target.name
        let linkKey = String(key.split(separator: "/").dropLast().joined(separator: "/")) + "/" + storedName
        let existed = state.entity(linkKey) != nil
        if !existed { state.save(key: linkKey, kind: kind.pattern, properties: JSONObject()) }
        var headers: [(String, String)] = []
        if kind.etagOnPut { headers.append(("ETag", target.etag)) }
        return .json(existed ? 200 : 201, envelope(target), headers: headers)
    }

    func delete(_ kind: Kind, _ route: Route, _ request: EmuRequest) throws(ARMError) -> EmuResponse {
        let key = itemKey(route)
        guard let entity = state.entity(key) else { return .empty(204) }
        if kind.usesIfMatch { try requireIfMatch(request, entity) }
        try checkApiLock(route)
        try checkDeletable(kind, entity, request)
        let external = externalKey(entity.key)
        cascadeDelete(kind, entity, request)
        if kind.pattern == "apis" {
            // Writes to the API are refused (409) until the delete's polls are done.
            let lock = Self.splitApiName(entity.name).base.lowercased()
            let headers = startOperation(
                key: nil, finalStatus: 200, apiLock: lock, isDelete: true, request, path: external)
            return .empty(202, headers: headers)
        }
        return .empty(200)
    }

    // MARK: - Long-running operations

    func startOperation(
        key: String?, finalStatus: Int, apiLock: String?, isDelete: Bool, _ request: EmuRequest, path: String? = nil
    ) -> [(String, String)] {
        let id = hexId()
        let external = path ?? key.map { externalKey($0) } ?? ""
        operations[id] = LroOperation(
            id: id, remainingPolls: options.asyncPolls, resourceKey: key, externalPath: external,
            finalStatus: finalStatus, apiLock: apiLock, isDelete: isDelete)
        let base = request.origin + servicePath
        let version = EmulatorInfo.apiVersion
        return [
            (
                "Location",
                "\(base)/\(Self.percentEncodePath(external))?api-version=\(version)&asyncId=\(id)&asyncCode=\(finalStatus)"
            ),
            ("Azure-AsyncOperation", "\(base)/tenant/operationResults/\(id)?api-version=\(version)"),
        ] + (options.asyncPolls > 0 ? [("Retry-After", String(options.asyncRetryAfterSeconds))] : [])
    }

    func poll(_ operation: LroOperation, _ request: EmuRequest) -> EmuResponse {
        var operation = operation
        let locationHeaders: [(String, String)] = [
            (
                "Location",
                request.origin + Self.percentEncodePath(request.rawPath) + "?"
                    + request.query.map { "\($0.0)=\(Self.percentEncode($0.1))" }.joined(separator: "&")
            ),
            ("Retry-After", String(options.asyncRetryAfterSeconds)),
        ]
        if operation.remainingPolls > 0 {
            operation.remainingPolls -= 1
            operations[operation.id] = operation
            return .empty(202, headers: locationHeaders)
        }
        if operation.isDelete { return .empty(200) }
        guard let key = operation.resourceKey, let entity = state.entity(key) else {
            return .error(
                ARMError.notFound(
                    Kind.byPattern[
                        Route.parse(operation.externalPath.split(separator: "/").map(String.init), method: "GET")?
                            .pattern ?? ""]?.label ?? "Entity"))
        }
        return .json(operation.finalStatus, envelope(entity), headers: [("ETag", entity.etag)])
    }

    func operationResult(_ id: String, _ request: EmuRequest) -> EmuResponse {
        guard var operation = operations[id] else {
            return .error(ARMError(status: 404, code: "ResourceNotFound", message: "Operation result not found."))
        }
        let now = Self.timestamp()
        var body = JSONObject()
        body["id"] = .string(servicePath + "/tenant/operationResults/" + id)
        body["name"] = .string(id)
        body["started"] = .string(now)
        body["updated"] = .string(now)
        if operation.remainingPolls > 0 {
            operation.remainingPolls -= 1
            operations[id] = operation
            body["status"] = "InProgress"
            return .json(200, .object(body), headers: [("Retry-After", String(options.asyncRetryAfterSeconds))])
        }
        body["status"] = "Succeeded"
        if let key = operation.resourceKey { body["resultInfo"] = .string(armId(key)) }
        return .json(200, .object(body))
    }
}
