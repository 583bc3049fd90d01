import ArgumentParser
import Reconcile

extension ReadFailures {
    /// Prints the causes and stops the command (exit 1); nothing was written.
    func stop(_ what: String) throws -> Never {
        DiagnosticPrinter.writeError(
            "error: \(messages.count) call\(messages.count == 1 ? "" : "s") reading APIM failed, so no \(what) was made:"
        )
        for line in summary { DiagnosticPrinter.writeError("  \(line)") }
        throw ExitCode.failure
    }
}
