import Model

/// What live resources depend on, read from their ids, properties and policies as their kinds' descriptors
/// describe them, so deletes run dependants first.
enum LiveDependencies {
    /// `namedValuesByDisplayName` is keyed by lowercased display name: APIM matches `{{name}}` regardless of case.
    static func of(_ resource: Resource, namedValuesByDisplayName: [String: ResourceID]) -> Set<ResourceID> {
        var result: Set<ResourceID> = []
        let id = resource.id
        let descriptor = id.kind.descriptor
        if let owner = id.owner { result.insert(owner) }
        if let parent = id.parent { result.insert(parent) }
        for reference in descriptor.nameReferences where reference.index < id.names.count {
            result.insert(ResourceID(reference.target, id.names[reference.index]))
        }
        let properties = resource.properties
        for reference in descriptor.references {
            for text in properties.strings(at: reference.path) {
                if let target = relative(text), reference.targets.contains(target.kind) { result.insert(target) }
            }
        }
        if descriptor.holdsPolicyDocument, let text = properties["value"]?.stringValue {
            let scan = PolicyScanner.scan(text)
            for reference in scan.namedValueReferences {
                if let target = namedValuesByDisplayName[reference.name.lowercased()] { result.insert(target) }
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
