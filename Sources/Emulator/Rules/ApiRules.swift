import APIMSpec
import Model

/// APIs: revisions (`;rev=n`, cloning from `sourceApiId`, switching the current one; apim-rest.md §3.3), OpenAPI
/// imports (§3.2, §3.7), the unique path (§3.1), version sets, the list's `expandApiVersionSet` and `tags`, and
/// `ApiExport_Get`.
struct ApiRules: EntityRules {
    var kinds: [EntityKind] { [.apis] }

    /// Create-only import members that are not stored (§3.1), and what the service sets itself.
    static let notStored: Set<String> = [
        "format", "value", "wsdlSelector", "apiType", "translateRequiredQueryParameters", "sourceApiId", "apiRevision",
        "isCurrent",
    ]

    /// A new revision (or a clone) takes its path from its source: every revision shares the API's path (§3.3), so
    /// `path`, which the spec requires, may be left out when there is a source.
    func waives(_ violation: SpecViolation, in write: WriteContext, store: isolated EmulatorStore) -> Bool {
        guard violation.rule == .required, violation.path == "path", write.existing == nil else { return false }
        return source(of: write, in: store) != nil
    }

    /// The API a new revision or clone copies: `sourceApiId`, or else the current revision of the same API.
    private func source(of write: WriteContext, in store: isolated EmulatorStore) -> Entity? {
        guard write.existing == nil else { return nil }
        if let sourceId = write.submitted["sourceApiId"]?.stringValue {
            return store.entity(id: sourceId, of: .apis)
        }
        let (base, rev) = EmulatorStore.splitApiName(String(write.key.split(separator: "/")[1]))
        guard let current = store.state.currentRevision[base.lowercased()], current != rev else { return nil }
        return store.state.entity("apis/\(base);rev=\(current)")
    }

    func prepare(_ write: WriteContext, in store: isolated EmulatorStore) throws(ARMError) -> Prepared {
        let props = write.submitted
        let internalName = String(write.key.split(separator: "/")[1])
        let (base, rev) = EmulatorStore.splitApiName(internalName)
        guard Int(rev).map({ $0 >= 1 }) == true else {
            throw ARMError.validation(target: "apiRevision", message: "Invalid API revision '\(rev)'.")
        }
        if let sourceId = props["sourceApiId"]?.stringValue, write.existing == nil,
            store.entity(id: sourceId, of: .apis) == nil
        {
            throw ARMError.validation(target: "sourceApiId", message: "Api with id '\(sourceId)' could not be found.")
        }
        let source = source(of: write, in: store)
        var out = JSONObject()
        if write.isPatch, let existing = write.existing {
            out = existing.properties
        } else if let source {
            out = source.properties
            out["apiRevisionDescription"] = nil
        }
        for (key, value) in props where !Self.notStored.contains(key) { out[key] = value }
        var imported: [ImportedOperation]?
        if !write.isPatch, let format = props["format"]?.stringValue {
            guard let value = props["value"]?.stringValue else {
                throw ARMError.validation(target: "value", message: "'value' is required when 'format' is given.")
            }
            let result = try OpenAPIImport.importDocument(
                format: format, value: value,
                translateRequiredQuery: props["translateRequiredQueryParameters"]?.stringValue ?? "template")
            if let result {
                if out["displayName"] == nil, let title = result.title { out["displayName"] = .string(title) }
                if out["description"] == nil, let description = result.description {
                    out["description"] = .string(description)
                }
                if out["serviceUrl"] == nil, let serviceUrl = result.serviceUrl {
                    out["serviceUrl"] = .string(serviceUrl)
                }
                imported = result.operations
            }
            if out["displayName"] == nil { out["displayName"] = .string(base) }
        }
        if let apiType = props["apiType"]?.stringValue, out["type"] == nil { out["type"] = .string(apiType) }
        try check(&out, base: base, in: store)
        if out["protocols"] == nil { out["protocols"] = ["https"] }
        if out["subscriptionKeyParameterNames"] == nil {
            out["subscriptionKeyParameterNames"] = .object(
                JSONObject([("header", "Ocp-Apim-Subscription-Key"), ("query", "subscription-key")]))
        }
        if out["subscriptionRequired"] == nil { out["subscriptionRequired"] = true }
        if out["type"] == nil { out["type"] = "http" }
        out["isOnline"] = true
        var hidden = write.existing?.hidden ?? JSONObject()
        if hidden["createdDateTime"] == nil { hidden["createdDateTime"] = .string(EmulatorStore.timestamp()) }
        let makeCurrent = props["isCurrent"]?.boolValue == true
        let cloneFrom = write.existing == nil ? source?.key : nil
        let operations = imported
        return Prepared(out, hidden: hidden) { store, saved in
            Self.afterSave(saved, makeCurrent: makeCurrent, cloneFrom: cloneFrom, imported: operations, in: store)
        }
    }

