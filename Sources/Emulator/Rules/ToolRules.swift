import Model

/// MCP tools of an API (`apis/{apiId}/tools/{toolId}`, from 2025-03-01-preview): `operationId` must name an
/// operation of that same API (`/apis/{apiId}/operations/{operationId}`, the form the spec's description gives),
/// stored as its full id.
struct ToolRules: EntityRules {
    var kinds: [EntityKind] { [.tools] }

    func prepare(_ write: WriteContext, in store: isolated EmulatorStore) throws(ARMError) -> Prepared {
        var props = write.properties
        guard let id = props["operationId"]?.stringValue else { return Prepared(props) }
        let apiKey = store.resolveKey(write.route, count: 1)
        guard let operation = store.entity(id: id, of: .operations),
            operation.parentKey.lowercased() == apiKey.lowercased()
        else {
            throw ARMError.validation(
                target: "operationId",
                message: "Operation with id '\(id)' could not be found in API '\(write.route.names[0])'.")
        }
        props["operationId"] = .string(store.armId(operation.key))
        return Prepared(props)
    }
}
