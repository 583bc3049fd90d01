import Controller
import Foundation
import Manifests
import Model

/// A plan narrowed to the resources built from files a change touched (`plan --changed-since REF`): the manifest,
/// policy and specification files of each resource are compared with the files git reports as changed.
struct ChangedFilesScope {
    /// The narrowed desired state, or nil when the change needs a full plan.
    var desired: State?
    /// What the plan's notes should say about the narrowing.
    var note: String

    init(_ loaded: LoadResult, changed: Set<String>, configPath: String, reference: String) {
        let config = RepositorySource.canonical(configPath)
        let base = (config as NSString).deletingLastPathComponent
        let overlays =
            loaded.config.flatMap { config in loaded.environment.flatMap { config.environments[$0] } }?
            .overlays.map { RepositorySource.canonical(base + "/" + $0) } ?? []
        if changed.contains(config)
            || changed.contains(where: { path in overlays.contains { path == $0 || path.hasPrefix($0 + "/") } })
        {
            desired = nil
            note = "apimsync.yaml or an overlay changed since \(reference): planned everything"
            return
        }
        var narrowed = State()
        var explained: Set<String> = []
        for resource in loaded.state.sorted {
            let files = Set((loaded.sources[resource.id] ?? []).map(RepositorySource.canonical))
            if !files.isDisjoint(with: changed) {
                narrowed.insert(resource)
                explained.formUnion(files.intersection(changed))
            }
        }
        desired = narrowed
        // A changed manifest that builds nothing (deleted or emptied) is where deletions would come from.
        let unexplained = changed.filter {
            $0.hasPrefix(base + "/") && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !explained.contains($0)
        }.count
        note =
            "narrowed to the \(narrowed.count) of \(loaded.state.count) resources built from files changed since "
            + "\(reference); deletions and unmanaged resources are not planned"
            + (unexplained > 0 ? " (\(unexplained) changed manifest file(s) declare nothing now)" : "")
            + ": run a full plan before apply"
    }
}