    /// What the spec cannot say about an API body: a display name on create (§3.1: required in practice), an
    /// existing version set, and a path unique per service (with the version) except between versions of one
    /// version set (§3.1).
    private func check(_ out: inout JSONObject, base: String, in store: isolated EmulatorStore) throws(ARMError) {
        var checks = Checks()
        if out["displayName"]?.stringValue?.isEmpty ?? true {
            checks.add("displayName", "'displayName' is required.")
        }
        if let setId = out["apiVersionSetId"]?.stringValue, !setId.isEmpty {
            if let set = store.entity(id: setId, of: .apiVersionSets) {
                out["apiVersionSetId"] = .string(store.armId(set.key))
            } else {
                checks.add("apiVersionSetId", "Api version set with id '\(setId)' could not be found.")
            }
        }
        if out["type"]?.stringValue?.lowercased() == "mcp" { checkMcp(&out, into: &checks, in: store) }
        try checks.check()
        let path = out["path"]?.stringValue?.lowercased() ?? ""
        let version = out["apiVersion"]?.stringValue ?? ""
        let versionSet = out["apiVersionSetId"]?.stringValue?.lowercased()
        let lowercasedBase = base.lowercased()
        for other in store.state.anyOrder(kind: .apis)
        where (other.properties["path"]?.stringValue ?? "").lowercased() == path {
            let otherBase = EmulatorStore.splitApiName(other.name).base
            guard otherBase.lowercased() != lowercasedBase,
                (other.properties["apiVersion"]?.stringValue ?? "") == version
            else { continue }
            if let versionSet, other.properties["apiVersionSetId"]?.stringValue?.lowercased() == versionSet,
                !version.isEmpty
            {
                continue
            }
            throw ARMError.validation(
                target: "path",
                message:
                    "Cannot create API '\(base)' with the same Path '\(path)' as API '\(otherBase)' unless it's a part of the same version set."
            )
        }
    }

    /// An MCP server (type `mcp`, 2025-09-01-preview on) exposes either operations of existing APIs (`mcpTools`) or an
    /// existing MCP server (`backendId`, or `serviceUrl` as in the spec example `ApiManagementCreateMcpApi.json`),
    /// exactly one of them (Azure/apiops-cli `tests/integration/all-resource-types/bicep/source-apim.bicep`, in
    /// peers.md's 2026 update). Tool operations and the backend must exist; tool operations are stored as full ids.
    private func checkMcp(_ out: inout JSONObject, into checks: inout Checks, in store: isolated EmulatorStore) {
        let tools = out["mcpTools"]?.arrayValue ?? []
        let backendId = out["backendId"]?.stringValue ?? ""
        let server = !backendId.isEmpty || !(out["serviceUrl"]?.stringValue ?? "").isEmpty
        guard tools.isEmpty == server else {
            checks.add(
                "mcpTools",
                "An MCP API exposes either operations of an API ('mcpTools') or an existing MCP server ('backendId' or 'serviceUrl'): exactly one of them."
            )
            return
        }
        var resolved: [JSONValue] = []
        for (offset, tool) in tools.enumerated() {
            let id = tool["operationId"]?.stringValue ?? ""
            guard var object = tool.objectValue, let operation = store.entity(id: id, of: .operations) else {
                checks.add("mcpTools[\(offset)].operationId", "Operation with id '\(id)' could not be found.")
                continue
            }
            object["operationId"] = .string(store.armId(operation.key))
            resolved.append(.object(object))
        }
        if !tools.isEmpty { out["mcpTools"] = .array(resolved) }
        if !backendId.isEmpty, store.state.entity("backends/\(backendId)") == nil,
            store.entity(id: backendId, of: .backends) == nil
        {
            checks.add("backendId", "Backend with id '\(backendId)' could not be found.")
        }
    }

