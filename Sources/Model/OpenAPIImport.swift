/// What APIM makes of an OpenAPI (3.x) or Swagger (2.0) document when it imports it (apim-rest.md §3.7):
/// one operation per path and method, named by the normalised `operationId`.
public enum OpenAPIImport {
    /// One operation an import creates.
    public struct Operation: Sendable, Hashable {
        /// The APIM resource name (normalised `operationId`).
        public var name: String
        public var displayName: String
        public var method: String
        /// The URL template, with required query parameters appended as template parameters.
        public var urlTemplate: String

        public init(name: String, displayName: String, method: String, urlTemplate: String) {
            self.name = name
            self.displayName = displayName
            self.method = method
            self.urlTemplate = urlTemplate
        }
    }

    static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// The operations an import of `document` creates, in document order.
    public static func operations(in document: JSONValue) -> [Operation] {
        var operations: [Operation] = []
        var used: Set<String> = []
        for (path, item) in document["paths"]?.objectValue ?? JSONObject() {
            let shared = item["parameters"]?.arrayValue ?? []
            for method in methods {
                guard let operation = item[method], operation.objectValue != nil else { continue }
                let operationId = operation["operationId"]?.stringValue
                var name = normalise(operationId ?? "\(method)-\(path)")
                if name.isEmpty { name = method }
                if used.contains(name) {
                    var suffix = 1
                    while used.contains("\(name)-\(suffix)"), suffix < 999 { suffix += 1 }
                    name = "\(name)-\(suffix)"
                }
                used.insert(name)
                let summary = operation["summary"]?.stringValue.map { String($0.prefix(300)) }
                let displayName =
                    summary.flatMap { $0.isEmpty ? nil : $0 }
                    ?? operationId ?? "\(method.prefix(1).uppercased())\(method.dropFirst()) - \(path)"
                let parameters = (shared + (operation["parameters"]?.arrayValue ?? [])).map {
                    resolve($0, in: document)
                }
                var seen: Set<String> = []
                var query: [String] = []
                for parameter in parameters where parameter["in"]?.stringValue == "query" {
                    guard parameter["required"]?.boolValue == true, let name = parameter["name"]?.stringValue,
                        seen.insert(name.lowercased()).inserted
                    else { continue }
                    query.append("\(name)={\(name)}")
                }
                let template = query.isEmpty ? path : path + "?" + query.joined(separator: "&")
                operations.append(
                    Operation(name: name, displayName: displayName, method: method.uppercased(), urlTemplate: template))
            }
        }
        return operations
    }

    /// Lower-case; each run of characters other than ASCII letters and digits becomes one `-`; dashes trimmed at
    /// both ends; at most 76 characters.
    public static func normalise(_ operationId: String) -> String {
        var out = ""
        var pendingDash = false
        for scalar in operationId.lowercased().unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if pendingDash, !out.isEmpty { out += "-" }
                pendingDash = false
                out.unicodeScalars.append(scalar)
            } else {
                pendingDash = true
            }
        }
        return String(out.prefix(76))
    }

    /// Follows a local `$ref` such as `#/components/parameters/apiVersion`.
    static func resolve(_ value: JSONValue, in document: JSONValue) -> JSONValue {
        guard let reference = value["$ref"]?.stringValue, reference.hasPrefix("#/") else { return value }
        var current: JSONValue? = document
        for part in reference.dropFirst(2).split(separator: "/") {
            let key = part.replacingEscapes()
            current = current?[key]
        }
        return current ?? value
    }
}

extension Substring {
    /// JSON Pointer unescaping: `~1` is `/`, `~0` is `~`.
    fileprivate func replacingEscapes() -> String {
        var out = ""
        var iterator = makeIterator()
        while let character = iterator.next() {
            if character == "~", let next = iterator.next() {
                out.append(next == "1" ? "/" : next == "0" ? "~" : next)
            } else {
                out.append(character)
            }
        }
        return out
    }
}
