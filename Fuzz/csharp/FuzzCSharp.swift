import FuzzSupport
import Model

/// libFuzzer entry point: tokenises the input as a C# policy expression and splits it into the literal and
/// expression segments of an attribute value. A crash, a hang or a sanitizer report is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSharp(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    _ = CSharpLexer.tokenize(text)
    _ = PolicyExpression.segments(of: text)
    return 0
}

/// The executable's `main` (SwiftPM links `main` to `<module>_main`): runs libFuzzer over ``fuzzCSharp(_:_:)``.
@_cdecl("fuzz_csharp_main")
public func fuzzCSharpMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(fuzzCSharp)
}
