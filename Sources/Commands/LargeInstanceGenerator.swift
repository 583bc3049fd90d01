import Foundation

/// Writes the repository of a large APIM instance for the plan/apply benchmark: named values, backends, APIs
/// imported from generated OpenAPI documents with an API policy and one operation policy each, and products
/// linking the APIs.
struct LargeInstanceGenerator {
    var apis = 300
    var operationsPerAPI = 10
    var backends = 100
    var namedValues = 200
    var products = 50

    func write(to root: URL) throws {
        let resources = root.appendingPathComponent("resources")
        let specs = root.appendingPathComponent("specs")
        try FileManager.default.createDirectory(at: resources, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: specs, withIntermediateDirectories: true)
        try """
        apiVersion: apimsync/v1
        kind: Config
        spec:
          environments:
            local: { target: { emulator: state.json } }

        """.write(to: root.appendingPathComponent("apimsync.yaml"), atomically: true, encoding: .utf8)
        var shared = ""
        for index in 0..<namedValues {
            shared += document("NamedValue", "nv-\(index)", "{ displayName: nv-\(index), value: \"value-\(index)\" }")
        }
        for index in 0..<backends {
            shared += document(
                "Backend", "backend-\(index)", "{ url: \"https://backend-\(index).example.com\", protocol: http }")
        }
        try shared.write(to: resources.appendingPathComponent("shared.yaml"), atomically: true, encoding: .utf8)
        for index in 0..<apis {
            try specification(index).write(
                to: specs.appendingPathComponent("api-\(index).json"), atomically: true, encoding: .utf8)
            let policy = """
                <policies><inbound><base /><set-header name="x-key"><value>{{nv-\(index % namedValues)}}</value></set-header>\
                <set-backend-service backend-id="backend-\(index % backends)" /></inbound><backend><base /></backend>\
                <outbound><base /></outbound><on-error><base /></on-error></policies>
                """
            let manifest = """
                apiVersion: apimsync/v1
                kind: Api
                metadata: { name: api-\(index) }
                spec:
                  displayName: API \(index)
                  description: Generated API \(index)
                  path: api-\(index)
                  protocols: [https]
                  specification: { file: specs/api-\(index).json }
                  policy: '\(policy)'
                  operations:
                    item0-get: { policy: "<policies><inbound><base /><rate-limit calls=\\"10\\" renewal-period=\\"60\\" /></inbound></policies>" }

                """
            try manifest.write(
                to: resources.appendingPathComponent("api-\(index).yaml"), atomically: true, encoding: .utf8)
        }
        var productText = ""
        let perProduct = max(1, apis / max(1, products))
        for index in 0..<products {
            let linked = (0..<perProduct).map { "api-\((index * perProduct + $0) % apis)" }.joined(separator: ", ")
            productText += document(
                "Product", "product-\(index)", "{ displayName: Product \(index), state: published, apis: [\(linked)] }")
        }
        try productText.write(to: resources.appendingPathComponent("products.yaml"), atomically: true, encoding: .utf8)
    }

    func document(_ kind: String, _ name: String, _ spec: String) -> String {
        "---\napiVersion: apimsync/v1\nkind: \(kind)\nmetadata: { name: \(name) }\nspec: \(spec)\n"
    }

    func specification(_ index: Int) -> String {
        let paths = (0..<operationsPerAPI).map { operation in
            "\"/items\(operation)/{id}\": {\"get\": {\"operationId\": \"Item\(operation)_Get\", \"summary\": \"Get item \(operation)\", "
                + "\"parameters\": [{\"name\": \"id\", \"in\": \"path\", \"required\": true, \"schema\": {\"type\": \"string\"}}], "
                + "\"responses\": {\"200\": {\"description\": \"OK\"}}}}"
        }.joined(separator: ", ")
        return
            "{\"openapi\": \"3.0.1\", \"info\": {\"title\": \"API \(index)\", \"version\": \"1\"}, \"paths\": {\(paths)}}"
    }
}
