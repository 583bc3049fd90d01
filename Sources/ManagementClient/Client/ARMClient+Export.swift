import Model

/// API definitions exported by APIM (`ApiExport_Get`).
extension ARMClient {
    /// An exported API definition: the format APIM was asked for, and the document's text.
    public struct ExportedDefinition: Sendable {
        public var format: String
        public var text: String
    }

    /// The API's definition as APIM exports it: `GET apis/{api}?export=true&format=<format>` returns a short-lived
    /// link (a blob SAS URL), which is fetched without the bearer token, over https (or http to loopback).
    ///
    /// - Parameter format: `openapi+json-link` (OpenAPI 3 JSON), `openapi-link` (YAML) or `swagger-link`.
    public func exportDefinition(api: String, format: String = "openapi+json-link") async throws -> ExportedDefinition {
        let path = ResourceID(.api, api).armPath
        let operation = "GET \(path) (export \(format))"
        let response = try await get(path, query: [("export", "true"), ("format", format)])
        guard let link = response.body?["value"]?["link"]?.stringValue else {
            throw ARMError(
                code: .invalidResponse, operation: operation, resource: path, status: response.status,
                message: "the export response has no `value.link`", requestID: response.requestID,
                clientRequestID: response.clientRequestID)
        }
        do {
            try TransportSecurity.validate(link)
        } catch {
            throw ARMError(
                code: .insecureTransport, operation: operation, resource: path, message: error.description)
        }
        let timeout = Duration.nanoseconds(Int64(configuration.retry.requestTimeoutSeconds * 1e9))
        let download: TransportResponse
        do {
            download = try await transport.send(TransportRequest(method: "GET", url: link), timeout: timeout)
        } catch {
            throw ARMError(
                code: .transport, operation: operation, resource: path,
                message: "downloading the export failed: \(error)")
        }
        guard (200..<300).contains(download.status) else {
            throw ARMError(
                code: .invalidResponse, operation: operation, resource: path, status: download.status,
                message: "downloading the export answered \(download.status)")
        }
        return ExportedDefinition(format: format, text: String(decoding: download.body, as: UTF8.self))
    }
}
