import AsyncHTTPClient
import Crypto
import Emulator
import Foundation
import Model
import NIOCore
import NIOHTTP1
import NIOSSL
import Testing

/// Rough edge 2: `apimsync emulator --tls` serves the same service over HTTPS with a certificate made at start, so
/// clients that send bearer tokens only over TLS (the Azure SDKs, `az rest`) can use it by trusting that one
/// certificate, with verification on.
@Suite(.timeLimit(.minutes(1))) struct TLSListenerTests {
    /// Runs `body` with a client that trusts only `certificate` (full verification), and shuts the client down.
    static func withClient(
        trusting certificate: EmulatorCertificate, _ body: (HTTPClient) async throws -> Void
    ) async throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates([try NIOSSLCertificate(bytes: certificate.der, format: .der)])
        tls.certificateVerification = .fullVerification
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = tls
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            try await body(client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    static func send(
        _ client: HTTPClient, _ method: HTTPMethod, _ url: String, body: String? = nil, timeout: Int64 = 10
    ) async throws -> (status: UInt, body: String, headers: [String: String]) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer sdk-token")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(timeout))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return (response.status.code, String(buffer: bytes), headers)
    }

    @Test func roughEdge2_theTLSListenerServesTheSameServiceWithAVerifiableCertificate() async throws {
        var options = EmulatorOptions()
        options.tls = try EmulatorCertificate.selfSigned()
        options.pageSize = 1
        let emulator = try await EmulatorServer.start(options)
        let https = try #require(emulator.tlsBaseURL)
        #expect(https.hasPrefix("https://127.0.0.1:"))
        let backends = "\(emulator.servicePath)/backends"
        let version = "api-version=\(EmulatorInfo.apiVersion)"
        try await Self.withClient(trusting: try #require(options.tls)) { client in
            // Written over HTTPS, read over HTTP: one service behind both listeners.
            for name in ["b1", "b2"] {
                let put = try await Self.send(
                    client, .PUT, "\(https)\(backends)/\(name)?\(version)",
                    body: #"{"properties":{"url":"https://\#(name).example.com","protocol":"http"}}"#)
                #expect([200, 201].contains(put.status), "\(put)")
            }
            let read = try await ARMReader.get("\(emulator.baseURL)\(backends)/b1?\(version)")
            #expect(read.contains("https://b1.example.com"), "\(read)")
            // Links the HTTPS listener gives point back at it.
            let page = try JSONValue.parse(
                Array(try await Self.send(client, .GET, "\(https)\(backends)?\(version)").body.utf8))
            #expect(page["nextLink"]?.stringValue?.hasPrefix(https + backends) == true, "\(page.serialized())")
        }

        // The certificate is what the banner says: its fingerprint is SHA-256 of its DER bytes.
        let certificate = try #require(options.tls)
        let digest = SHA256.hash(data: certificate.der).map { String(format: "%02X", $0) }.joined(separator: ":")
        #expect(certificate.sha256Fingerprint == digest)
        #expect(certificate.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(Set(certificate.hosts).isSuperset(of: ["localhost", "127.0.0.1", "::1"]))
        try await emulator.shutdown()
    }

    /// Verification is not switched off for it: a client that does not trust the certificate is refused (the
    /// client retries the handshake until its deadline, hence a short one).
    @Test func roughEdge2_aClientThatDoesNotTrustTheCertificateIsRefused() async throws {
        var options = EmulatorOptions()
        options.tls = try EmulatorCertificate.selfSigned()
        let emulator = try await EmulatorServer.start(options)
        let url = "\(try #require(emulator.tlsBaseURL))\(emulator.servicePath)?api-version=\(EmulatorInfo.apiVersion)"
        try await Self.withClient(trusting: try EmulatorCertificate.selfSigned()) { stranger in
            await #expect(throws: (any Error).self) { _ = try await Self.send(stranger, .GET, url, timeout: 2) }
        }
        try await emulator.shutdown()
    }
}

/// Plain-HTTP reads for the tests above.
enum ARMReader {
    static func get(_ url: String) async throws -> String {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer sdk-token")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        return String(buffer: try await response.body.collect(upTo: 1 << 20))
    }
}
