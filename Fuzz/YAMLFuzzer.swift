// libFuzzer entry point for the YAML loader (issue 14): any bytes, as text, must load or fail with a YAMLError —
// never crash, hang or take unbounded memory. What loads must be written by the emitter and read back as the same
// values (documents whose keys are all scalars: the emitter writes no complex keys).
// Built with the YAML module's sources by Fuzz/build.sh; see docs/fuzzing.md.

@_cdecl("LLVMFuzzerTestOneInput")
public func yamlFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
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
