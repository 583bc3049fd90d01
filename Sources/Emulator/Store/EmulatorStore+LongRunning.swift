import Model

/// The `Location` and `Azure-AsyncOperation` URLs of long-running operations, and their polls (apim-rest.md §1.7).
extension EmulatorStore {
    /// Starts an operation and returns its headers; the URLs carry the request's api-version.
    func startOperation(
        key: String?, finalStatus: Int, apiLock: String?, isDelete: Bool, _ request: EmuRequest, path: String? = nil
    ) -> [(String, String)] {
        let id = hexId()
        let external = path ?? key.map { externalKey($0) } ?? ""
        operations.start(
            LongRunningOperations.Operation(
                id: id, remainingPolls: operations.polls, resourceKey: key, externalPath: external,
                finalStatus: finalStatus, apiLock: apiLock, isDelete: isDelete))
        let base = request.origin + servicePath
        let version = request.queryValue("api-version") ?? EmulatorInfo.apiVersion
        return [
            (
                "Location",
                "\(base)/\(Self.percentEncodePath(external))?api-version=\(version)&asyncId=\(id)&asyncCode=\(finalStatus)"
            ),
            ("Azure-AsyncOperation", "\(base)/tenant/operationResults/\(id)?api-version=\(version)"),
        ] + (operations.isForcingPolls ? [("Retry-After", String(options.asyncRetryAfterSeconds))] : [])
    }

    /// The answer to a write drawn by a `stuck` fault: 202 and an operation that stays pending forever (its polls
    /// answer 202 and `InProgress`); the write itself is not applied, as when ARM loses an operation.
    func neverFinishingOperation(_ request: EmuRequest, path: String, headers: [(String, String)]) -> EmuResponse {
        let id = hexId()
        operations.start(
            LongRunningOperations.Operation(
                id: id, remainingPolls: Int.max, resourceKey: nil, externalPath: path, finalStatus: 200,
                apiLock: nil, isDelete: request.method == "DELETE"))
        let base = request.origin + servicePath
        let version = request.queryValue("api-version") ?? EmulatorInfo.apiVersion
        return .empty(
            202,
            headers: headers + [
                (
                    "Location",
                    "\(base)/\(Self.percentEncodePath(path))?api-version=\(version)&asyncId=\(id)&asyncCode=200"
                ),
                ("Azure-AsyncOperation", "\(base)/tenant/operationResults/\(id)?api-version=\(version)"),
                ("Retry-After", String(options.asyncRetryAfterSeconds)),
            ])
    }

    /// A GET of a `Location` URL: 202 while pending, then the resource with the operation's final status.
    func poll(_ id: String, _ request: EmuRequest) -> EmuResponse {
        guard let operation = operations.operation(id) else { return .empty(404) }
        if operations.advance(id) {
            let location =
                request.origin + Self.percentEncodePath(request.rawPath) + "?"
                + request.query.map { "\($0.0)=\(Self.percentEncode($0.1))" }.joined(separator: "&")
            return .empty(
                202, headers: [("Location", location), ("Retry-After", String(options.asyncRetryAfterSeconds))])
        }
        if operation.isDelete { return .empty(200) }
        guard let key = operation.resourceKey, let entity = state.entity(key) else {
            let route = Route.parse(operation.externalPath.split(separator: "/").map(String.init), method: "GET")
            return .error(ARMError.notFound(route?.kind?.label ?? "Entity"))
        }
        return .json(operation.finalStatus, envelope(entity), headers: [("ETag", entity.etag)])
    }

    /// `GET tenant/operationResults/{id}`: the operation's status document.
    func operationResult(_ id: String, _ request: EmuRequest) -> EmuResponse {
        guard let operation = operations.operation(id) else {
            return .error(ARMError(status: 404, code: "ResourceNotFound", message: "Operation result not found."))
        }
        let now = Self.timestamp()
        var body = JSONObject()
        body["id"] = .string(servicePath + "/tenant/operationResults/" + id)
        body["name"] = .string(id)
        body["started"] = .string(now)
        body["updated"] = .string(now)
        if operations.advance(id) {
            body["status"] = "InProgress"
            return .json(200, .object(body), headers: [("Retry-After", String(options.asyncRetryAfterSeconds))])
        }
        body["status"] = "Succeeded"
        if let key = operation.resourceKey { body["resultInfo"] = .string(armId(key)) }
        return .json(200, .object(body))
    }
}
