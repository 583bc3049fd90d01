import FuzzSupport
import Model

@testable import Emulator

/// The fields a `$filter` is evaluated against.
private let filterFields: [String: JSONValue] = [
    "name": .string("aoai"), "displayName": .string("Azure OpenAI"), "isCurrent": .bool(true),
    "priority": .number(3),
]

/// libFuzzer entry point: the emulator's parsing of an ARM request, below the HTTP transport (SwiftNIO's). The
/// input's first line is the request target (`path?query`), the rest its body. The target is split and
/// percent-decoded as the server does, the path below the service is routed for each method, each `$filter` is
/// parsed and evaluated, and the body is read as the JSON the emulator's writes parse (then serialised again).
/// Errors are expected; a crash, a hang or a sanitizer report is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequest(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    let newline = bytes.firstIndex(of: 10) ?? bytes.count
    let target = String(decoding: bytes[..<newline], as: UTF8.self)
    let body = newline < bytes.count ? Array(bytes[(newline + 1)...]) : []
    let (path, query) = EmuRequest.split(target)
    let segments = EmuRequest.decode(path, plusAsSpace: false).split(separator: "/").map(String.init)
    for method in ["GET", "PUT", "POST", "DELETE"] {
        _ = Route.parse(Array(segments.dropFirst(8)), method: method)?.kind
    }
    for (name, value) in query where name.lowercased() == "$filter" {
        if let filter = try? FilterExpression.parse(value) { _ = filter.matches { filterFields[$0] } }
    }
    if let value = try? JSONValue.parse(body) {
        _ = value.serialized()
        _ = value.serialized(pretty: true, sortKeys: true)
    }
    return 0
}

/// The executable's `main` (SwiftPM links `main` to `<module>_main`): runs libFuzzer over ``fuzzRequest(_:_:)``.
@_cdecl("fuzz_request_main")
public func fuzzRequestMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(fuzzRequest)
}