    /// Makes the revision current when asked (or when it is the API's first), copies the source's children into a
    /// new revision, and applies an import's operations.
    private static func afterSave(
        _ saved: Entity, makeCurrent: Bool, cloneFrom: String?, imported: [ImportedOperation]?,
        in store: isolated EmulatorStore
    ) {
        let (base, rev) = EmulatorStore.splitApiName(saved.name)
        if store.state.currentRevision[base.lowercased()] == nil || makeCurrent {
            store.state.currentRevision[base.lowercased()] = rev
        }
        if let cloneFrom {
            let prefix = cloneFrom.lowercased() + "/"
            for child in store.state.entities.values.sorted(by: { $0.seq < $1.seq })
            where child.key.lowercased().hasPrefix(prefix) {
                store.state.save(
                    key: saved.key + child.key.dropFirst(cloneFrom.count), kind: child.kind,
                    properties: child.properties, hidden: child.hidden)
            }
        }
        if let imported { store.applyImport(imported, apiKey: saved.key) }
    }

    func render(_ entity: Entity, rawxml: Bool, in store: isolated EmulatorStore) -> JSONObject {
        var props = entity.properties
        let (base, rev) = EmulatorStore.splitApiName(entity.name)
        props["apiRevision"] = .string(rev)
        props["isCurrent"] = .bool(store.state.currentRevision[base.lowercased()] == rev)
        return props
    }

    func alternateRead(
        _ entity: Entity, _ request: EmuRequest, in store: isolated EmulatorStore
    ) throws(ARMError)
        -> EmuResponse?
    {
        guard request.queryValue("export")?.lowercased() == "true" else { return nil }
        return try store.export(entity, request)
    }

    /// Naming the current revision explicitly deletes only that revision, which APIM refuses while others exist.
    func checkDeletable(_ entity: Entity, _ request: EmuRequest, in store: isolated EmulatorStore) throws(ARMError) {
        guard let requested = request.rawPath.split(separator: "/").last, requested.lowercased().contains(";rev=")
        else { return }
        let (base, rev) = EmulatorStore.splitApiName(entity.name)
        let revisions = store.state.all(kind: .apis).filter {
            EmulatorStore.splitApiName($0.name).base.lowercased() == base.lowercased()
        }
        if store.state.currentRevision[base.lowercased()] == rev, revisions.count > 1 {
            throw ARMError.badRequest("Cannot delete the current revision of an API.")
        }
    }

    /// Deleting the current revision (or any with `deleteRevisions=true`) deletes the API with all its revisions and
    /// its associations; otherwise only that revision goes.
    func cascade(_ entity: Entity, _ request: EmuRequest, in store: isolated EmulatorStore) {
        let (base, rev) = EmulatorStore.splitApiName(entity.name)
        let lowerBase = base.lowercased()
        let isCurrent = store.state.currentRevision[lowerBase] == rev
        guard isCurrent || request.queryValue("deleteRevisions")?.lowercased() == "true" else {
            store.state.removeTree(entity.key)
            return
        }
        let prefix = "apis/\(lowerBase);rev="
        for key in store.state.entities.keys where key.hasPrefix(prefix) && key.split(separator: "/").count == 2 {
            store.state.removeTree(key)
        }
        store.state.currentRevision[lowerBase] = nil
        store.removeAssociations(kind: .apis, name: base) { id in
            id.split(separator: "/").last.map { EmulatorStore.splitApiName(String($0)).base.lowercased() } == lowerBase
                && id.split(separator: "/").dropLast().last?.lowercased() == "apis"
        }
    }

    /// The list with `expandApiVersionSet=true` (the version set inlined) and `tags=a,b` (APIs with any of them).
    func list(_ route: Route, _ request: EmuRequest, in store: isolated EmulatorStore) throws(ARMError) -> [JSONValue]?
    {
        var items = try store.storedItems(.apis, route, request)
        if request.queryValue("expandApiVersionSet")?.lowercased() == "true" {
            items = items.map { item in
                guard case .object(var object) = item, var props = object["properties"]?.objectValue,
                    let setId = props["apiVersionSetId"]?.stringValue,
                    let set = store.entity(id: setId, of: .apiVersionSets)
                else { return item }
                var details = JSONObject([("id", .string(store.armId(set.key))), ("name", .string(set.name))])
                for field in ["description", "versioningScheme", "versionQueryName", "versionHeaderName"] {
                    if let value = set.properties[field] { details[field] = value }
                }
                props["apiVersionSet"] = .object(details)
                object["properties"] = .object(props)
                return .object(object)
            }
        }
        if let tags = request.queryValue("tags"), !tags.isEmpty {
            let wanted = Set(tags.split(separator: ",").map { $0.lowercased() })
            items = items.filter { item in
                guard let name = item["name"]?.stringValue else { return false }
                let tagged = store.state.children(of: "apis/" + store.internalApiName(name), kind: .apiTags).map {
                    $0.name.lowercased()
                }
                return !wanted.isDisjoint(with: tagged)
            }
        }
        return items
    }
}
