import ArgumentParser
import Emulator
import Executor
import Foundation
import ManagementClient
import Manifests
import Model
import Planner
import Reconcile

/// `apimsync benchmark reconcile`: plan and apply on a large instance behind the emulator with injected latency,
/// against baselines modelled on Terraform's refresh and APIOps' publisher, run in the same process.
struct ReconcileBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Time plan and apply on a large generated instance against Terraform- and APIOps-style baselines."
    )

    @Option(help: "APIs (each with an API policy and one operation policy).") var apis = 300
    @Option(help: "Operations per API.") var operations = 10
    @Option(help: "Backends.") var backends = 100
    @Option(help: "Named values.") var namedValues = 200
    @Option(help: "Products (linking the APIs evenly).") var products = 50
    @Option(help: "Latency the emulator adds to every request, in milliseconds.") var latencyMs = 20.0
    @Option(help: "apimsync's concurrent requests.") var concurrency = 16
    @Option(help: "Times to run the no-change plan; the median is compared with the bound.") var planRuns = 3

    func run() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "apimsync-reconcile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let generator = LargeInstanceGenerator(
            apis: apis, operationsPerAPI: operations, backends: backends, namedValues: namedValues, products: products)
        try generator.write(to: root)
        let loaded = ManifestLoader(configPath: root.appendingPathComponent("apimsync.yaml").path).load()
        guard !loaded.hasErrors, let config = loaded.config else {
            throw ValidationError("generated repository is invalid: \(loaded.diagnostics.prefix(3))")
        }
        let desired = loaded.state
        var options = EmulatorOptions()
        options.token = "benchmark"
        options.latency = LatencySpec(meanMilliseconds: latencyMs)
        let emulator = try await EmulatorServer.start(options)
        defer { Task { try? await emulator.shutdown() } }
        let client = try makeClient(emulator, options, concurrency: concurrency)
        let baselineClient = try makeClient(emulator, options, concurrency: 10)
        let latency = latencyMs / 1000
        let clock = ContinuousClock()
        func requests() async -> Int { await emulator.stats().totalRequests }
        func writes() async -> Int {
            let stats = await emulator.stats()
            return ["PUT", "PATCH", "DELETE", "POST"].reduce(0) { $0 + (stats.byMethod[$1] ?? 0) }
        }
        let environment = EnvironmentConfig(name: "benchmark", target: .emulator(stateFile: ""))
        let useCase = ReconcileUseCase(configPath: root.path + "/apimsync.yaml", environment: environment.name)
        func plan(_ state: State = desired) async -> Plan {
            let loaded = ReconcileUseCase.Loaded(config: config, environment: environment, desired: state)
            return await useCase.plan(loaded, client: client, target: nil).plan
        }
        print(
            "reconcile benchmark: \(desired.count) desired resources (\(apis) APIs × \(operations) operations, "
                + "\(backends) backends, \(namedValues) named values, \(products) products), latency \(latencyMs) ms, "
                + "concurrency \(concurrency)")

        // 1. Full apply from empty: apimsync vs a publisher that PUTs every artifact in dependency order.
        var start = clock.now
        let initial = await plan()
        let report = await Executor(api: client).apply(initial, desired: desired)
        let applyTime = start.duration(to: clock.now).inSeconds
        guard report.succeeded else { throw ValidationError("apply failed: \(report.failed) failed") }
        let applyWrites = await writes()
        await emulator.reset()
        start = clock.now
        let (publisherWrites, publisherTime) = try await publishEverything(desired, client: client, clock: clock)
        print(
            String(
                format:
                    "apply from empty:   apimsync %6.2f s, %5d writes (bound %.2f s) | APIOps-style publish %6.2f s, %5d writes | time ratio %.2f",
                applyTime, applyWrites, latency * Double(applyWrites) / Double(concurrency), publisherTime,
                publisherWrites, applyTime / publisherTime))

        // 2. Plan on the populated instance: requests vs the minimum the data needs, time vs the latency bound.
        var planTimes: [Double] = []
        var planRequests = 0
        var noChange = Plan()
        for _ in 0..<max(1, planRuns) {
            let before = await requests()
            start = clock.now
            noChange = await plan()
            planTimes.append(start.duration(to: clock.now).inSeconds)
            let made = await requests() - before
            guard planRequests == 0 || made == planRequests else {
                throw ValidationError("plan made \(made) requests after \(planRequests) on the same instance")
            }
            planRequests = made
        }
        let planTime = planTimes.sorted()[planTimes.count / 2]
        let planning = await planningAlone(desired, config: config, client: client, clock: clock)
        let minimum = await minimumRequests(desired: desired, emulator: emulator, client: client)
        let bound = latency * Double(planRequests) / Double(concurrency)
        let terraform = try await terraformRefresh(desired, client: baselineClient, clock: clock)
        print(
            String(
                format: "plan (no changes):  %d requests, minimum %d → ratio %.3f (target ≤ 1.05)", planRequests,
                minimum, Double(planRequests) / Double(minimum)))
        let runs = planTimes.map { String(format: "%.2f", $0) }.joined(separator: ", ")
        print(
            String(
                format:
                    "                    %.2f s (median of \(runs)), bound latency×requests÷concurrency %.2f s → ratio %.2f (target ≤ 1.3)",
                planTime, bound, planTime / bound))
        print(
            String(
                format:
                    "                    of which planning (pure, no I/O) %.3f s (median of 3) → %.0f%% of the plan",
                planning, 100 * planning / planTime))
        let terraformBound = latency * Double(terraform.requests) / 10
        print(
            String(
                format:
                    "Terraform-style refresh (GET per resource, parallelism 10): %d requests → ratio %.2f to the minimum; "
                    + "%.2f s, bound %.2f s → ratio %.2f",
                terraform.requests, Double(terraform.requests) / Double(minimum), terraform.seconds, terraformBound,
                terraform.seconds / terraformBound))
        print(
            String(
                format: "                    apimsync's plan is %.1f× faster with %.1f× fewer requests",
                terraform.seconds / planTime, Double(terraform.requests) / Double(planRequests)))
        guard noChange.changes.isEmpty else {
            throw ValidationError("the populated instance planned \(noChange.changes.count) changes")
        }

        // 3. Apply: writes for a no-op (must be 0) and for a 1% change (must equal the changed resources).
        var writesBefore = await writes()
        _ = await Executor(api: client).apply(await plan(), desired: desired)
        let noopWrites = await writes() - writesBefore
        var changed = desired
        let candidates = desired.sorted.filter { [.backend, .namedValue, .api, .product].contains($0.id.kind) }
        let step = max(1, desired.count / max(1, desired.count / 100))
        var touched = 0
        for (index, resource) in candidates.enumerated() where index % step == 0 {
            var copy = resource
            copy.properties["description"] = .string("changed \(index)")
            if resource.id.kind == .namedValue { copy.properties["value"] = .string("changed-\(index)") }
            changed.insert(copy)
            touched += 1
        }
        let changePlan = await plan(changed)
        writesBefore = await writes()
        let changeReport = await Executor(api: client).apply(changePlan, desired: changed)
        let changeWrites = await writes() - writesBefore
        print("apply (no changes): \(noopWrites) writes (target 0)")
        print(
            "apply (1% change):  \(touched) resources changed → \(changePlan.changes.count) planned, \(changeWrites) writes, "
                + "\(changeReport.failed) failed (target: writes = changed resources)")
    }

    func makeClient(_ emulator: RunningEmulator, _ options: EmulatorOptions, concurrency: Int) throws -> ARMClient {
        var configuration = ARMClientConfiguration(
            resourceManagerURL: emulator.baseURL, subscriptionID: options.subscriptionId,
            resourceGroup: options.resourceGroup, serviceName: options.serviceName)
        configuration.pacing.maxConcurrency = concurrency
        configuration.pacing.buckets = [:]
        return try ARMClient(configuration: configuration, credential: StaticTokenCredential(token: "benchmark"))
    }

    /// The pure planner's share of `plan`: the live state is read once (not timed), then planned three times.
    func planningAlone(
        _ desired: State, config: RepositoryConfig, client: ARMClient, clock: ContinuousClock
    ) async -> Double {
        let live = await LiveStateReader(client: client).read(
            LiveStateReader.Request(desired: desired, prunePatterns: []))
        var times: [Double] = []
        for _ in 0..<3 {
            let start = clock.now
            _ = Planner.plan(desired: desired, live: live.state, scope: PlanScope(prune: config.prune))
            times.append(start.duration(to: clock.now).inSeconds)
        }
        return times.sorted()[1]
    }

    /// APIOps' publisher: PUT every artifact (no diff) in dependency order, named values one at a time.
    func publishEverything(_ desired: State, client: ARMClient, clock: ContinuousClock) async throws -> (Int, Double) {
        let plan = Planner.plan(desired: desired, live: State())
        let start = clock.now
        let report = await Executor(api: client, serializeAllNamedValues: true).apply(plan, desired: desired)
        return (report.applied, start.duration(to: clock.now).inSeconds)
    }

    /// Terraform's refresh: one GET per managed resource, operations included, at parallelism 10.
    func terraformRefresh(
        _ desired: State, client: ARMClient, clock: ContinuousClock
    ) async throws -> (requests: Int, seconds: Double) {
        var paths = desired.sorted.map(\.id.armPath)
        for api in desired.resources(of: .api) {
            for operation in api.specification?.operations ?? [] {
                paths.append("apis/\(api.id.name)/operations/\(operation.name)")
            }
        }
        let start = clock.now
        await withTaskGroup(of: Void.self) { group in
            for path in paths { group.addTask { _ = try? await client.getIfExists(path) } }
        }
        return (paths.count, start.duration(to: clock.now).inSeconds)
    }

    /// Pages of each list the reader needs plus one GET per policy document: what the data requires.
    func minimumRequests(desired: State, emulator: RunningEmulator, client: ARMClient) async -> Int {
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
