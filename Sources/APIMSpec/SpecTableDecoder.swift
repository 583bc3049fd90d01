import Model

/// A generated table that does not decode: a bug in the generator or a hand-edited file.
public struct SpecTableError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// Turns the generated JSON text (see `scripts/generate-spec-table.py` for its format) into spec values.
enum SpecTableDecoder {
    /// The definitions of one table text (a whole version, or an overlay).
    static func definitions(_ text: String) throws(SpecTableError) -> [String: SpecDefinition] {
        guard case .object(let members) = try parse(text) else { throw SpecTableError(description: "not an object") }
        var result: [String: SpecDefinition] = [:]
        for (name, body) in members { result[name] = try definition(name, body) }
        return result
    }

    /// The operations of the operations table text.
    static func operations(_ text: String) throws(SpecTableError) -> [SpecOperation] {
        guard case .array(let items) = try parse(text) else { throw SpecTableError(description: "not an array") }
        var result: [SpecOperation] = []
        for item in items { result.append(try operation(item)) }
        return result
    }

    private static func parse(_ text: String) throws(SpecTableError) -> JSONValue {
        do { return try JSONValue.parse(text) } catch { throw SpecTableError(description: error.description) }
    }

    private static func definition(_ name: String, _ body: JSONValue) throws(SpecTableError) -> SpecDefinition {
        let required = Set(body["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        var properties: [String: SpecProperty] = [:]
        for (property, node) in body["properties"]?.objectValue ?? JSONObject() {
            properties[property] = SpecProperty(
                name: property, type: try type(node, at: "\(name).\(property)"),
                isRequired: required.contains(property),
                isReadOnly: node["readOnly"]?.boolValue ?? false,
                isSecret: node["secret"]?.boolValue ?? false,
                isSupplement: node["source"]?.stringValue == "supplement")
        }
        for missing in required where properties[missing] == nil {
            throw SpecTableError(description: "\(name) requires \(missing), which it does not have")
        }
        return SpecDefinition(
            name: name, properties: properties,
            additionalProperties: try body["additionalProperties"].map { node throws(SpecTableError) in
                try type(node, at: "\(name){}")
            },
            unresolvedReferences: body["unresolved"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }

    static func type(_ node: JSONValue, at place: String) throws(SpecTableError) -> SpecType {
        guard let kindName = node["type"]?.stringValue, let kind = SpecType.Kind(rawValue: kindName) else {
            throw SpecTableError(description: "\(place): no valid type")
        }
        var element: SpecType?
        if kind == .array || kind == .map {
            guard let inner = node[kind == .array ? "items" : "values"] else {
                throw SpecTableError(description: "\(place): \(kindName) without its element type")
            }
            element = try type(inner, at: place + (kind == .array ? "[]" : "{}"))
        }
        return SpecType(
            fields: SpecType.Fields(
                kind: kind, definition: node["ref"]?.stringValue, element: element.map { [$0] } ?? [],
                allowedValues: node["enum"]?.arrayValue, lowercasedAllowedStrings: nil,
                minLength: node["minLength"]?.numberValue.map { Int($0) },
                maxLength: node["maxLength"]?.numberValue.map { Int($0) },
                pattern: node["pattern"]?.stringValue, minimum: node["minimum"]?.numberValue,
                maximum: node["maximum"]?.numberValue,
                exclusiveMinimum: node["exclusiveMinimum"]?.boolValue ?? false,
                exclusiveMaximum: node["exclusiveMaximum"]?.boolValue ?? false,
                minItems: node["minItems"]?.numberValue.map { Int($0) },
                maxItems: node["maxItems"]?.numberValue.map { Int($0) },
                uniqueItems: node["uniqueItems"]?.boolValue ?? false, format: node["format"]?.stringValue,
                defaultValue: node["default"], unresolvedReference: node["unresolved"]?.stringValue,
                enumFrom: node["enumFrom"]?.stringValue.map(APIVersion.init(rawValue:))))
    }

    private static func operation(_ item: JSONValue) throws(SpecTableError) -> SpecOperation {
        guard let method = item["method"]?.stringValue, let path = item["path"]?.stringValue,
            let operationId = item["operationId"]?.stringValue,
            let ifMatchText = item["ifMatch"]?.stringValue, let ifMatch = SpecOperation.IfMatch(rawValue: ifMatchText),
            let since = item["since"]?.stringValue
        else { throw SpecTableError(description: "operation without method, path, operationId, ifMatch or since") }
        var pathParameters: [SpecPathParameter] = []
        for parameter in item["pathParameters"]?.arrayValue ?? [] {
            guard let name = parameter["name"]?.stringValue else {
                throw SpecTableError(description: "\(operationId): path parameter without a name")
            }
            var node = parameter
            node["type"] = "string"
            pathParameters.append(SpecPathParameter(name: name, type: try type(node, at: "\(operationId).\(name)")))
        }
        let codes: (String) -> [Int] = { key in
            item[key]?.arrayValue?.compactMap { $0.numberValue.map { Int($0) } } ?? []
        }
        var responses: [Int: String] = [:]
        for (code, definition) in item["responses"]?.objectValue ?? JSONObject() {
            if let status = Int(code), let name = definition.stringValue { responses[status] = name }
        }
        var fixedQuery: [String: String] = [:]
        for (name, value) in item["fixedQuery"]?.objectValue ?? JSONObject() { fixedQuery[name] = value.stringValue }
        return SpecOperation(
            method: method, pathTemplate: path, operationId: operationId,
            isLongRunning: item["longRunning"]?.boolValue ?? false,
            isPageable: item["pageable"]?.boolValue ?? false,
            bodyDefinition: item["body"]?.stringValue,
            successStatusCodes: codes("success"), etagStatusCodes: codes("etag"), ifMatch: ifMatch,
            responseDefinitions: responses, pathParameters: pathParameters,
            queryParameters: (item["query"]?.arrayValue ?? []).compactMap { query in
                query["name"]?.stringValue.map {
                    SpecQueryParameter(name: $0, isRequired: query["required"]?.boolValue ?? false)
                }
            },
            fixedQuery: fixedQuery, since: APIVersion(rawValue: since), source: item["source"]?.stringValue ?? "")
    }
}
