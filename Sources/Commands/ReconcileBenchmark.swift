import ArgumentParser
import Controller
import Emulator
import Executor
import Foundation
import ManagementClient
import Manifests
import Model
import Planner
import Reconcile

/// `apimsync benchmark reconcile`: validate, plan, apply and a controller cycle on a generated instance behind the
/// emulator, with ARM's token buckets on (`--throttling arm`, in both the emulator and the client) or off, against
/// baselines modelled on Terraform's refresh and APIOps' publisher run in the same process under the same limits.
struct ReconcileBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Time validate, plan, apply and a controller cycle on a generated instance, with baselines.",
        discussion: """
            Prints one Markdown table row per phase: requests by method, wall time, the bound (the larger of \
            latency × requests ÷ concurrency and ARM's token-bucket time for the phase's reads, writes and deletes, \
            each bucket full at the start of the phase), the ratio, and the process's peak RSS so far.
            """
    )

    @Option(help: "Instance size: small (1/10 of large), large, huge (10× large).") var size = BenchmarkInstance.large
    @Option(help: "arm: ARM's token buckets in the emulator and the client; off: none.")
    var throttling = BenchmarkThrottling.off
    @Option(help: "Latency the emulator adds to every request, in milliseconds.") var latencyMs = 20.0
    @Option(help: "apimsync's concurrent requests.") var concurrency = 16
    @Option(help: "Times to run the no-change plan (the median is reported).") var planRuns = 3
    @Flag(help: "Populate the instance with the buckets off (apply from empty and its baseline are then not timed).")
    var populateWithoutLimits = false
    @Flag(help: "Skip the Terraform and APIOps baselines.") var skipBaselines = false

    func run() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "apimsync-reconcile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let generator = size.generator
        try generator.write(to: root)
        let configPath = root.appendingPathComponent("apimsync.yaml").path
        let clock = ContinuousClock()
        var bench = PhaseRecorder(latency: latencyMs / 1000, concurrency: concurrency)

        let loader = ManifestLoader(configPath: configPath)
        var validateTimes: [Double] = []
        var loaded = loader.load()
        for _ in 0..<3 {
            let start = clock.now
            loaded = loader.load()
            validateTimes.append(start.duration(to: clock.now).inSeconds)
        }
        guard !loaded.hasErrors, let config = loaded.config else {
            throw ValidationError("generated repository is invalid: \(loaded.diagnostics.prefix(3))")
        }
        let desired = loaded.state
        let limits: ThrottlingSpec? = throttling == .arm ? ThrottlingSpec() : nil
        var options = EmulatorOptions()
        options.token = "benchmark"
        options.latency = LatencySpec(meanMilliseconds: latencyMs)
        let emulator = try await EmulatorServer.start(options)
        defer { Task { try? await emulator.shutdown() } }
        bench.emulator = emulator
        bench.buckets = throttling == .arm ? PacingPolicy.armSubscriptionLimits : [:]
        /// A fresh client (its buckets full, as the emulator's are after `setThrottling`).
        func client(_ concurrency: Int, buckets: Bool = true) throws -> ARMClient {
            var configuration = ARMClientConfiguration(
                resourceManagerURL: emulator.baseURL, subscriptionID: options.subscriptionId,
                resourceGroup: options.resourceGroup, serviceName: options.serviceName)
            configuration.pacing.maxConcurrency = concurrency
            configuration.pacing.buckets = buckets && throttling == .arm ? PacingPolicy.armSubscriptionLimits : [:]
            if !buckets {
                // The baselines have no buckets of their own: like the Azure SDKs' pipelines under a long-running
                // publish, they keep answering 429s with the wait Retry-After asks for until the work is done.
                configuration.retry.maxAttempts = 1000
                configuration.retry.maxElapsedSeconds = 3600
            }
            return try ARMClient(configuration: configuration, credential: StaticTokenCredential(token: "benchmark"))
        }
        /// Every phase starts with full buckets on both sides.
        func limitsOn() async { await emulator.setThrottling(limits) }
        let environment =
            config.environments["local"] ?? EnvironmentConfig(name: "local", target: .emulator(stateFile: ""))
        let useCase = ReconcileUseCase(configPath: configPath, environment: environment.name)
        func plan(_ state: State = desired, with client: ARMClient) async -> Plan {
            let loaded = ReconcileUseCase.Loaded(config: config, environment: environment, desired: state)
            return await useCase.plan(loaded, client: client, target: nil).plan
        }
        print(
            "reconcile benchmark: \(size.rawValue) instance, \(desired.count) desired resources (\(generator.apis) APIs × "
                + "\(generator.operationsPerAPI) operations, \(generator.backends) backends, \(generator.namedValues) "
                + "named values, \(generator.products) products); ARM token buckets \(throttling.rawValue); latency "
                + "\(latencyMs) ms; concurrency \(concurrency) (baselines 10)\n")
        print(PhaseRecorder.header)
        bench.row(
            "validate (load + check, median of 3)", requests: [:], seconds: validateTimes.sorted()[1], bound: nil)

        // Plan against the empty instance: what a first plan costs.
        await limitsOn()
        var phase = try await bench.measure("plan, cold (empty instance)") {
            _ = await plan(with: try client(concurrency))
        }
        bench.printRow(phase)

        // Apply from empty: apimsync, then an APIOps-style publisher on the emptied instance.
        if populateWithoutLimits { await emulator.setThrottling(nil) } else { await limitsOn() }
        phase = try await bench.measure("apply from empty", timed: !populateWithoutLimits) {
            let apimsync = try client(concurrency, buckets: !populateWithoutLimits)
            let report = await Executor(api: apimsync).apply(await plan(with: apimsync), desired: desired)
            guard report.succeeded else { throw ValidationError("apply failed: \(report.failed) failed") }
        }
        bench.printRow(phase)
        if !skipBaselines && !populateWithoutLimits {
            await emulator.reset()
            await limitsOn()
            let publisher = try client(10, buckets: false)
            var publishFailures = 0
            phase = try await bench.measure("  baseline: APIOps-style publish (PUT everything, 429 → Retry-After)") {
                let report = await Executor(api: publisher, serializeAllNamedValues: true)
                    .apply(Planner.plan(desired: desired, live: State()), desired: desired)
                publishFailures = report.failed
            }
            bench.printRow(phase, against: bench.phases.first { $0.name == "apply from empty" })
            bench.notes.append("APIOps-style publish: \(publishFailures) writes failed after their retries")
        }

        // The no-change plan, against the minimum the data needs and the Terraform-style refresh.
        var planPhases: [PhaseRecorder.Phase] = []
        for run in 0..<max(1, planRuns) {
            await limitsOn()
            let apimsync = try client(concurrency)
            var changes = 0
            let measured = try await bench.measure("plan, no changes (run \(run + 1))", record: false) {
                changes = await plan(with: apimsync).changes.count
            }
            guard changes == 0 else { throw ValidationError("the populated instance planned \(changes) changes") }
            planPhases.append(measured)
        }
        let noChange = planPhases.sorted { $0.seconds < $1.seconds }[planPhases.count / 2]
        bench.record(noChange, name: "plan, no changes (median of \(planPhases.count))")
        let minimum = await minimumRequests(desired: desired, client: try client(concurrency, buckets: false))
        bench.notes.append(
            String(
                format: "no-change plan: %d requests, minimum %d → ratio %.3f (target ≤ 1.05)", noChange.total, minimum,
                Double(noChange.total) / Double(max(1, minimum))))
        let planning = await planningAlone(desired, config: config, client: try client(concurrency, buckets: false))
        bench.notes.append(
            String(
                format: "of the no-change plan, planning (pure, no I/O) takes %.3f s (median of 3): %.1f%%", planning,
                100 * planning / max(noChange.seconds, 1e-9)))
        if !skipBaselines {
            await limitsOn()
            let terraform = try client(10, buckets: false)
            var failed = 0
            let refresh = try await bench.measure("  baseline: Terraform-style refresh (GET each, parallelism 10)") {
                failed = await terraformRefresh(desired, client: terraform)
            }
            bench.printRow(refresh, against: noChange)
            bench.notes.append(
                String(
                    format: "Terraform-style refresh: %d requests (%.2f× the minimum), %d failed; apimsync's no-change "
                        + "plan is %.1f× faster with %.1f× fewer requests",
                    refresh.total, Double(refresh.total) / Double(max(1, minimum)), failed,
                    refresh.seconds / max(noChange.seconds, 1e-9),
                    Double(refresh.total) / Double(max(1, noChange.total))))
        }

        // Apply with nothing to do, and with 1 % of the resources changed.
        await limitsOn()
        phase = try await bench.measure("apply, no changes (plan + apply)") {
            let apimsync = try client(concurrency)
            let report = await Executor(api: apimsync).apply(await plan(with: apimsync), desired: desired)
            guard report.applied == 0 else { throw ValidationError("a no-op apply wrote \(report.applied) changes") }
        }
        bench.printRow(phase)
        var changed = desired
        let candidates = desired.sorted.filter { [.backend, .namedValue, .api, .product].contains($0.id.kind) }
        let wanted = max(1, desired.count / 100)
        let step = max(1, candidates.count / wanted)
        var touched = 0
        for (index, resource) in candidates.enumerated() where index % step == 0 && touched < wanted {
            var copy = resource
            copy.properties["description"] = .string("changed \(index)")
            if resource.id.kind == .namedValue { copy.properties["value"] = .string("changed-\(index)") }
            changed.insert(copy)
            touched += 1
        }
        await limitsOn()
        phase = try await bench.measure("apply, 1 % changed (\(touched) resources; plan + apply)") {
            let apimsync = try client(concurrency)
            let report = await Executor(api: apimsync).apply(await plan(changed, with: apimsync), desired: changed)
            guard report.succeeded, report.applied == touched else {
                throw ValidationError("the 1 % change applied \(report.applied) of \(touched), \(report.failed) failed")
            }
        }
        bench.printRow(phase)

        // Back to the manifests, then one controller cycle at its default share of the read budget.
        await emulator.setThrottling(nil)
        _ = await Executor(api: try client(concurrency, buckets: false)).apply(
            await plan(with: try client(concurrency, buckets: false)), desired: desired)
        await limitsOn()
        let settings = ControllerSettings(checkSecrets: false)
        var cycleConfiguration = try client(concurrency).configuration
        cycleConfiguration.pacing.apply(concurrency: nil, readBudgetShare: settings.readBudgetShare)
        let cycleClient = try ARMClient(
            configuration: cycleConfiguration, credential: StaticTokenCredential(token: "benchmark"))
        var report: CycleReport?
        var cycleBench = bench
        if throttling == .arm { cycleBench.buckets[.read] = cycleConfiguration.pacing.buckets[.read] }
        phase = try await cycleBench.measure(
            "controller cycle, steady state (read share \(Int(settings.readBudgetShare * 100)) %)"
        ) {
            report = await ReconcileCycle(
                configPath: configPath, environment: environment.name, target: environment.target,
                client: cycleClient, settings: settings, placeholderSecrets: true, source: nil
            ).run()
        }
        bench.phases.append(phase)
        bench.printRow(phase)
        if let report {
            bench.notes.append(
                "controller cycle: \(report.result.rawValue), \(report.planned) planned, read budget held it back "
                    + String(format: "%.1f s", report.readBudgetHeldSeconds)
                    + (report.budgetBound ? " → /status reports it budget-bound" : ""))
        }

        // A pull request that touched one API's manifest: `plan --changed-since`.
        await limitsOn()
        let changedFile = RepositorySource.canonical(root.appendingPathComponent("resources/api-0.yaml").path)
        let scope = ChangedFilesScope(loaded, changed: [changedFile], configPath: configPath, reference: "HEAD~1")
        phase = try await bench.measure("plan --changed-since (1 API manifest changed)") {
            _ = await plan(scope.desired ?? desired, with: try client(concurrency))
        }
        bench.printRow(phase)
        print("")
        for note in bench.notes { print("- " + note) }
    }

    /// The pure planner's share of `plan`: the live state is read once (not timed), then planned three times.
    func planningAlone(_ desired: State, config: RepositoryConfig, client: ARMClient) async -> Double {
        let live = await LiveStateReader(client: client).read(
            LiveStateReader.Request(desired: desired, prunePatterns: []))
        let clock = ContinuousClock()
        var times: [Double] = []
        for _ in 0..<3 {
            let start = clock.now
            _ = Planner.plan(desired: desired, live: live.state, scope: PlanScope(prune: config.prune))
            times.append(start.duration(to: clock.now).inSeconds)
        }
        return times.sorted()[1]
    }

    /// Terraform's refresh: one GET per managed resource, operations included, at parallelism 10; returns how many
    /// failed (after the client's retries, which honour 429 and Retry-After as the Azure SDKs do).
    func terraformRefresh(_ desired: State, client: ARMClient) async -> Int {
        var paths = desired.sorted.map(\.id.armPath)
        for api in desired.resources(of: .api) {
            for operation in api.specification?.operations ?? [] {
                paths.append("apis/\(api.id.name)/operations/\(operation.name)")
            }
        }
        return await withTaskGroup(of: Bool.self) { group in
            var next = 0
            var failed = 0
            func launch() {
                let path = paths[next]
                next += 1
                group.addTask { (try? await client.getIfExists(path)) != nil }
            }
            while next < paths.count, next < 10 { launch() }
            for await ok in group {
                if !ok { failed += 1 }
                if next < paths.count { launch() }
            }
            return failed
        }
    }

    /// Pages of each list the reader needs plus one GET per policy document: what the data requires.
    func minimumRequests(desired: State, client: ARMClient) async -> Int {
        let pageSize = 100
        func pages(_ count: Int) -> Int { max(1, (count + pageSize - 1) / pageSize) }
        var total = 0
        for kind in Set(desired.resources.keys.map { $0.kind.owningKind ?? $0.kind })
        where kind != .servicePolicy {
            let live = (try? await client.list(kind).count) ?? 0
            total += pages(live)
        }
        let policies = (try? await client.list("allPolicies").count) ?? 0
        total += pages(policies)
        let request = LiveStateReader.Request(desired: desired, prunePatterns: [])
        for (parent, kinds) in request.children {
            for kind in kinds { total += pages((try? await client.list(kind, parents: parent.names).count) ?? 0) }
        }
        total += desired.sorted.filter { $0.id.kind.isPolicy }.count
        return total
    }
}
