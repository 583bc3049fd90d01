import Emulator
import Gateway
import Model

/// The local gateway's view of a running emulator: the configuration that was applied to it through ARM, re-read
/// whenever the emulator's state changes (so the gateway never runs the manifests, only what APIM would hold).
struct EmulatorSnapshotSource: GatewaySnapshotSource {
    let live: EmulatorLiveState
    /// Where policies came from (by service-relative policy id), so traces name the files a user edits.
    var sources: [String: PolicySource] = [:]

    func revision() async -> String { await live.revision() }

    func snapshot() async -> GatewaySnapshot {
        GatewaySnapshot(armEntities: await live.entities(), sources: sources)
    }
}
