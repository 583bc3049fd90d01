import Foundation
import Model

/// `ApiExport_Get`: `GET apis/{api}?export=true&format=…-link` answers `{id, format, value: {link}}`, and the link
/// (like the blob SAS URL APIM hands out, valid about five minutes, no bearer token) serves a definition generated
/// from the API's operations, as APIM generates its exports (apim-rest.md §3.1, §3.7: the operation's name becomes
/// `operationId`, its display name `summary`).
extension EmulatorStore {
    /// Formats the emulator exports; APIM's WADL and WSDL links apply to SOAP and WADL APIs it does not emulate.
    static let exportFormats = ["openapi+json-link", "openapi-link", "swagger-link"]
    static let exportLifetime: TimeInterval = 300

    func export(_ entity: Entity, _ request: EmuRequest) throws(ARMError) -> EmuResponse {
        guard let format = request.queryValue("format") else {
            throw ARMError.validation(target: "format", message: "The 'format' query parameter is required for export.")
        }
        guard let known = Self.exportFormats.first(where: { $0.caseInsensitiveCompare(format) == .orderedSame })
        else {
            // Wording of this error is a guess: APIM's own text is not in the spec.
            throw ARMError.validation(
                target: "format",
                message: "Export format '\(format)' is not supported for this API. Supported: "
                    + Self.exportFormats.joined(separator: ", ") + ".")
        }
        let document = exportDocument(entity, swagger: known == "swagger-link")
        let token = hexId(32)
        let expires = Date().addingTimeInterval(Self.exportLifetime)
        exports[token] = (document.serialized(pretty: true), expires)
        let expiry = expires.formatted(Date.ISO8601FormatStyle())
        let link = request.origin + "/_emulator/exports/\(token)?sv=2024-05-04&se=\(expiry)&sr=b&sp=r&sig=\(hexId(24))"
        let body: JSONValue = [
            "id": .string(armId(entity.key)), "format": .string(known), "value": ["link": .string(link)],
        ]
        return .json(200, body)
    }

    /// The document behind an export link, while it is valid.
    func exportedDocument(token: String) -> EmuResponse {
        guard let export = exports[token], export.expires > Date() else {
            exports[token] = nil
            return .error(ARMError(status: 404, code: "BlobNotFound", message: "The specified blob does not exist."))
        }
        var response = EmuResponse(status: 200, body: Array(export.text.utf8))
        response.headers.append(("Content-Type", "application/json"))
        return response
    }

    /// An OpenAPI 3.0.1 (or Swagger 2.0) definition of the API's operations.
    func exportDocument(_ api: Entity, swagger: Bool) -> JSONValue {
        var info = JSONObject()
        info["title"] = api.properties["displayName"] ?? .string(api.name)
        if let description = api.properties["description"] { info["description"] = description }
        info["version"] = api.properties["apiVersion"] ?? "1.0"
        var paths = JSONObject()
        let operations = state.children(of: api.key, kind: .operations).sorted { $0.name < $1.name }
        for operation in operations {
            let template = operation.properties["urlTemplate"]?.stringValue ?? "/"
            let path = String(template.split(separator: "?", maxSplits: 1).first ?? "/")
            let method = (operation.properties["method"]?.stringValue ?? "GET").lowercased()
            var pathItem = paths[path]?.objectValue ?? JSONObject()
            pathItem[method] = .object(exportOperation(operation, template: template, swagger: swagger))
            paths[path] = .object(pathItem)
        }
        var document = JSONObject()
        if swagger {
            document["swagger"] = "2.0"
            document["info"] = .object(info)
            document["basePath"] = .string("/" + (api.properties["path"]?.stringValue ?? ""))
            document["schemes"] = ["https"]
        } else {
            document["openapi"] = "3.0.1"
            document["info"] = .object(info)
            let gateway = "https://\(options.serviceName).azure-api.net"
            let path = api.properties["path"]?.stringValue ?? ""
            document["servers"] = [["url": .string(path.isEmpty ? gateway : gateway + "/" + path)]]
        }
        document["paths"] = .object(paths)
        return .object(document)
    }

    private func exportOperation(_ operation: Entity, template: String, swagger: Bool) -> JSONObject {
        let properties = operation.properties
        var result = JSONObject()
        result["summary"] = properties["displayName"] ?? .string(operation.name)
        if let description = properties["description"] { result["description"] = description }
        result["operationId"] = .string(operation.name)
        let templateQuery: Set<String> = Set(
            template.split(separator: "?", maxSplits: 1).dropFirst().first.map {
                $0.split(separator: "&").compactMap { $0.split(separator: "=").first.map(String.init) }
            } ?? [])
        var parameters: [JSONValue] = []
        for parameter in properties["templateParameters"]?.arrayValue ?? [] {
            let name = parameter["name"]?.stringValue ?? ""
            parameters.append(
                exportParameter(parameter, in: templateQuery.contains(name) ? "query" : "path", swagger: swagger))
        }
        let request = properties["request"]
        for parameter in request?["queryParameters"]?.arrayValue ?? [] {
            parameters.append(exportParameter(parameter, in: "query", swagger: swagger))
        }
        for parameter in request?["headers"]?.arrayValue ?? [] {
            parameters.append(exportParameter(parameter, in: "header", swagger: swagger))
        }
        let contentTypes = (request?["representations"]?.arrayValue ?? []).compactMap { $0["contentType"]?.stringValue }
        if !contentTypes.isEmpty {
            if swagger {
                result["consumes"] = .array(contentTypes.map(JSONValue.string))
                parameters.append(["name": "body", "in": "body", "schema": ["type": "object"]])
            } else {
                var content = JSONObject()
                for type in contentTypes { content[type] = .object(JSONObject()) }
                var body = JSONObject([("content", .object(content))])
                if let description = request?["description"] { body["description"] = description }
                result["requestBody"] = .object(body)
            }
        }
        if !parameters.isEmpty { result["parameters"] = .array(parameters) }
        var responses = JSONObject()
        for response in properties["responses"]?.arrayValue ?? [] {
            guard let status = response["statusCode"]?.numberValue else { continue }
            var entry = JSONObject([("description", response["description"] ?? "")])
            let types = (response["representations"]?.arrayValue ?? []).compactMap { $0["contentType"]?.stringValue }
            if !types.isEmpty, !swagger {
                var content = JSONObject()
                for type in types { content[type] = .object(JSONObject()) }
                entry["content"] = .object(content)
            }
            responses[String(Int(status))] = .object(entry)
        }
        result["responses"] = .object(responses)
        return result
    }

    private func exportParameter(_ contract: JSONValue, in location: String, swagger: Bool) -> JSONValue {
        var parameter = JSONObject()
        parameter["name"] = contract["name"] ?? ""
        parameter["in"] = .string(location)
        if let description = contract["description"] { parameter["description"] = description }
        parameter["required"] = .bool(location == "path" || contract["required"]?.boolValue == true)
        var schema = JSONObject([("type", contract["type"] ?? "string")])
        if let defaultValue = contract["defaultValue"] { schema["default"] = defaultValue }
        if let values = contract["values"]?.arrayValue, !values.isEmpty { schema["enum"] = .array(values) }
        if swagger {
            for (key, value) in schema { parameter[key] = value }
        } else {
            parameter["schema"] = .object(schema)
        }
        return .object(parameter)
    }
}
