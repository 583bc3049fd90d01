import ArgumentParser
import Emulator
import Foundation
import Gateway

/// `apimsync emulator`: runs the bundled APIM management-plane emulator until SIGINT/SIGTERM.
///
/// The first line on stdout is `listening on http://HOST:PORT`, so scripts can start it with `--port 0`; then
/// come the service's path and an `apimsync.yaml` environment that targets it (``EmulatorBanner``).
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator",
        abstract: "Run the bundled Azure API Management emulator.",
        discussion: """
            Serves the ARM API (api-version \(EmulatorInfo.apiVersion)) of one APIM service under \
            /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ApiManagement/service/{name}. \
            Prints "listening on http://HOST:PORT" as its first line, then an environment for apimsync.yaml \
            that targets it and how to pass a token. With --tls it also serves HTTPS with a self-signed \
            certificate made at start, for the Azure SDKs and az rest (they send bearer tokens only over TLS): \
            it prints the certificate's SHA-256 fingerprint and the PEM file to trust (REQUESTS_CA_BUNDLE, \
            SSL_CERT_FILE). With --gateway-port it also serves the data plane: requests to \
            http://HOST:N/<api path>/… run through the policies applied to the emulator (re-read after every \
            change) against simulated Azure OpenAI backends, scripted with PUT /_emulator/mocks/<host>.
            """
    )

    @Option(help: "Port to listen on (0 picks a free port).")
    var port: Int = 0

    @Flag(help: "Also serve HTTPS, with a self-signed certificate made at start (for the Azure SDKs and az rest).")
    var tls = false

    @Option(name: .customLong("tls-port"), help: "Port of the HTTPS listener with --tls (0 picks a free port).")
    var tlsPort: Int = 0

    @Option(
        name: .customLong("tls-certificate"),
        help: ArgumentHelp(
            "Where --tls writes the certificate (PEM; default: apimsync-emulator-PORT.pem in the temporary folder).",
            valueName: "file"))
    var tlsCertificate: String?

    @Option(
        name: .customLong("gateway-port"),
        help: ArgumentHelp(
            "Also serve the data plane (the local gateway running the applied policies against simulated Azure "
                + "OpenAI backends) on this port (0 picks a free port).", valueName: "port"))
    var gatewayPort: Int?

    @Option(help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "State file (JSON); created when missing, written after each change.")
    var state: String?

    @Option(name: .customLong("latency-ms"), help: "Injected latency: MEAN or MEAN:JITTER in milliseconds.")
    var latency: String?

    @Option(
        help: "Injected faults, e.g. 429=0.1,503=0.05,drop=0.02,PUT:503=0.2; drop, stuck and lost instead of a status.")
    var faults: String?

    @Option(help: "Seed of the fault and latency generator.")
    var seed: UInt64 = 0

    @Option(help: "Accept only this bearer token (default: any bearer token).")
    var token: String?

    @Option(help: "ARM throttling: off, arm (reads 250 @25/s, writes/deletes 200 @10/s) or a scale factor such as 0.1.")
    var throttling: String = "off"

    @Option(name: .customLong("async-polls"), help: "Long-running operations answer 202 and need N polls.")
    var asyncPolls: Int = 0

    @Option(
        name: .customLong("async-status"),
        help: "First answer of a pending long-running operation: accepted (202) or spec (201/200 + InProgress).")
    var asyncStatus: String = "accepted"

    @Option(name: .customLong("async-retry-after"), help: "Retry-After seconds on pending long-running operations.")
    var asyncRetryAfter: Int = 1

    @Option(name: .customLong("page-size"), help: "Maximum items per list page.")
    var pageSize: Int = 100

    @Option(name: .customLong("subscription-id"), help: "Subscription id of the emulated service.")
    var subscriptionId: String = "00000000-0000-0000-0000-000000000000"

    @Option(name: .customLong("resource-group"), help: "Resource group of the emulated service.")
    var resourceGroup: String = "rg-ai-gateway"

    @Option(name: .customLong("service-name"), help: "Name of the emulated APIM service.")
    var serviceName: String = "enterpriseapim"

    @Option(
        name: .customLong("bench-gets"),
        help: "Benchmark: start an in-process emulator, send N GETs over loopback, print the rate and exit.")
    var benchGets: Int?

    @Option(name: .customLong("bench-connections"), help: "Keep-alive connections used by --bench-gets.")
    var benchConnections: Int = 8

    @Option(name: .customLong("bench-min-rps"), help: "With --bench-gets: exit 1 below this many requests per second.")
    var benchMinRPS: Double = 0

    func run() async throws {
        var options = EmulatorOptions()
        options.host = host
        options.port = port
        options.stateFile = state
        options.seed = seed
        options.token = token
        options.asyncPolls = asyncPolls
        options.asyncRetryAfterSeconds = asyncRetryAfter
        guard let initial = AsyncInitialStatus(rawValue: asyncStatus.lowercased()) else {
            throw ValidationError("--async-status must be accepted or spec")
        }
        options.asyncInitialStatus = initial
        options.pageSize = pageSize
        options.subscriptionId = subscriptionId
        options.resourceGroup = resourceGroup
        options.serviceName = serviceName
        var certificateFile: String?
        if tls {
            let certificate = try EmulatorCertificate.selfSigned(hosts: [host])
            let file = tlsCertificate ?? EmulatorBanner.defaultCertificateFile()
            do {
                try certificate.certificatePEM.write(toFile: file, atomically: true, encoding: .utf8)
            } catch {
                throw ValidationError("--tls cannot write the certificate to \(file): \(error.localizedDescription)")
            }
            options.tls = certificate
            options.tlsPort = tlsPort
            certificateFile = file
        }
        do {
            if let latency { options.latency = try LatencySpec(parsing: latency) }
            if let faults { options.faults = try FaultSpec(parsing: faults) }
        } catch let error as EmulatorSpecError {
            throw ValidationError(error.description)
        }
        switch throttling.lowercased() {
        case "off", "none": options.throttling = nil
        case "arm", "on": options.throttling = ThrottlingSpec()
        default:
            guard let factor = Double(throttling), factor > 0 else {
                throw ValidationError("--throttling must be off, arm or a positive scale factor")
            }
            options.throttling = .scaled(factor)
        }
        guard pageSize >= 1 else { throw ValidationError("--page-size must be at least 1") }
        if let benchGets {
            guard benchGets >= 1, benchConnections >= 1 else {
                throw ValidationError("--bench-gets and --bench-connections must be at least 1")
            }
            let emulator = try await EmulatorServer.start(options)
            let result = try await EmulatorBenchmark.gets(
                emulator: emulator, count: benchGets, connections: benchConnections)
            try await emulator.shutdown()
            let line = String(
                format: "%d GETs over %d connections in %.2f s: %.0f requests/s, %d failures\n", result.requests,
                benchConnections, result.seconds, result.requestsPerSecond, result.failures)
            FileHandle.standardOutput.write(Data(line.utf8))
            if result.failures > 0 || result.requestsPerSecond < benchMinRPS { throw ExitCode(1) }
            return
        }
        let banner = EmulatorBanner(
            options: options, token: token, certificateFile: certificateFile, gateway: gatewayPort != nil)
        let host = host
        let gatewayPort = gatewayPort
        try await EmulatorServer.run(
            options,
            companions: { live in
                guard let gatewayPort else { return [] }
                let gateway = await LocalGateway(source: EmulatorSnapshotSource(live: live))
                return [
                    GatewayServer.application(GatewayFront(gateway: gateway), host: host, port: gatewayPort) { port in
                        FileHandle.standardOutput.write(Data(banner.announceGateway(port: port).utf8))
                    }
                ]
            },
            onListening: { listener in
                FileHandle.standardOutput.write(Data(banner.announce(listener).utf8))
            })
    }
}
