import Model

/// What live resources depend on, read from their properties and policies, so deletes run dependants first.
enum LiveDependencies {
    static func of(_ resource: Resource, namedValuesByDisplayName: [String: ResourceID]) -> Set<ResourceID> {
        var result: Set<ResourceID> = []
        let id = resource.id
        if let owner = id.owner { result.insert(owner) }
        switch id.kind {
        case .apiOperationPolicy: result.insert(ResourceID(.apiOperation, id.names[0], id.names[1]))
        case .apiTag: result.insert(ResourceID(.tag, id.names[1]))
        case .productApi: result.insert(ResourceID(.api, id.names[1]))
        default: break
        }
        let properties = resource.properties
        for service in properties["pool"]?["services"]?.arrayValue ?? [] {
            if let target = service["id"]?.stringValue.flatMap(relative) { result.insert(target) }
        }
        for key in ["loggerId", "scope", "apiVersionSetId"] {
            if let target = properties[key]?.stringValue.flatMap(relative) { result.insert(target) }
        }
        if id.kind.isPolicy || id.kind == .policyFragment, let text = properties["value"]?.stringValue {
            let scan = PolicyScanner.scan(text)
            for reference in scan.namedValueReferences {
                if let target = namedValuesByDisplayName[reference.name] { result.insert(target) }
            }
            for element in scan.elements {
                for attribute in element.attributes where !attribute.isExpression && !attribute.value.contains("{{") {
                    if attribute.name == "backend-id" || attribute.name.hasSuffix("-backend-id") {
                        result.insert(ResourceID(.backend, attribute.value))
                    } else if element.name == "include-fragment", attribute.name == "fragment-id" {
                        result.insert(ResourceID(.policyFragment, attribute.value))
                    }
                }
            }
        }
        result.remove(id)
        return result
    }

    /// `/backends/x` (or a full ARM id) as a resource id.
    static func relative(_ text: String) -> ResourceID? {
        text.hasPrefix("/") ? ResourceID(armID: text) : nil
    }
}
