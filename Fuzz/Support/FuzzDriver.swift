import CFuzzer

/// Starts libFuzzer from a harness.
///
/// A harness is compiled with `-parse-as-library` (with `-sanitize=fuzzer`, swiftc would otherwise name the
/// top-level code `LLVMFuzzerTestOneInput`), but SwiftPM links an executable target on Linux with
/// `--defsym main=<module>_main`, so libFuzzer's own `main` is replaced by that symbol. Each harness therefore
/// defines `<module>_main` with `@_cdecl`, and it hands the harness's `@_cdecl("LLVMFuzzerTestOneInput")` entry
/// point to libFuzzer's `LLVMFuzzerRunDriver`, which reads the command line exactly as libFuzzer's `main` would.
public enum FuzzDriver {
    /// The C type of `LLVMFuzzerTestOneInput`.
    public typealias TestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// Runs libFuzzer over `testOneInput` with the process's arguments and returns its exit status.
    public static func run(_ testOneInput: TestOneInput) -> CInt {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        return LLVMFuzzerRunDriver(&argc, &argv, testOneInput)
    }
}
