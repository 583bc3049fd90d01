import Foundation
import Model
import YAML

/// One operation created by an import: its resource name and properties.
struct ImportedOperation: Sendable {
    var name: String
    var properties: JSONObject
}

/// What an import contributes to the API and its operations.
struct ImportResult: Sendable {
    var title: String?
    var description: String?
    var serviceUrl: String?
    var operations: [ImportedOperation]
}

/// OpenAPI 3 / Swagger 2 import as `apim-rest.md` §3.7 describes it.
enum OpenAPIImport {
    static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// `nil` for link formats (the emulator cannot download documents): the API is created without operations.
    static func importDocument(
        format: String, value: String, translateRequiredQuery: String
    ) throws(ARMError)
        -> ImportResult?
    {
        let lower = format.lowercased()
        let supported = ["openapi", "openapi+json", "swagger-json"]
        if lower.hasSuffix("-link") || lower.hasSuffix("-link-json") { return nil }
        guard supported.contains(lower) else {
            throw ARMError.validation(
                target: "format",
                message:
                    "The emulator does not import format '\(format)'; supported: \(supported.joined(separator: ", ")) and link formats."
            )
        }
        let document: JSONValue
        do {
            document = try JSONValue.parse(value)
        } catch {
            guard lower == "openapi" else {
                throw ARMError.validation(
                    target: "value", message: "The API definition could not be parsed: \(error.description).")
            }
            do {
                document = try YAMLParser.parse(value, file: "value").first?.root.map(json) ?? .null
            } catch {
                throw ARMError.validation(
                    target: "value", message: "The API definition could not be parsed: \(error.message).")
            }
        }
        guard document.objectValue != nil, let paths = document["paths"]?.objectValue else {
            throw ARMError.validation(target: "value", message: "The API definition has no 'paths' object.")
        }
        let isSwagger = document["swagger"] != nil
        if !isSwagger, document["openapi"] == nil {
            throw ARMError.validation(
                target: "value",
                message: "The API definition is neither OpenAPI 3 ('openapi') nor Swagger 2 ('swagger').")
        }
        var result = ImportResult(
            title: document["info"]?["title"]?.stringValue, description: document["info"]?["description"]?.stringValue,
            serviceUrl: serviceUrl(document, swagger: isSwagger), operations: [])
        var used = Set<String>()
        for (path, item) in paths {
            guard let pathItem = item.objectValue else { continue }
            let shared = pathItem["parameters"]?.arrayValue ?? []
            for method in methods {
                guard let operation = pathItem[method]?.objectValue else { continue }
                let operationId = operation["operationId"]?.stringValue
                var name = normalise(operationId ?? "\(method)-\(path)")
                if name.isEmpty { name = method }
                if used.contains(name) {
                    var suffix = 1
                    while used.contains("\(name)-\(suffix)") && suffix < 999 { suffix += 1 }
                    name = "\(name)-\(suffix)"
                }
                used.insert(name)
                let displayName =
                    operation["summary"]?.stringValue.map { String($0.prefix(300)) } ?? operationId
                    ?? "\(method.prefix(1).uppercased() + method.dropFirst()) - \(path)"
                var parameters: [JSONValue] = []
                var seen = Set<String>()
                for raw in (operation["parameters"]?.arrayValue ?? []) + shared {
                    let parameter = resolve(raw, in: document)
                    let key = "\(parameter["in"]?.stringValue ?? "")/\(parameter["name"]?.stringValue ?? "")"
                        .lowercased()
                    if seen.insert(key).inserted { parameters.append(parameter) }
                }
                result.operations.append(
                    ImportedOperation(
                        name: name,
                        properties: properties(
                            method: method, path: path, displayName: displayName, operation: operation,
                            parameters: parameters, document: document, swagger: isSwagger,
                            templateQuery: translateRequiredQuery.lowercased() != "query")))
            }
        }
        return result
    }

    /// A YAML node as JSON, scalars resolved per the YAML 1.2 core schema (as the `YAML` module reads them).
    static func json(_ node: YAMLNode) -> JSONValue {
        if let items = node.sequence { return .array(items.map(json)) }
        if let pairs = node.mapping {
            return .object(JSONObject(pairs.map { ($0.key.scalar?.text ?? "", json($0.value)) }))
        }
        switch node.resolved {
        case .bool(let value): return .bool(value)
        case .int(let value): return .number(Double(value))
        case .float(let value): return .number(value)
        case .string(let value): return .string(value)
        case .null, nil: return .null
        }
    }

