import Foundation
import Logging

/// Persistence of the emulated service: the state file is read at start (a corrupt one is an error, never silently
/// replaced) and written atomically after every successful write.
struct StateFile: Sendable {
    let path: String

    static let logger = Logger(label: "apimsync.emulator")

    /// The state in the file, or `nil` when there is no file yet.
    func load() throws -> EmulatorState? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw EmulatorStateError(file: path, reason: "cannot be read: \(error.localizedDescription)")
        }
        return try EmulatorState.load(text: text, file: path)
    }

    func write(_ state: EmulatorState) throws {
        try Data(state.serialized().utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Writes `state`, logging (not throwing) a failure: the request already succeeded in memory.
    func save(_ state: EmulatorState) {
        do {
            try write(state)
        } catch {
            Self.logger.error("cannot write the state file", metadata: ["file": "\(path)", "error": "\(error)"])
        }
    }
}
