import APIMSpec
import Executor
import Foundation
import ManagementClient
import Manifests
import Model
import Planner

/// load → read → plan → blockers → secrets → apply: the one path `apimsync plan`, `apimsync apply` (also of a
/// saved plan) and the controller's cycle take. Each stage returns what it found; callers decide what to print,
/// and nothing here prints.
public struct ReconcileUseCase: Sendable {
    /// The repository configuration (`apimsync.yaml`).
    public var configPath: String
    /// The environment asked for; `nil` for the repository's default.
    public var environment: String?
    /// Where secret named values come from.
    public var secrets: SecretResolver

    public init(configPath: String, environment: String?, secrets: SecretResolver? = nil) {
        self.configPath = configPath
        self.environment = environment
        self.secrets = secrets ?? SecretResolver(configPath: configPath)
    }

    /// A repository that loaded without errors, for one environment.
    public struct Loaded: Sendable {
        public var result: LoadResult
        public var config: RepositoryConfig
        public var environment: EnvironmentConfig
        /// The desired state to plan (a `--changed-since` plan narrows it).
        public var desired: State
        /// The digest of the whole desired state, which ties a saved plan to these manifests.
        public var digest: String

        /// A repository already in memory (benchmarks and tests that build the desired state themselves).
        public init(config: RepositoryConfig, environment: EnvironmentConfig, desired: State) {
            self.init(
                result: LoadResult(
                    config: config, environment: environment.name, state: desired, diagnostics: []),
                config: config, environment: environment, desired: desired, digest: DesiredDigest.of(desired))
        }

        init(
            result: LoadResult, config: RepositoryConfig, environment: EnvironmentConfig, desired: State,
            digest: String
        ) {
            self.result = result
            self.config = config
            self.environment = environment
            self.desired = desired
            self.digest = digest
        }
    }

    /// Loads and validates the repository. `nil` (with the diagnostics) when it has errors: nothing may be planned.
    public func load() -> (loaded: Loaded?, diagnostics: [Diagnostic]) {
        let result = ManifestLoader(configPath: configPath).load(environment: environment)
        guard !result.hasErrors, let config = result.config, let name = result.environment,
            let environment = config.environments[name]
        else {
            var diagnostics = result.diagnostics
            if !result.hasErrors {
                diagnostics.append(.error("environment '\(result.environment ?? "?")' has no target", at: nil))
            }
            return (nil, diagnostics)
        }
        let loaded = Loaded(
            result: result, config: config, environment: environment, desired: result.state,
            digest: DesiredDigest.of(result.state))
        return (loaded, result.diagnostics)
    }

    /// How to plan.
    public struct PlanOptions: Sendable {
        /// Compare secret named values by the SHA-256 of their live value (`listValue`, which ARM counts as a write).
        public var checkSecrets: Bool
        public var allowMassDelete: Bool
        /// Record each changed resource's live ETag (a plan to be saved and applied later).
        public var withETags: Bool

        public init(checkSecrets: Bool = false, allowMassDelete: Bool = false, withETags: Bool = false) {
            self.checkSecrets = checkSecrets
            self.allowMassDelete = allowMassDelete
            self.withETags = withETags
        }
    }

    /// A plan, what reading APIM for it could not do, and the secrets applying it needs.
    public struct Planned: Sendable {
        public var plan: Plan
        /// Calls that failed while reading APIM: a plan from an incomplete read must not be acted on.
        public var readFailures: ReadFailures
        public var secrets: SecretResolver.Values
    }

    /// Reads what the desired state needs from APIM and plans against it. A secret the plan would write but that
    /// is not available here is a blocker: nothing may be written when a write is known to fail.
    public func plan(
        _ loaded: Loaded, client: ARMClient, target: PlanTarget?, options: PlanOptions = PlanOptions()
    ) async -> Planned {
        let config = loaded.config
        let reader = LiveStateReader(client: client)
        var request = LiveStateReader.Request(
            desired: loaded.desired, prunePatterns: config.prune.enabled ? config.prune.owns : [],
            owned: { config.prune.owns($0) })
        request.unavailable = KindCatalog.unavailableKinds(
            in: loaded.environment.apiVersion.map(APIVersion.init(rawValue:)) ?? .ga)
        let live = await reader.read(request)
        var failures = ReadFailures()
        for error in live.errors { failures.append(error) }
        let digests = await secrets.digests(
            desired: loaded.desired, live: live.state, client: client, checkLive: options.checkSecrets)
        var plan = Planner.plan(
            desired: loaded.desired, live: live.state,
            scope: PlanScope(
                prune: config.prune, allowMassDelete: options.allowMassDelete, incompleteKinds: live.incompleteKinds,
                emptyResourceFolders: ResourceFolders.empty(
                    loaded.result, environment: loaded.environment, configPath: configPath)),
            secrets: digests)
        plan.target = target
        if options.withETags {
            let etags = await reader.etags(of: plan.changes.filter { $0.action != .create }.map(\.id))
            for index in plan.changes.indices { plan.changes[index].liveETag = etags[plan.changes[index].id] }
        }
        let values = secrets.values(for: plan, desired: loaded.desired)
        for (id, source) in values.missing {
            plan.blockers.append(
                "\(id) needs its secret value from \(source), which is not set here; nothing will be written "
                    + "until it is")
        }
        return Planned(plan: plan, readFailures: failures, secrets: values)
    }

    /// Why a saved plan cannot be applied to this repository and target.
    public struct SavedPlanRefusal: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Checks that a saved plan was made for this environment, this target and these manifests.
    public func check(_ saved: PlanFile, loaded: Loaded, target: PlanTarget, servicePath: String) -> SavedPlanRefusal? {
        if saved.environment != loaded.environment.name {
            return SavedPlanRefusal(
                description:
                    "the plan was made for environment '\(saved.environment)', not '\(loaded.environment.name)': "
                    + "apply it with --env \(saved.environment), or re-plan")
        }
        if saved.target.lowercased() != servicePath.lowercased()
            || (saved.plan.target.map { $0.endpoint != target.endpoint } ?? false)
        {
            let made = saved.plan.target?.description ?? saved.target
            return SavedPlanRefusal(description: "the plan was made for \(made), not \(target)")
        }
        if saved.desiredDigest != loaded.digest {
            return SavedPlanRefusal(description: "the manifests changed since the plan was made: re-plan")
        }
        return nil
    }

    /// A saved plan, without the changes APIM already shows (a plan applied before, or partly): `fresh` is a new
    /// plan of the same repository and target. What is left is applied with the ETags the saved plan recorded.
    public static func remaining(_ saved: Plan, fresh: Plan) -> (plan: Plan, alreadyApplied: [ResourceID]) {
        let pending = Set(fresh.changes.map(\.id))
        var plan = saved
        plan.changes = saved.changes.filter { pending.contains($0.id) }
        let done = saved.changes.map(\.id).filter { !pending.contains($0) }
        return (plan, done)
    }

    /// Applies `plan`: the executor writes in dependency order with the secret values resolved at plan time.
    public func apply(
        _ plan: Plan, loaded: Loaded, secrets: SecretResolver.Values, api: any ManagementAPI, useETags: Bool,
        events: @escaping @Sendable (ExecutionEvent) -> Void = { _ in }
    ) async -> ApplyReport {
        await Executor(api: api, useETags: useETags).apply(
            plan, desired: loaded.desired, secretValues: secrets.values, events: events)
    }
}
