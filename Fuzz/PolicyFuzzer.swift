// libFuzzer entry point for the policy reader and the C# expression lexer (issue 14): any text must be read into
// a tree and problems, in both formats, and written back, never crashing or hanging.
// Built with the Model module's sources by Fuzz/build.sh; see docs/fuzzing.md.

@_cdecl("LLVMFuzzerTestOneInput")
public func policyFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    for format in [PolicyFormat.rawxml, .xml] {
        let scan = PolicyXMLReader.read(text, format: format)
        _ = PolicyXMLWriter.serialize(scan.nodes, format: format)
    }
    _ = PolicyScanner.scan(text)
    _ = CSharpLexer.tokenize(text)
    return 0
}
