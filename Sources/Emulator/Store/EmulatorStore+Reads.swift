import Foundation
import Model

/// GET, HEAD and lists: the envelope, associations in both of APIM's forms, `format=rawxml`, paging and `$filter`.
extension EmulatorStore {
    // MARK: - Rendering

    func envelope(_ entity: Entity, rawxml: Bool = false) -> JSONValue {
        let external = externalKey(entity.key)
        let name = String(external.split(separator: "/").last ?? "")
        var properties = entity.kind.rules.render(entity, rawxml: rawxml, in: self)
        // A read at an older api-version than the last write shows only what that version defines.
        if let written = entity.version, written > requestVersion,
            let definition = entity.kind.readPropertiesDefinition(in: requestVersion)
        {
            properties = RequestBody(definition: definition, version: requestVersion).defined(properties)
        }
        return .object(
            JSONObject([
                ("id", .string(servicePath + "/" + external)), ("type", .string(entity.kind.armType)),
                ("name", .string(name)), ("properties", .object(properties)),
            ]))
    }

    /// The entity an association entry (`products/{p}/apis/{a}`) points at.
    func associationTarget(_ kind: EntityKind, _ entry: Entity) -> Entity? {
        guard let target = kind.associationTarget else { return nil }
        if target == .apis { return state.entity("apis/" + internalApiName(entry.name)) }
        return state.entity("\(target.pattern)/\(entry.name)")
    }

    /// The entities associated with `parentKey` through the association `kind`, in either of APIM's two
    /// interchangeable forms (apim-rest.md §7, §10): the association entries (`products/{p}/apis/{a}`), and link
    /// resources, either beside them (`products/{p}/apiLinks/{l}`) or under the target (`tags/{t}/apiLinks/{l}` for
    /// `apis/{a}/tags`). Without duplicates: associations first, then links.
    func associatedTargets(_ kind: EntityKind, parentKey: String) -> [Entity] {
        var targets = state.children(of: parentKey, kind: kind).compactMap { associationTarget(kind, $0) }
        guard let target = kind.associationTarget else { return targets }
        let parentPattern = kind.collections.dropLast().joined(separator: "/")
        let parentKind = EntityKind.byPattern[parentPattern]
        let parentId = armId(parentKey).lowercased()
        for link in EntityKind.all where link.isLink {
            guard let property = link.linkProperty else { continue }
            let linkParent = link.collections.dropLast().joined(separator: "/")
            if linkParent == parentPattern, link.linkTarget == target {
                for entry in state.children(of: parentKey, kind: link) {
                    if let id = entry.properties[property]?.stringValue, let found = entity(id: id, of: target) {
                        targets.append(found)
                    }
                }
            } else if linkParent == target.pattern, link.linkTarget == parentKind {
                for entry in state.all(kind: link)
                where entry.properties[property]?.stringValue?.lowercased() == parentId {
                    if let owner = state.entity(entry.parentKey) { targets.append(owner) }
                }
            }
        }
        var seen = Set<String>()
        return targets.filter { seen.insert($0.key.lowercased()).inserted }
    }

    // MARK: - Reads

    func get(_ kind: EntityKind, _ route: Route, _ request: EmuRequest, head: Bool) throws(ARMError) -> EmuResponse {
        if let asyncId = request.queryValue("asyncId"), operations.operation(asyncId) != nil {
            return poll(asyncId, request)
        }
        try checkAncestors(route)
        if kind.isAssociation { return try getAssociation(kind, route, head: head) }
        guard let entity = state.entity(itemKey(route)) else {
            if head { return .empty(404) }
            throw ARMError.notFound(kind.label)
        }
        if head { return .empty(200, headers: [("ETag", entity.etag)]) }
        if let answer = try kind.rules.alternateRead(entity, request, in: self) { return answer }
        let rawxml = try policyFormatIsRaw(request, kind: kind)
        return .json(200, envelope(entity, rawxml: rawxml), headers: [("ETag", entity.etag)])
    }

    private func getAssociation(_ kind: EntityKind, _ route: Route, head: Bool) throws(ARMError) -> EmuResponse {
        let byBase = kind.associationTarget == .apis
        let name = route.names.last ?? ""
        let wanted = (byBase ? Self.splitApiName(name).base : name).lowercased()
        let target = associatedTargets(kind, parentKey: resolveKey(route, count: route.names.count - 1)).first {
            (byBase ? Self.splitApiName($0.name).base : $0.name).lowercased() == wanted
        }
        guard let target else {
            if head { return .empty(404) }
            throw ARMError.notFound(kind.label)
        }
        if head { return kind.headAnswersNoContent ? .empty(204) : .empty(200, headers: [("ETag", target.etag)]) }
        return .json(200, envelope(target), headers: [("ETag", target.etag)])
    }

    /// `format=rawxml` on a kind whose GET takes the spec's policy `format` query (policies, fragments).
    func policyFormatIsRaw(_ request: EmuRequest, kind: EntityKind) throws(ARMError) -> Bool {
        guard kind.readsPolicyFormat, let format = request.queryValue("format") else { return false }
        switch format.lowercased() {
        case "xml": return false
        case "rawxml": return true
        default:
            throw ARMError.validation(
                target: "format", message: "Invalid policy export format '\(format)'. Allowed values: xml, rawxml.")
        }
    }

    func list(_ kind: EntityKind, _ route: Route, _ request: EmuRequest) throws(ARMError) -> EmuResponse {
        try checkAncestors(route)
        if let items = try kind.rules.list(route, request, in: self) { return try page(items, request) }
        return try page(try storedItems(kind, route, request), request)
    }

    /// The envelopes of the entities a list of `kind` holds below the route's parent.
    func storedItems(_ kind: EntityKind, _ route: Route, _ request: EmuRequest) throws(ARMError) -> [JSONValue] {
        let parentKey = resolveKey(route, count: route.names.count)
        if kind.isAssociation { return associatedTargets(kind, parentKey: parentKey).map { envelope($0) } }
        let rawxml = try policyFormatIsRaw(request, kind: kind)
        return state.children(of: parentKey, kind: kind).map { envelope($0, rawxml: rawxml) }
    }

    /// `{value, count, nextLink}` with `$filter`, `$top`/`$skip` and an absolute nextLink.
    func page(_ all: [JSONValue], _ request: EmuRequest, filter: Bool = true) throws(ARMError) -> EmuResponse {
        var items = all
        if filter, let text = request.queryValue("$filter"), !text.trimmingCharacters(in: .whitespaces).isEmpty {
            let expression = try FilterExpression.parse(text)
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
}
