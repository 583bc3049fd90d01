import FuzzSupport
import YAML

/// libFuzzer entry point: loads the input as a YAML stream. Errors are expected; a crash, a hang or a sanitizer
/// report is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzYAML(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    _ = try? YAMLParser.parse(text, file: "fuzz.yaml")
    return 0
}

/// The executable's `main` (SwiftPM links `main` to `<module>_main`): runs libFuzzer over ``fuzzYAML(_:_:)``.
@_cdecl("fuzz_yaml_main")
public func fuzzYAMLMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(fuzzYAML)
}
