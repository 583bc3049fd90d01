// libFuzzer entry point for the YAML loader (issue 14): any bytes, as text, must load or fail with a YAMLError —
// never crash, hang or take unbounded memory; what loads must be written by the emitter without a crash.
// Built with the YAML module's sources by Fuzz/build.sh; see docs/fuzzing.md.

@_cdecl("LLVMFuzzerTestOneInput")
public func yamlFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let documents = try? YAMLParser.parse(text, file: "fuzz.yaml") {
        _ = YAMLEmitter.emit(documents: documents.compactMap(\.root))
    }
    return 0
}
