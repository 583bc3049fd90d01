import Foundation
import Testing

/// The emulator is an independent oracle of the client: it is built from the spec and apim-rest.md, never from what
/// the client's own kind catalogue says a kind manages, defaults or masks.
@Suite struct IndependenceTests {
    static func emulatorSources() throws -> [(file: String, text: String)] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/Emulator")
        let files =
            FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
        return try files.map { ($0.lastPathComponent, try String(contentsOf: $0, encoding: .utf8)) }
    }

    @Test func theEmulatorDoesNotUseModelsKindCatalogue() throws {
        let sources = try Self.emulatorSources()
        #expect(sources.count > 20, "Sources/Emulator was not found")
        let forbidden = [
            "KindCatalog", "KindDescriptor", "ResourceKind", ".descriptor", "managedFields", "managedProperties",
            "builtInNames", "maskedOnRead", "comparedOnlyWhenSet", "filledByImport",
        ]
        let uses = sources.flatMap { source in
            forbidden.filter { source.text.contains($0) }.map { "\(source.file): \($0)" }
        }
        #expect(uses == [])
    }

    @Test func noKindIsDispatchedByItsName() throws {
        let sources = try Self.emulatorSources()
        let patterns = ["apis", "apis/operations", "backends", "namedValues", "policyFragments", "products", "groups"]
        var found: [String] = []
        for source in sources {
            for pattern in patterns where source.text.contains("case \"\(pattern)\"") {
                found.append("\(source.file): case \"\(pattern)\"")
            }
            if source.text.contains("kind.pattern ==") || source.text.contains("switch kind.pattern") {
                found.append("\(source.file): compares kind patterns")
            }
        }
        #expect(found == [])
    }
}
