import ArgumentParser

/// `apimsync emulator`: runs the bundled APIM management-plane emulator (placeholder until the emulator lands).
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator",
        abstract: "Run the bundled Azure API Management emulator."
    )

    func run() async throws {
        throw ValidationError("the emulator is not built yet")
    }
}
