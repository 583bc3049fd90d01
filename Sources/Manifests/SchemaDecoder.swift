import Model
import YAML

/// Decodes YAML nodes into JSON values against a field schema, substituting variables in strings and collecting
/// every problem as a diagnostic instead of stopping at the first. Decoding follows the schema, so it recurses no
/// deeper than the schema does, whatever the input.
struct SchemaDecoder {
    var substitution: VariableSubstitution
    private(set) var diagnostics: [Diagnostic] = []
    /// Where each decoded value came from, keyed by its path (`spec.pool[0].backend`).
    private(set) var locations: [String: SourceLocation] = [:]

    init(substitution: VariableSubstitution) {
        self.substitution = substitution
    }

    mutating func error(_ message: String, at node: YAMLNode) {
        diagnostics.append(.error(message, at: node.mark.location))
    }

    mutating func error(_ message: String, at location: SourceLocation?) {
        diagnostics.append(.error(message, at: location))
    }

    mutating func warning(_ message: String, at location: SourceLocation?) {
        diagnostics.append(.warning(message, at: location))
    }

    /// Decodes a mapping against `schema`; `path` names it in messages and in `locations`.
    mutating func decodeObject(_ node: YAMLNode, schema: ObjectSchema, path: String) -> JSONValue? {
        guard let pairs = node.mapping else {
            error("'\(path)' must be a mapping, found \(node.shapeDescription)", at: node)
            return nil
        }
        locations[path] = node.mark.location
        var object = JSONObject()
        var given: [String: YAMLNode] = [:]
        for pair in pairs {
            guard let key = pair.key.scalar?.text else {
                error("keys in '\(path)' must be strings", at: pair.key)
                continue
            }
            guard let field = schema.field(key) else {
                let hint = Suggestions.hint(for: key, in: schema.fields.map(\.name))
                error("unknown field '\(key)' in '\(path)'\(hint)", at: pair.key)
                continue
            }
            given[key] = pair.key
            let childPath = path + "." + key
            locations[childPath] = pair.value.mark.location
            if let value = decode(pair.value, as: field.type, path: childPath) { object[key] = value }
        }
        for field in schema.fields where field.required && given[field.name] == nil {
            error("missing required field '\(field.name)' in '\(path)'", at: node)
        }
        for group in schema.exclusive {
            let present = group.filter { given[$0] != nil }
            if present.count > 1, let second = given[present[1]] {
                error("'\(present[0])' and '\(present[1])' cannot both be given in '\(path)'", at: second)
            }
        }
        return .object(object)
    }

    /// Decodes any node against `type`.
    mutating func decode(_ node: YAMLNode, as type: FieldType, path: String) -> JSONValue? {
        switch type {
        case .object(let schema):
            return decodeObject(node, schema: schema, path: path)
        case .scalarOr(let scalarType, let collectionType):
            return decode(node, as: node.scalar == nil ? collectionType : scalarType, path: path)
        case .listOr(let listType, let objectType):
            return decode(node, as: node.mapping == nil ? listType : objectType, path: path)
        case .map(let valueType):
            guard let pairs = node.mapping else {
                error("'\(path)' must be a mapping, found \(node.shapeDescription)", at: node)
                return nil
            }
            var object = JSONObject()
            for pair in pairs {
                guard let key = pair.key.scalar?.text else { continue }
                let childPath = path + "." + key
                locations[childPath] = pair.value.mark.location
                if let value = decode(pair.value, as: valueType, path: childPath) { object[key] = value }
            }
            return .object(object)
        case .list(let elementType, let maxCount):
            guard let items = node.sequence else {
                error("'\(path)' must be a list, found \(node.shapeDescription)", at: node)
                return nil
            }
            if let maxCount, items.count > maxCount {
                error("'\(path)' has \(items.count) items; APIM allows at most \(maxCount)", at: node)
            }
            var values: [JSONValue] = []
            for (index, item) in items.enumerated() {
                let childPath = "\(path)[\(index)]"
                locations[childPath] = item.mark.location
                if let value = decode(item, as: elementType, path: childPath) { values.append(value) }
            }
            return .array(values)
        case .boolean:
            if case .bool(let value)? = node.resolved { return .bool(value) }
            var message = "'\(path)' must be \(type.expectation), found \(node.shapeDescription)"
            if let text = node.scalar?.text, ["yes", "no", "on", "off", "y", "n"].contains(text.lowercased()) {
                message += " ('\(text)' is a string in YAML 1.2)"
            }
            error(message, at: node)
            return nil
        case .integer(let range):
            guard case .int(let value)? = node.resolved else {
                error("'\(path)' must be \(type.expectation), found \(node.shapeDescription)", at: node)
                return nil
            }
            if let range, !range.contains(value) {
                error("'\(path)' must be between \(range.lowerBound) and \(range.upperBound), found \(value)", at: node)
            }
            return .number(Double(value))
        case .number(let range):
            let number: Double
            switch node.resolved {
            case .int(let value)?: number = Double(value)
            case .float(let value)?: number = value
            default:
                error("'\(path)' must be \(type.expectation), found \(node.shapeDescription)", at: node)
                return nil
            }
            if let range, !range.contains(number) {
                error(
                    "'\(path)' must be between \(JSONValue.number(range.lowerBound).serialized()) and "
                        + "\(JSONValue.number(range.upperBound).serialized()), found \(JSONValue.number(number).serialized())",
                    at: node)
            }
            return .number(number)
        case .string(let rule):
            let before = diagnostics.count
            guard let text = decodeString(node, path: path) else { return nil }
            // A value with an unknown variable is already reported; checking its format would only add noise.
            if diagnostics.count == before { check(text, rule: rule, path: path, node: node) }
            return .string(text)
        }
    }

