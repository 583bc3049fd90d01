/// The emulator state file could not be read: never silently replaced by a fresh state.
public struct EmulatorStateError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var reason: String
    public var description: String { "emulator state file '\(file)' is corrupt: \(reason)" }
}