    /// `ChatCompletions_Create` → `chatcompletions-create`: lower-case, runs of non-alphanumerics → `-`,
    /// dashes trimmed, at most 76 characters.
    static func normalise(_ text: String) -> String {
        var out = ""
        var pendingDash = false
        for scalar in text.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if pendingDash && !out.isEmpty { out += "-" }
                pendingDash = false
                out.unicodeScalars.append(scalar)
            } else {
                pendingDash = true
            }
        }
        return String(out.prefix(76)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }

    static func resolve(_ value: JSONValue, in document: JSONValue) -> JSONValue {
        guard let ref = value["$ref"]?.stringValue, ref.hasPrefix("#/") else { return value }
        var current: JSONValue? = document
        for part in ref.dropFirst(2).split(separator: "/") {
            let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            current = current?[key]
        }
        return current ?? value
    }

    static func serviceUrl(_ document: JSONValue, swagger: Bool) -> String? {
        if swagger {
            guard let host = document["host"]?.stringValue else { return nil }
            let scheme = document["schemes"]?.arrayValue?.first?.stringValue ?? "https"
            return "\(scheme)://\(host)\(document["basePath"]?.stringValue ?? "")"
        }
        guard let server = document["servers"]?.arrayValue?.first, var url = server["url"]?.stringValue else {
            return nil
        }
        for (name, variable) in server["variables"]?.objectValue ?? JSONObject() {
            if let value = variable["default"]?.stringValue {
                url = url.replacingOccurrences(of: "{\(name)}", with: value)
            }
        }
        return url
    }

    static func typeName(_ parameter: JSONValue) -> String {
        parameter["schema"]?["type"]?.stringValue ?? parameter["type"]?.stringValue ?? "string"
    }

    static func parameterContract(_ parameter: JSONValue, required: Bool) -> JSONValue {
        var contract = JSONObject()
        contract["name"] = parameter["name"] ?? ""
        if let description = parameter["description"] { contract["description"] = description }
        contract["type"] = .string(typeName(parameter))
        if let defaultValue = parameter["schema"]?["default"] ?? parameter["default"] {
            contract["defaultValue"] = .string(defaultValue.stringValue ?? defaultValue.serialized())
        }
        contract["required"] = .bool(required)
        let values = (parameter["schema"]?["enum"] ?? parameter["enum"])?.arrayValue ?? []
        contract["values"] = .array(values.map { .string($0.stringValue ?? $0.serialized()) })
        return .object(contract)
    }

    static func properties(
        method: String, path: String, displayName: String, operation: JSONObject, parameters: [JSONValue],
        document: JSONValue, swagger: Bool, templateQuery: Bool
    ) -> JSONObject {
        var templateParameters: [JSONValue] = []
        var queryParameters: [JSONValue] = []
        var headers: [JSONValue] = []
        var requiredQuery: [String] = []
        for parameter in parameters {
            let location = parameter["in"]?.stringValue ?? ""
            let isRequired = parameter["required"]?.boolValue == true
            switch location {
            case "path":
                templateParameters.append(parameterContract(parameter, required: true))
            case "query":
                if isRequired && templateQuery {
                    templateParameters.append(parameterContract(parameter, required: true))
                    requiredQuery.append(parameter["name"]?.stringValue ?? "")
                } else {
                    queryParameters.append(parameterContract(parameter, required: isRequired))
                }
            case "header":
                headers.append(parameterContract(parameter, required: isRequired))
            default:
                break
            }
        }
        var urlTemplate = path
        if !requiredQuery.isEmpty {
            urlTemplate += "?" + requiredQuery.map { "\($0)={\($0)}" }.joined(separator: "&")
        }
        var request = JSONObject()
        request["queryParameters"] = .array(queryParameters)
        request["headers"] = .array(headers)
        var representations: [JSONValue] = []
        let bodyless = ["get", "head", "options"].contains(method)
        if !bodyless {
            if swagger {
                if parameters.contains(where: { $0["in"]?.stringValue == "body" }) {
                    for type in document["consumes"]?.arrayValue ?? [.string("application/json")] {
                        representations.append(.object(JSONObject([("contentType", type)])))
                    }
                }
            } else if let body = operation["requestBody"].map({ resolve($0, in: document) }),
                let content = body["content"]?.objectValue
            {
                for (contentType, _) in content {
                    representations.append(.object(JSONObject([("contentType", .string(contentType))])))
                }
                if let description = body["description"] { request["description"] = description }
            }
        }
        request["representations"] = .array(representations)
        var responses: [JSONValue] = []
        for (code, raw) in operation["responses"]?.objectValue ?? JSONObject() {
            guard let status = Int(code) else { continue }
            let response = resolve(raw, in: document)
            var contract = JSONObject()
            contract["statusCode"] = .number(Double(status))
            contract["description"] = response["description"] ?? ""
            let types = response["content"]?.objectValue.map { Array($0.keys) } ?? []
            contract["representations"] = .array(types.map { .object(JSONObject([("contentType", .string($0))])) })
            contract["headers"] = []
            responses.append(.object(contract))
        }
        var props = JSONObject()
        props["displayName"] = .string(displayName)
        props["method"] = .string(method.uppercased())
        props["urlTemplate"] = .string(urlTemplate)
        props["templateParameters"] = .array(templateParameters)
        if let description = operation["description"] { props["description"] = description }
        props["request"] = .object(request)
        props["responses"] = .array(responses)
        return props
    }
}

extension EmulatorStore {
    /// Creates, updates in place (keeping policies) and deletes operations as an OpenAPI re-import does (§3.7).
    func applyImport(_ operations: [ImportedOperation], apiKey: String) {
        let existing = state.children(of: apiKey, kind: .operations)
        let wanted = Set(operations.map { $0.name.lowercased() })
        for operation in existing where !wanted.contains(operation.name.lowercased()) {
            state.removeTree(operation.key)
        }
        for operation in operations {
            let key = "\(apiKey)/operations/\(operation.name)"
            let before = state.entity(key)
            state.save(key: before?.key ?? key, kind: .operations, properties: operation.properties)
            if before == nil,
                let twin = existing.first(where: {
                    $0.properties["method"]?.stringValue == operation.properties["method"]?.stringValue
                        && $0.properties["urlTemplate"]?.stringValue == operation.properties["urlTemplate"]?.stringValue
                }),
                let policy = state.entity(twin.key + "/policies/policy")
            {
                state.save(key: key + "/policies/policy", kind: .operationPolicies, properties: policy.properties)
            }
        }
    }
}
