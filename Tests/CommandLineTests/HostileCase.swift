import Foundation
import TestSupport
import Testing
import YAML

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One hostile repository of issue 14's corpus: a fixture folder (`Tests/Fixtures/hostile/<case>/`, files laid over a
/// minimal repository, with `expect` listing what the output must say and, optionally, `absent` what it must not),
/// a case generated at test time (big, binary or special files that are not committed), or a manifest of the
/// every-field fixture with one field given a value of the wrong type.
struct HostileCase: Sendable, CustomTestStringConvertible {
    enum Source: Sendable {
        case fixture(String)
        case generated(HostileCorpus.Generated)
        /// The manifest file `file` (relative to `Tests/Fixtures`) with the value at `path` (keys and list indexes
        /// under `spec`) of its document `document` replaced by one of the wrong shape; the `specs` and `policies`
        /// folders beside the file's `resources` folder are copied too.
        case wrongType(file: String, document: Int, path: [PathStep])
    }

    enum PathStep: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    var name: String
    var source: Source
    /// What the output must contain (the file named, with `line:col` where it is meaningful, and the problem).
    var expected: [String]
    /// What the output must not contain (a secret's bytes).
    var absent: [String] = []

    var testDescription: String { name }

    /// The configuration every case without its own uses; `%TARGET%` becomes the emulator's target fields.
    static let config = """
        apiVersion: apimsync/v1
        kind: Config
        spec:
          resources: [resources]
          environments:
            local:
              target:
        %TARGET%
              variables:
                host: backend.example.com
                aoai01: https://apimaoai01.openai.azure.com
                aoai02: https://apimaoai02.openai.azure.com

        """

    /// Writes the case's repository into `root`, its configuration reaching the emulator at `target` (the
    /// `target:` fields, one per line, indented for the configuration).
    func write(to root: URL, target: String) throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        func put(_ relative: String, _ text: String) throws {
            let url = root.appendingPathComponent(relative)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: false, encoding: .utf8)
        }
        try put("apimsync.yaml", Self.config.replacingOccurrences(of: "%TARGET%", with: target))
        switch source {
        case .fixture(let folder):
            let base = HostileCorpus.fixtures.appendingPathComponent(folder)
            let enumerator = FileManager.default.enumerator(atPath: base.path)
            while let item = enumerator?.nextObject() as? String {
                var isDirectory: ObjCBool = false
                let path = base.appendingPathComponent(item).path
                guard item != "expect", item != "absent",
                    FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue
                else { continue }
                let text = try String(contentsOfFile: path, encoding: .utf8)
                try put(item, text.replacingOccurrences(of: "%TARGET%", with: target))
            }
        case .generated(let generated):
            try generated.write(to: root, put: put)
        case .wrongType(let file, let document, let path):
            var roots = try HostileCorpus.documents(of: file).map { $0.root }
            guard let manifest = roots[document], let spec = manifest["spec"] else {
                throw TestSupportError("\(file) document \(document) has no spec")
            }
            roots[document] = Self.replacing(in: manifest, key: "spec", with: Self.wrongShape(at: path[...], in: spec))
            try put("resources/manifests.yaml", YAMLEmitter.emit(documents: roots.compactMap { $0 }))
            let repository = HostileCorpus.fixtureRoot.appendingPathComponent(file).deletingLastPathComponent()
                .deletingLastPathComponent()
            for folder in ["specs", "policies"] {
                let source = repository.appendingPathComponent(folder)
                if FileManager.default.fileExists(atPath: source.path) {
                    try FileManager.default.copyItem(at: source, to: root.appendingPathComponent(folder))
                }
            }
        }
    }

    /// `node` with the value at `path` replaced by one of another shape: a mapping for a scalar or a list, a string
    /// for a mapping.
    static func wrongShape(at path: ArraySlice<PathStep>, in node: YAMLNode) -> YAMLNode {
        guard let step = path.first else {
            let mark = node.mark
            if node.mapping != nil { return YAMLNode(.scalar(YAMLScalar("wrong-type")), mark: mark) }
            return YAMLNode(
                .mapping([
                    YAMLPair(
                        key: YAMLNode(.scalar(YAMLScalar("wrong")), mark: mark),
                        value: YAMLNode(.scalar(YAMLScalar("type")), mark: mark))
                ]), mark: mark)
        }
        switch (step, node.content) {
        case (.key(let key), .mapping(var pairs)):
            if let index = pairs.firstIndex(where: { $0.key.scalar?.text == key }) {
                pairs[index].value = wrongShape(at: path.dropFirst(), in: pairs[index].value)
            }
            return YAMLNode(.mapping(pairs), mark: node.mark, tag: node.tag)
        case (.index(let index), .sequence(var items)):
            items[index] = wrongShape(at: path.dropFirst(), in: items[index])
            return YAMLNode(.sequence(items), mark: node.mark, tag: node.tag)
        default:
            return node
        }
    }

    static func replacing(in root: YAMLNode, key: String, with value: YAMLNode) -> YAMLNode {
        var pairs = root.mapping ?? []
        if let index = pairs.firstIndex(where: { $0.key.scalar?.text == key }) { pairs[index].value = value }
        return YAMLNode(.mapping(pairs), mark: root.mark, tag: root.tag)
    }

    /// The path as messages write it: `spec.credentials.header.x-api-key[0]`.
    static func display(_ path: [PathStep]) -> String {
        path.reduce("spec") { text, step in
            switch step {
            case .key(let key): text + "." + key
            case .index(let index): text + "[\(index)]"
            }
        }
    }
}
