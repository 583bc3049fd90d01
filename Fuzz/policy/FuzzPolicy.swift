import FuzzSupport
import Model
import Planner

/// libFuzzer entry point: reads the input as a policy document the ways apimsync does — `validate`'s scanner
/// (`rawxml`), the `xml` reader, the unknown-format reader the planner uses — writes the tree back, and
/// canonicalises and diffs it as the planner does. A crash, a hang or a sanitizer report is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    let scan = PolicyScanner.scan(text)
    _ = PolicyXMLWriter.serialize(scan.nodes, format: .rawxml)
    let xml = PolicyXMLReader.read(text, format: .xml)
    _ = PolicyXMLWriter.serialize(xml.nodes, format: .xml)
    _ = PolicyXMLReader.read(text, format: .rawxml, decodingEntitiesInExpressions: true)
    _ = PolicyCanonicalizer.canonical(text)
    _ = PolicyCanonicalizer.canonical(text, format: .xml)
    _ = PolicyCanonicalizer.diff("<policies><inbound><base /></inbound></policies>", text)
    return 0
}

/// The executable's `main` (SwiftPM links `main` to `<module>_main`): runs libFuzzer over ``fuzzPolicy(_:_:)``.
@_cdecl("fuzz_policy_main")
public func fuzzPolicyMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(fuzzPolicy)
}
