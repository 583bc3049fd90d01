import Commands

/// The `apimsync` executable: everything it does lives in `Commands`.
@main
struct Entrypoint {
    static func main() async {
        await ApimSyncCommand.runFromCommandLine()
    }
}
