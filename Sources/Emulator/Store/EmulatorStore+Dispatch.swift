import APIMSpec
import Model

/// Routes an entity request to the generic ARM semantics of its kind.
extension EmulatorStore {
    func dispatch(_ route: Route, _ request: EmuRequest) throws(ARMError) -> EmuResponse {
        let method = request.method
        // A kind newer than the request's api-version is, at that version, a path APIM does not have.
        guard let kind = route.kind, request.apiVersion >= kind.since else {
            throw unknownPath(route.collections.joined(separator: "/"), request)
        }
        if kind.isView {
            guard method == "GET" else { throw methodNotAllowed(method) }
            try checkAncestors(route)
            let items = try kind.rules.list(route, request, in: self) ?? []
            if route.isCollection { return try page(items, request) }
            // One item of a view (`users/{u}/subscriptions/{sid}`): the list's item of that name.
            let name = route.names.last?.lowercased()
            guard let item = items.first(where: { $0["name"]?.stringValue?.lowercased() == name }) else {
                throw ARMError.notFound(kind.label)
            }
            return .json(200, item)
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

    func postAction(
        _ kind: EntityKind, _ route: Route, _ action: String, _ request: EmuRequest
    ) throws(ARMError) -> EmuResponse {
        try checkAncestors(route)
        guard let entity = state.entity(itemKey(route)) else { throw ARMError.notFound(kind.label) }
        let name = action.lowercased()
        if kind.actionOperations[name] != nil,
            let answer = try kind.rules.action(name, on: entity, request, in: self)
        {
            return answer
        }
        throw ARMError(
            status: 404, code: "ResourceNotFound", message: "The action '\(action)' is not supported on \(kind.label).")
    }
}
