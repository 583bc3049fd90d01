import Foundation

/// Writes synthetic but valid GitOps repositories for benchmarks: every unit is ten resources that reference each
/// other the way real ones do (policies naming named values and backends, products linking APIs).
enum WorkloadGenerator {
    /// Writes `apimsync.yaml` and one manifest file per unit; returns the manifest files.
    static func writeRepository(at root: URL, units: Int) throws -> [URL] {
        let resources = root.appendingPathComponent("resources")
        try FileManager.default.createDirectory(at: resources, withIntermediateDirectories: true)
        try """
        apiVersion: apimsync/v1
        kind: Config
        spec:
          environments:
            local:
              target: { emulator: .apimsync/state.json }
              variables: { region: westeurope, host: example.com }
            prod:
              target: { subscriptionId: 00000000-0000-0000-0000-000000000000, resourceGroup: rg, service: apim }
              variables: { region: northeurope, host: example.org }

        """.write(to: root.appendingPathComponent("apimsync.yaml"), atomically: true, encoding: .utf8)
        var files: [URL] = []
        for unit in 0..<units {
            let file = resources.appendingPathComponent("unit-\(unit).yaml")
            try manifest(unit).write(to: file, atomically: true, encoding: .utf8)
            files.append(file)
        }
        return files
    }

    static func manifest(_ i: Int) -> String {
        """
        apiVersion: apimsync/v1
        kind: NamedValue
        metadata: { name: nv-\(i) }
        spec: { displayName: nv-\(i), value: "value-\(i)-${region}", tags: [bench] }
        ---
        apiVersion: apimsync/v1
        kind: Backend
        metadata: { name: backend-\(i) }
        spec:
          url: https://backend-\(i).${host}/openai
          protocol: http
          circuitBreaker:
            rules:
              - name: throttled
                failureCondition: { count: 3, interval: PT1M, statusCodeRanges: [{ min: 429, max: 429 }] }
                tripDuration: PT1M
                acceptRetryAfter: true
        ---
        apiVersion: apimsync/v1
        kind: Tag
        metadata: { name: tag-\(i) }
        spec: { displayName: Tag \(i) }
        ---
        apiVersion: apimsync/v1
        kind: Api
        metadata: { name: api-\(i) }
        spec:
          displayName: API \(i)
          path: api-\(i)
          protocols: [https]
          tags: [tag-\(i)]
          policy: |
            <policies>
              <inbound>
                <base />
                <set-header name="x-key"><value>{{nv-\(i)}}</value></set-header>
                <set-backend-service backend-id="backend-\(i)" />
                <set-variable name="user" value="@(context.Request.Headers.GetValueOrDefault("x-user", "n/a"))" />
              </inbound>
              <backend><base /></backend>
              <outbound><base /></outbound>
              <on-error><base /></on-error>
            </policies>
        ---
        apiVersion: apimsync/v1
        kind: Product
        metadata: { name: product-\(i) }
        spec:
          displayName: Product \(i)
          state: published
          apis: [api-\(i)]
          policy: "<policies><inbound><base /></inbound></policies>"
        ---
        apiVersion: apimsync/v1
        kind: Subscription
        metadata: { name: sub-\(i) }
        spec: { displayName: sub-\(i), scope: products/product-\(i), state: active }

        """
    }
}
