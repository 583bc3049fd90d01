import ManagementClient
import Model
import Planner

/// Live read → secret digests → plan → ETags: the same path for `plan`, `apply` and the controller.
public enum PlanPipeline {
    /// Reads what the desired state needs from APIM and plans against it; `warn` receives failed reads (the
    /// kinds concerned are not pruned).
    public static func plan(
        desired: State, config: RepositoryConfig, client: ARMClient, configPath: String,
        checkSecrets: Bool, allowMassDelete: Bool, withETags: Bool, warn: (String) -> Void = { _ in }
    ) async -> Plan {
        let reader = LiveStateReader(client: client)
        let request = LiveStateReader.Request(
            desired: desired, prunePatterns: config.prune.enabled ? config.prune.owns : [],
            owned: { config.prune.owns($0) })
        let live = await reader.read(request)
        for error in live.errors { warn(error) }
        let secrets = await SecretDigester.digests(
            desired: desired, live: live.state, client: client, checkLive: checkSecrets,
            configPath: configPath)
        var plan = Planner.plan(
            desired: desired, live: live.state,
            scope: PlanScope(
                prune: config.prune, allowMassDelete: allowMassDelete, incompleteKinds: live.incompleteKinds),
            secrets: secrets)
        if withETags {
            let etags = await reader.etags(of: plan.changes.filter { $0.action != .create }.map(\.id))
            for index in plan.changes.indices { plan.changes[index].liveETag = etags[plan.changes[index].id] }
        }
        return plan
    }
}
