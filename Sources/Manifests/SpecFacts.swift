import APIMSpec
import Model

/// Facts manifest schemas take from the official spec rather than retyping them.
enum SpecFacts {
    /// The values the spec allows for a property, in any vendored api-version (the first version's order, then
    /// what later versions add).
    static func allowedValues(_ definition: String, _ property: String) -> [String] {
        var values: [String] = []
        for version in APIVersion.all {
            var type = SpecCatalog.shared.resolve(definition: definition, propertyPath: [property], in: version)?.type
            while let element = type?.element { type = element }
            for value in type?.allowedValues ?? [] {
                if let text = value.stringValue, !values.contains(text) { values.append(text) }
            }
        }
        return values
    }
}
