import Model
import YAML

/// Renders a desired state as YAML documents, one per resource, with secrets masked: secret values never enter
/// the model, and literal logger credentials are shown as `***`.
public enum DesiredStateRenderer {
    public static let mask = "***"

    public static func render(_ state: State) -> String {
        var documents: [YAMLNode] = []
        for resource in state.sorted {
            var object = JSONObject()
            object["id"] = .string(resource.id.armPath)
            object["kind"] = .string(resource.id.kind.rawValue)
            if let origin = resource.origin { object["source"] = .string(origin.description) }
            if resource.reconcile != .manage { object["reconcile"] = .string(resource.reconcile.rawValue) }
            if let generator = resource.generatedBy { object["generatedBy"] = .string(generator) }
            if !resource.dependencies.isEmpty {
                object["dependsOn"] = .array(resource.dependencies.sorted().map { .string($0.armPath) })
            }
            if resource.secrets.count == 1, let source = resource.secrets["value"] {
                object["secretFrom"] = .string(source.description)
            } else if !resource.secrets.isEmpty {
                object["secretFrom"] = .object(
                    JSONObject(
                        resource.secrets.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value.description)) }))
            }
            if let specification = resource.specification {
                let document = try? JSONValue.parse(specification.content)
                var spec: JSONValue = ["file": .string(specification.file), "format": .string(specification.format)]
                if let document { spec["operations"] = .number(Double(OpenAPIImport.operations(in: document).count)) }
                object["specification"] = spec
            }
            object["properties"] = masked(resource)
            documents.append(node(.object(object)))
        }
        return YAMLEmitter.emit(documents: documents)
    }

    static func masked(_ resource: Resource) -> JSONValue {
        var properties = resource.properties
        let descriptor = resource.id.kind.descriptor
        if let field = descriptor.secretField, properties["secret"]?.boolValue == true, properties[field] != nil {
            properties[field] = .string(mask)
        }
        for field in descriptor.maskedOnRead {
            guard var values = properties[field]?.objectValue else { continue }
            for (key, value) in values where !(value.stringValue ?? "").hasPrefix("{{") {
                values[key] = .string(mask)
            }
            properties[field] = .object(values)
        }
        return properties
    }

    public static func node(_ value: JSONValue) -> YAMLNode {
        let mark = YAMLMark(file: "", line: 0, column: 0)
        switch value {
        case .null: return YAMLNode(.scalar(YAMLScalar("null")), mark: mark)
        case .bool(let flag): return YAMLNode(.scalar(YAMLScalar(flag ? "true" : "false")), mark: mark)
        case .number: return YAMLNode(.scalar(YAMLScalar(value.serialized())), mark: mark)
        case .string(let text): return YAMLNode(.scalar(YAMLScalar(text, style: .doubleQuoted)), mark: mark)
        case .array(let items): return YAMLNode(.sequence(items.map(node)), mark: mark)
        case .object(let object):
            return YAMLNode(
                .mapping(object.map { YAMLPair(key: node(.string($0.key)), value: node($0.value)) }), mark: mark)
        }
    }
}
