import Foundation
import FuzzSupport
import Manifests

/// A repository in a temporary folder: a minimal `apimsync.yaml` with two environments (`other` applies the
/// overlay folder), and a copy of the lab's `policies/` and `specs/` (when run from the repository root, as
/// `Fuzz/run.sh` does) so that seeds naming a policy or specification file get past that check.
let fuzzRepository: String = {
    let files = FileManager.default
    let root = files.temporaryDirectory.appendingPathComponent("apimsync-fuzz-\(getpid())").path
    for folder in ["resources", "overlays"] {
        try? files.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
    }
    for folder in ["policies", "specs"] where files.fileExists(atPath: "Tests/Fixtures/lab/" + folder) {
        try? files.removeItem(atPath: root + "/" + folder)
        try? files.copyItem(atPath: "Tests/Fixtures/lab/" + folder, toPath: root + "/" + folder)
    }
    let config = """
        apiVersion: apimsync/v1
        kind: Config
        spec:
          resources: [resources]
          environments:
            local:
              target: { emulator: state.json }
              variables: { aoai01: "https://aoai01.example.com", aoai02: "https://aoai02.example.com" }
            other:
              target: { emulator: other.json }
              overlays: [overlays]
              variables: { aoai01: "https://aoai01.example.com", aoai02: "https://aoai02.example.com" }

        """
    _ = files.createFile(atPath: root + "/apimsync.yaml", contents: Data(config.utf8))
    return root
}()

/// libFuzzer entry point: writes the input as a manifest (and as an overlay for the `other` environment) and runs
/// `validate`'s loading and checks over every environment. Diagnostics are expected; a crash, a hang or a
/// sanitizer report is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = Data(UnsafeBufferPointer(start: start, count: count))
    let root = fuzzRepository
    _ = FileManager.default.createFile(atPath: root + "/resources/fuzz.yaml", contents: data)
    _ = FileManager.default.createFile(atPath: root + "/overlays/fuzz.yaml", contents: data)
    _ = ManifestLoader(configPath: root + "/apimsync.yaml").validateAllEnvironments()
    return 0
}

/// The executable's `main` (SwiftPM links `main` to `<module>_main`): warms up, then runs libFuzzer over
/// ``fuzzManifest(_:_:)``; the temporary repository goes when libFuzzer exits.
@_cdecl("fuzz_manifest_main")
public func fuzzManifestMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    // One validation first, so that the one-time work (the repository, the spec catalog decoded from the generated
    // table: seconds under AddressSanitizer) is not timed as the first input.
    _ = fuzzManifest(nil, 0)
    atexit { try? FileManager.default.removeItem(atPath: fuzzRepository) }
    return FuzzDriver.run(fuzzManifest)
}
