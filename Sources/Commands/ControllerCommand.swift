import ArgumentParser
import Controller
import Foundation
import Logging
import Manifests
import Model
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `apimsync controller`: reconciles on an interval in a container, correcting (or only reporting) drift, with
/// health, readiness, status and Prometheus endpoints.
struct ControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controller",
        abstract: "Reconcile continuously: plan and apply on an interval, with status, health and metrics endpoints.",
        discussion: """
            Each cycle runs the same path as 'apimsync apply --auto-approve': load and validate the manifests, \
            read APIM, plan, apply. With --mode detect nothing is written; drift shows in /status and /metrics. \
            A failed cycle is retried after a backoff that doubles up to the interval; invalid manifests or a \
            blocked plan (prune.maxDeletes) stall the controller until the repository changes. SIGTERM or SIGINT \
            finish the running cycle, then stop.
            Endpoints: GET /healthz, GET /readyz (503 until a cycle has read APIM and planned), GET /status \
            (JSON), GET /metrics (Prometheus), POST /reconcile (start a cycle now, e.g. from a git webhook).
            """
    )

    @OptionGroup var repository: RepositoryOptions

    @Option(help: "Time between cycles.")
    var interval = DurationArgument(.seconds(300))

    @Option(help: "Stretch or shrink each wait by up to this fraction, so replicas do not call ARM in step.")
    var jitter = 0.1

    @Option(help: "correct: apply the plan each cycle; detect: only report drift.")
    var mode: ControllerSettings.Mode = .correct

    @Option(help: "First wait after a failed cycle; doubles with each further failure, up to the interval.")
    var retryBackoff = DurationArgument(.seconds(10))

    @Option(help: "A requested cycle (POST /reconcile) starts no sooner than this after the previous one.")
    var triggerGap = DurationArgument(.seconds(10))

    @Option(help: ArgumentHelp("Address of the HTTP endpoints.", valueName: "host:port"))
    var listen = "0.0.0.0:8080"

    @Flag(help: "Run 'git pull --ff-only' in the repository before each cycle (else a sidecar keeps it current).")
    var gitPull = false

    @Flag(
        name: .long, inversion: .prefixedNo,
        help: "Compare secret named values by SHA-256 of their live value, so a changed secret is re-sent.")
    var checkSecrets = true

    @Flag(name: .long, help: "Allow a cycle to delete more than prune.maxDeletes, or every resource of a kind.")
    var allowMassDelete = false

    @Option(help: "Concurrent requests to APIM.")
    var concurrency: Int?

    @Option(
        help: ArgumentHelp(
            "The share of the subscription's ARM read budget (250 reads, 25/s) the controller may use, 0.01 ≤ share ≤ 1.",
            discussion: "The rest stays free for people and other tools; /status says when a cycle was budget-bound.")
    )
    var readBudgetShare = 0.5

    @Option(help: "Log lines as text, or as one JSON object per line (for log collectors).")
    var logFormat: LogFormat = .text

    func validate() throws {
        guard (0..<1).contains(jitter) else { throw ValidationError("--jitter must be at least 0 and below 1") }
        guard interval.duration > .zero else { throw ValidationError("--interval must be positive") }
        guard readBudgetShare >= 0.01, readBudgetShare <= 1 else {
            throw ValidationError("--read-budget-share must be at least 0.01 and at most 1")
        }
        _ = try listenAddress()
    }

    func listenAddress() throws -> (host: String, port: Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65535).contains(port)
        else { throw ValidationError("--listen must be host:port, e.g. 0.0.0.0:8080") }
        let host = String(listen[..<colon])
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }

    func run() async throws {
        switch logFormat {
        case .text: LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        case .json: LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
        }
        let configPath = try repository.configPath()
        let loaded = ManifestLoader(configPath: configPath).load(environment: repository.env)
        DiagnosticPrinter.print(loaded.diagnostics)
        guard let config = loaded.config, let name = loaded.environment, let environment = config.environments[name]
        else { throw ExitCode.failure }
        let settings = ControllerSettings(
            interval: interval.duration, jitter: jitter, mode: mode, retryBackoff: retryBackoff.duration,
            checkSecrets: checkSecrets, allowMassDelete: allowMassDelete, minimumTriggerGap: triggerGap.duration,
            readBudgetShare: readBudgetShare)
        let connection = try await TargetConnection.open(
            environment, configPath: configPath, concurrency: concurrency, readBudgetShare: readBudgetShare)
        var placeholders = false
        if case .emulator = environment.target { placeholders = true }
        let cycle = ReconcileCycle(
            configPath: configPath, environment: name, target: environment.target, client: connection.client,
            settings: settings, placeholderSecrets: placeholders,
            source: RepositorySource(directory: (configPath as NSString).deletingLastPathComponent, pull: gitPull))
        let registry = PrometheusCollectorRegistry()
        let logger = Logger(label: "apimsync.controller")
        // The endpoints bind first: a port that is taken stops the controller before its first cycle.
        let listening = ListeningGate()
        let loop = ReconcileLoop(
            cycle: cycle, target: connection.description,
            metricsFactory: ControllerMetricsFactory(registry: registry), logger: logger, startGate: listening)
        let (host, port) = try listenAddress()
        let endpoints = ControllerEndpoints.application(
            host: host, port: port, loop: loop, registry: registry,
            onListening: {
                logger.info("listening on \(host):\($0)")
                listening.open()
            })
        logger.info(
            "controller started",
            metadata: [
                "target": "\(connection.description)", "environment": "\(name)", "mode": "\(mode.rawValue)",
                "interval_seconds": .stringConvertible(interval.duration.components.seconds),
            ])
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: loop, successTerminationBehavior: .gracefullyShutdownGroup),
                    .init(service: endpoints),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            await connection.close()
            guard listening.isOpen else {
                DiagnosticPrinter.writeError(
                    "error: cannot listen on \(listen): \(Self.reason(error)); no cycle was run, nothing was written")
                throw ExitCode.failure
            }
            throw error
        }
        await connection.close()
    }

    /// The operating system's words for a failed bind (`Address already in use (errno 98)`), from the errno that
    /// SwiftNIO's error names; any other error as it describes itself.
    static func reason(_ error: any Error) -> String {
        let text = "\(error)"
        guard let match = text.firstMatch(of: /\(errno: (\d+)\)/), let code = Int32(match.1) else { return text }
        return "\(String(cString: strerror(code))) (errno \(code))"
    }
}

extension ControllerSettings.Mode: ExpressibleByArgument {}
