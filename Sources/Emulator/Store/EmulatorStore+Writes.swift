import APIMSpec
import Foundation
import Model

/// PUT, PATCH and DELETE with ARM's semantics, driven by the spec's operation for the kind: which methods exist, the
/// request body's definition and constraints, If-Match, ETags, 200/201/202/204 and long-running operations.
extension EmulatorStore {
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

    /// 409 while an API's long-running operation is still pending (apim-rest.md §1.3).
    func checkApiLock(_ route: Route) throws(ARMError) {
        guard route.collections.first == "apis", let name = route.names.first else { return }
        if operations.isLocked(api: Self.splitApiName(internalApiName(name)).base.lowercased()) {
            throw ARMError(
                status: 409, code: "PessimisticConcurrencyConflict", message: "Operation on the API is in progress")
        }
    }

    /// The entity's own name against the constraints of the operation's last path parameter (`backendId`: 1–80).
    func checkName(_ route: Route, _ operation: SpecOperation) throws(ARMError) {
        guard let parameter = operation.pathParameters.last else { return }
        let violations = SpecCatalog.shared.validate(
            pathParameter: parameter.name, value: route.names.last ?? "", of: operation)
        if !violations.isEmpty { throw ARMError.validation(violations.map(ARMError.Detail.init)) }
    }

    func write(
        _ kind: EntityKind, _ route: Route, _ request: EmuRequest, isPatch: Bool
    ) throws(ARMError) -> EmuResponse {
        guard let operation = kind.operation(isPatch ? "PATCH" : "PUT") else {
            throw methodNotAllowed(isPatch ? "PATCH" : "PUT")
        }
        try checkAncestors(route)
        try checkApiLock(route)
        if !isPatch { try checkName(route, operation) }
        let key = itemKey(route)
        if kind.isAssociation { return try putAssociation(kind, route, key) }
        let version = request.apiVersion
        var submitted = try parseBody(request)["properties"]?.objectValue ?? JSONObject()
        let existing = state.entity(key)
        var context = WriteContext(
            kind: kind, route: route, key: key, properties: submitted, submitted: submitted, existing: existing,
            isPatch: isPatch, request: request, version: version)
        let rules = kind.rules
        if let definition = EntityKind.propertiesDefinition(of: operation, in: version) {
            let body = RequestBody(definition: definition, version: version)
            let violations = body.violations(submitted, checkRequired: !isPatch).filter {
                !rules.waives($0, in: context, store: self)
            }
            if !violations.isEmpty { throw ARMError.validation(violations.map(ARMError.Detail.init)) }
            submitted = body.known(submitted)
            context.submitted = submitted
            if let read = kind.readPropertiesDefinition(in: version) {
                submitted = body.readable(submitted, read: read)
            }
        } else {
            context.submitted = submitted
        }
        context.properties = submitted
        if isPatch {
            guard let existing else { throw ARMError.notFound(kind.label) }
            if operation.ifMatch == .required { try requireIfMatch(request, existing) }
            var merged = existing.properties
            for (name, value) in submitted { merged[name] = value }
            context.properties = merged
        } else if operation.ifMatch != .none, let header = request.header("if-match") {
            if let existing, !Self.etagMatches(header, existing.etag) { throw ARMError.preconditionFailed }
            // A conditional update of something that does not exist.
            if existing == nil, header.trimmingCharacters(in: .whitespaces) != "*" { throw ARMError.preconditionFailed }
        }
        let prepared = try rules.prepare(context, in: self)
        let entity = state.save(
            key: key, kind: kind, properties: prepared.properties, hidden: prepared.hidden, version: version)
        prepared.afterSave?(self, entity)
        let saved = state.entity(entity.key) ?? entity
        return written(saved, operation, status: isPatch || existing != nil ? 200 : 201, request)
    }

    /// The answer to a successful PUT or PATCH: ETag where the spec lists one, and for a long-running write its
    /// operation's `Location` and `Azure-AsyncOperation`, answering 202 (or 201/200 with `provisioningState:
    /// InProgress`, where the spec lists no 202) while polls are forced.
    private func written(_ saved: Entity, _ operation: SpecOperation, status: Int, _ request: EmuRequest) -> EmuResponse
    {
        var headers: [(String, String)] = []
        if operation.etagStatusCodes.contains(status) { headers.append(("ETag", saved.etag)) }
        var body = envelope(saved)
        if operation.isLongRunning {
            let lock = saved.kind == .apis ? Self.splitApiName(saved.name).base.lowercased() : nil
            headers += startOperation(key: saved.key, finalStatus: status, apiLock: lock, isDelete: false, request)
            let pending = operations.isForcingPolls
            if pending && (options.asyncInitialStatus == .accepted || operation.successStatusCodes.contains(202)) {
                return .empty(202, headers: headers)
            }
            if case .object(var object) = body, var props = object["properties"]?.objectValue {
                props["provisioningState"] = pending ? "InProgress" : "Succeeded"
                object["properties"] = .object(props)
                body = .object(object)
            }
        }
        return .json(status, body, headers: headers)
    }

    func putAssociation(_ kind: EntityKind, _ route: Route, _ key: String) throws(ARMError) -> EmuResponse {
        guard let target = kind.associationTarget, let name = route.names.last else {
            throw ARMError.notFound(kind.label)
        }
        let targetKey = target == .apis ? "apis/" + internalApiName(name) : "\(target.pattern)/\(name)"
        guard let entity = state.entity(targetKey) else { throw ARMError.notFound(target.label) }
        let storedName = target == .apis ? Self.splitApiName(entity.name).base : entity.name
        let entryKey = String(key.split(separator: "/").dropLast().joined(separator: "/")) + "/" + storedName
        let existed = state.entity(entryKey) != nil
        if !existed { state.save(key: entryKey, kind: kind, properties: JSONObject()) }
        let status = existed ? 200 : 201
        let etag = kind.operation("PUT")?.etagStatusCodes.contains(status) == true
        return .json(status, envelope(entity), headers: etag ? [("ETag", entity.etag)] : [])
    }

    func delete(_ kind: EntityKind, _ route: Route, _ request: EmuRequest) throws(ARMError) -> EmuResponse {
        guard let operation = kind.operation("DELETE") else { throw methodNotAllowed("DELETE") }
        guard let entity = state.entity(itemKey(route)) else { return .empty(204) }
        if operation.ifMatch == .required { try requireIfMatch(request, entity) }
        try checkApiLock(route)
        let rules = kind.rules
        try rules.checkDeletable(entity, request, in: self)
        let external = externalKey(entity.key)
        rules.cascade(entity, request, in: self)
        guard operation.isLongRunning else { return .empty(200) }
        // Writes to an API are refused (409) until its delete's polls are done.
        let lock = kind == .apis ? Self.splitApiName(entity.name).base.lowercased() : nil
        let headers = startOperation(key: nil, finalStatus: 200, apiLock: lock, isDelete: true, request, path: external)
        return .empty(202, headers: headers)
    }
}