    /// A string value with variables substituted; numbers written plainly are accepted as their text.
    mutating func decodeString(_ node: YAMLNode, path: String) -> String? {
        guard let scalar = node.scalar else {
            error("'\(path)' must be a string, found \(node.shapeDescription)", at: node)
            return nil
        }
        switch node.resolved {
        case .string?, .int?, .float?: break
        default:
            error("'\(path)' must be a string, found \(node.shapeDescription)", at: node)
            return nil
        }
        if let secret = SecretLikeValue.kind(of: scalar.text) {
            error(
                "'\(path)' looks like \(secret); secrets do not belong in manifests: keep it in a secret named value "
                    + "('valueFrom' or 'keyVault') and refer to it as {{name}}", at: node)
            return nil
        }
        let (text, unknown) = substitution.apply(to: scalar.text)
        for variable in unknown {
            error(substitution.message(for: variable.name), at: node.location(ofOffset: variable.offset))
        }
        guard let text else {
            error(substitution.tooLongMessage(), at: node)
            return nil
        }
        return text
    }

    private mutating func check(_ text: String, rule: StringRule, path: String, node: YAMLNode) {
        switch rule {
        case .any: return
        case .oneOf(let values):
            if !values.contains(text) {
                let hint = Suggestions.hint(for: text, in: values)
                let list = values.map { "'\($0)'" }.joined(separator: ", ")
                error("'\(path)' must be one of \(list), found '\(text)'\(hint)", at: node)
            }
        case .duration:
            if !CommonFields.isDuration(text) {
                error("'\(path)' must be an ISO 8601 duration such as 'PT1M', found '\(text)'", at: node)
            }
        case .url:
            if !(text.hasPrefix("https://") || text.hasPrefix("http://")) || text.count < 9 {
                error("'\(path)' must be an absolute http(s) URL, found '\(text)'", at: node)
            }
        case .pattern(let description, let matches):
            if !matches(text) { error("'\(path)' \(description), found '\(text)'", at: node) }
        }
    }
}

extension YAMLMark {
    /// The mark as a model source location.
    var location: SourceLocation { SourceLocation(file: file, line: line, column: column) }
}

extension YAMLNode {
    /// The location of a scalar offset inside this node's text, exact for single-line plain and quoted scalars.
    func location(ofOffset offset: Int) -> SourceLocation {
        guard let scalar, !scalar.text.prefix(offset).contains("\n") else { return mark.location }
        switch scalar.style {
        case .plain: return SourceLocation(file: mark.file, line: mark.line, column: mark.column + offset)
        case .singleQuoted, .doubleQuoted:
            return SourceLocation(file: mark.file, line: mark.line, column: mark.column + 1 + offset)
        case .literal, .folded: return mark.location
        }
    }
}
