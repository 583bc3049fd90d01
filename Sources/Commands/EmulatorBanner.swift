import Emulator
import Foundation
import Synchronization

/// What `apimsync emulator` prints once it listens: `listening on http://HOST:PORT` first (scripts read that line),
/// the service's ARM path, an `apimsync.yaml` environment that targets it, how to pass a token, and with `--tls`
/// the HTTPS address, the certificate's fingerprint and the PEM file the Azure SDKs and `az rest` should trust.
final class EmulatorBanner: Sendable {
    private let options: EmulatorOptions
    private let token: String?
    /// Where the certificate's PEM was written (with `--tls`).
    let certificateFile: String?
    /// Whether a local gateway listens too (`--gateway-port`).
    private let gateway: Bool
    private let bound = Mutex<(http: Int?, https: Int?, gateway: Int?)>((nil, nil, nil))

    init(options: EmulatorOptions, token: String?, certificateFile: String?, gateway: Bool = false) {
        self.options = options
        self.token = token
        self.certificateFile = certificateFile
        self.gateway = gateway
    }

    /// Records a listener; returns the whole banner once every listener is up, else "".
    func announce(_ listener: EmulatorServer.Listener) -> String {
        let ports = bound.withLock { ports in
            switch listener {
            case .http(let port): ports.http = port
            case .https(let port): ports.https = port
            }
            return ports
        }
        return banner(ports)
    }

    /// Records the local gateway's listener; returns the whole banner once every listener is up, else "".
    func announceGateway(port: Int) -> String {
        banner(
            bound.withLock { ports in
                ports.gateway = port
                return ports
            })
    }

    private func banner(_ ports: (http: Int?, https: Int?, gateway: Int?)) -> String {
        guard let http = ports.http, ports.https != nil || options.tls == nil, ports.gateway != nil || !gateway
        else { return "" }
        return text(httpPort: http, httpsPort: ports.https, gatewayPort: ports.gateway)
    }

    func text(httpPort: Int, httpsPort: Int?, gatewayPort: Int? = nil) -> String {
        let listenHost = options.host.contains(":") ? "[\(options.host)]" : options.host
        // A wildcard address listens on loopback too; apimsync sends tokens over plain http only to loopback.
        let host = ["0.0.0.0", "::", ""].contains(options.host) ? "127.0.0.1" : listenHost
        var lines = [
            "listening on http://\(listenHost):\(httpPort)",
            "service \(options.servicePath)",
        ]
        if let httpsPort { lines.append("listening on https://\(listenHost):\(httpsPort) (TLS)") }
        if let gatewayPort {
            lines.append(
                "gateway listening on http://\(listenHost):\(gatewayPort) (the data plane: your APIs' paths, "
                    + "/_emulator/mocks/<host>, /_emulator/metrics)")
        }
        lines += [
            "",
            "An environment for apimsync.yaml (under spec.environments, with your variables) that targets it:",
            "    emulator:",
            "      target:",
            "        endpoint: http://\(host):\(httpPort)",
            "        subscriptionId: \(options.subscriptionId)",
            "        resourceGroup: \(options.resourceGroup)",
            "        service: \(options.serviceName)",
            "        auth: token",
            token == nil
                ? "Token: any bearer token is accepted; apimsync sends the one in APIMSYNC_TOKEN:"
                : "Token: only the one given with --token is accepted; apimsync sends the one in APIMSYNC_TOKEN:",
            "    export APIMSYNC_TOKEN=\(token == nil ? "emulator" : "<the --token value>")",
            "    apimsync plan --env emulator",
        ]
        if let certificate = options.tls, let httpsPort, let file = certificateFile {
            let url = "https://\(host):\(httpsPort)"
            lines += [
                "",
                "TLS: a self-signed certificate for \(certificate.hosts.joined(separator: ", ")), made at start:",
                "    SHA-256 fingerprint \(certificate.sha256Fingerprint)",
                "    written to \(file); the Azure SDKs for Python and az rest trust it with:",
                "    export REQUESTS_CA_BUNDLE=\(file) SSL_CERT_FILE=\(file)",
                "    SDK clients: base_url=\"\(url)\" and any credential (for example one returning $APIMSYNC_TOKEN)",
                "    az rest --skip-authorization-header --headers \"Authorization=Bearer $APIMSYNC_TOKEN\" \\",
                "      --url \"\(url)\(options.servicePath)?api-version=\(EmulatorInfo.apiVersion)\"",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The default place of the certificate's PEM: the temporary folder, named after this process.
    static func defaultCertificateFile() -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("apimsync-emulator-\(ProcessInfo.processInfo.processIdentifier).pem").path
    }
}
