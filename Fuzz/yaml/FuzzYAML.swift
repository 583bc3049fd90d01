import FuzzSupport
import YAML

/// libFuzzer entry point: loads the input as a YAML stream. Errors are expected; a crash, a hang or a sanitizer
/// report is a finding. What loads (documents whose keys are all scalars, at most 5,000 nodes once aliases are
/// expanded) must be written by the emitter and read back as the same values: a mismatch is a finding too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzYAML(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    guard let documents = try? YAMLParser.parse(text, file: "fuzz.yaml") else { return 0 }
    let roots = documents.compactMap(\.root)
    // Aliases may expand a small input to a million nodes, which the loader allows (it shares them); writing and
    // re-reading those would cost the fuzzer seconds per input (the emitter writes about 1.5 MB/s of such output), so
    // only trees of modest size are round-tripped.
    var budget = 5_000
    guard roots.allSatisfy({ fits($0, budget: &budget) }) else { return 0 }
    let emitted = YAMLEmitter.emit(documents: roots)
    guard roots.allSatisfy(hasOnlyScalarKeys) else { return 0 }
    let reread: [YAMLNode]
    do {
        reread = try YAMLParser.parse(emitted, file: "emitted.yaml").compactMap(\.root)
    } catch {
        fatalError("the emitter wrote YAML that does not load: \(error)\n--- input\n\(text)\n--- emitted\n\(emitted)")
    }
    guard reread.count == roots.count, zip(roots, reread).allSatisfy(sameValues) else {
        fatalError("the emitted YAML reads back as other values\n--- input\n\(text)\n--- emitted\n\(emitted)")
    }
    return 0
}

/// The executable's `main` (SwiftPM links `main` to `<module>_main`): runs libFuzzer over ``fuzzYAML(_:_:)``.
@_cdecl("fuzz_yaml_main")
public func fuzzYAMLMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(fuzzYAML)
}

/// Whether the tree has no more nodes than are left in `budget` (which it uses up), stopping early if not.
private func fits(_ node: YAMLNode, budget: inout Int) -> Bool {
    budget -= 1
    guard budget >= 0 else { return false }
    switch node.content {
    case .scalar: return true
    case .sequence(let items): return items.allSatisfy { fits($0, budget: &budget) }
    case .mapping(let pairs):
        return pairs.allSatisfy { fits($0.key, budget: &budget) && fits($0.value, budget: &budget) }
    }
}

private func hasOnlyScalarKeys(_ node: YAMLNode) -> Bool {
    switch node.content {
    case .scalar: return true
    case .sequence(let items): return items.allSatisfy(hasOnlyScalarKeys)
    case .mapping(let pairs): return pairs.allSatisfy { $0.key.scalar != nil && hasOnlyScalarKeys($0.value) }
    }
}

private func sameValues(_ lhs: YAMLNode, _ rhs: YAMLNode) -> Bool {
    switch (lhs.content, rhs.content) {
    case (.scalar, .scalar):
        switch (lhs.resolved, rhs.resolved) {
        case (.float(let a)?, .float(let b)?): return a == b || (a.isNaN && b.isNaN)
        default: return lhs.resolved == rhs.resolved
        }
    case (.sequence(let a), .sequence(let b)):
        return a.count == b.count && zip(a, b).allSatisfy(sameValues)
    case (.mapping(let a), .mapping(let b)):
        return a.count == b.count
            && zip(a, b).allSatisfy { sameValues($0.key, $1.key) && sameValues($0.value, $1.value) }
    default:
        return false
    }
}
