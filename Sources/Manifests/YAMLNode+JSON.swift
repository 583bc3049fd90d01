import Model
import YAML

extension YAMLNode {
    /// The node as a JSON value (scalars resolved per the YAML 1.2 core schema), e.g. for OpenAPI documents
    /// written in YAML. Recurses once per level, which the loader bounds (`YAMLLimits.maximumDepth`).
    public var jsonValue: JSONValue {
        switch content {
        case .scalar(let scalar):
            switch scalar.resolve(tag: tag) {
            case .null: return .null
            case .bool(let value): return .bool(value)
            case .int(let value): return .number(Double(value))
            case .float(let value): return .number(value)
            case .string(let value): return .string(value)
            }
        case .sequence(let items): return .array(items.map(\.jsonValue))
        case .mapping(let pairs):
            return .object(JSONObject(pairs.map { ($0.key.scalar?.text ?? "", $0.value.jsonValue) }))
        }
    }
}
