import Foundation
import TestSupport
import YAML

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 14's hostile-input corpus: the committed fixture cases, the cases generated at test time and a wrong-type
/// case for every field of every manifest in the kind fixtures.
enum HostileCorpus {
    static let fixtureRoot = TestPaths.fixtures
    static let fixtures = TestPaths.fixtures.appendingPathComponent("hostile")

    /// The manifest files whose every field gets a wrong-type case: together they hold every kind.
    static let kindFixtures = [
        "every-field.yaml", "ai-gateway/resources/kinds.yaml", "ai-gateway/resources/gateway.yaml",
        "lab/examples/plain/resources/aoai-api.yaml", "lab/examples/plain/resources/global-policy.yaml",
    ]

    /// The committed cases, one per folder of `Tests/Fixtures/hostile`.
    static var fixtureCases: [HostileCase] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []
        return names.sorted().map { name in
            func lines(_ file: String) -> [String] {
                let text =
                    (try? String(contentsOf: fixtures.appendingPathComponent(name + "/" + file), encoding: .utf8))
                return (text ?? "").split(separator: "\n").map(String.init)
            }
            return HostileCase(name: name, source: .fixture(name), expected: lines("expect"), absent: lines("absent"))
        }
    }

    static var generatedCases: [HostileCase] {
        Generated.allCases.map { HostileCase(name: "\($0)", source: .generated($0), expected: $0.expected) }
    }

    /// One case per field (at any depth) of every manifest of ``kindFixtures``.
    static var wrongTypeCases: [HostileCase] {
        var cases: [HostileCase] = []
        for file in kindFixtures {
            guard let documents = try? documents(of: file) else { continue }
            for (index, document) in documents.enumerated() {
                guard let root = document.root, let spec = root["spec"], let kind = root["kind"]?.scalar?.text else {
                    continue
                }
                for path in fieldPaths(in: spec) {
                    let display = HostileCase.display(path)
                    // The field is named by its path (`'spec.tls.validateCertificateChain' must be …`) or, for
                    // fields with messages of their own (a secret's source), by its key.
                    guard case .key(let key)? = path.last else { continue }
                    cases.append(
                        HostileCase(
                            name: "\(kind) \(root["metadata"]?["name"]?.scalar?.text ?? "") \(display)",
                            source: .wrongType(file: file, document: index, path: path),
                            expected: ["resources/manifests.yaml:", key]))
                }
            }
        }
        return cases
    }

    /// Every path under `node` to a value: each mapping value and list element, at any depth.
    static func fieldPaths(in node: YAMLNode, prefix: [HostileCase.PathStep] = []) -> [[HostileCase.PathStep]] {
        var paths: [[HostileCase.PathStep]] = []
        switch node.content {
        case .mapping(let pairs):
            for pair in pairs {
                guard let key = pair.key.scalar?.text else { continue }
                let path = prefix + [.key(key)]
                paths.append(path)
                paths += fieldPaths(in: pair.value, prefix: path)
            }
        case .sequence(let items):
            for (index, item) in items.enumerated() where item.mapping != nil {
                paths += fieldPaths(in: item, prefix: prefix + [.index(index)])
            }
        case .scalar:
            break
        }
        return paths
    }

    static func documents(of file: String) throws -> [YAMLDocument] {
        let text = try String(contentsOf: fixtureRoot.appendingPathComponent(file), encoding: .utf8)
        return try YAMLParser.parse(text, file: file)
    }

    /// The cases whose files are big, binary or special (FIFOs, symbolic links), made at test time.
    enum Generated: String, CaseIterable, Sendable {
        case deepFlowSequenceInBackendURL, deepFlowMappings, deepBlockSequences, deepMixedFlow, deepConfiguration
        case billionLaughsInConfiguration, hugeScalar, sparseHugeManifest, nineMegabyteManifest, tenThousandDocuments
        case invalidUTF8Manifest, nulByteInManifest, bellCharacterInManifest, utf16Manifest, megabyteLongLine
        case fifoPolicyFile, fifoManifest, fifoConfiguration, policyFileSymlinkOutOfRepository
        case resourcesFolderSymlinkOutOfRepository, manifestSymlinkOutOfRepository, policySymlinkLoop
        case danglingPolicySymlink, hugePolicyFile, sparseGigabytePolicy, deepPolicyXML, deepInlinePolicyXML
        case deepCSharpInterpolation, binaryPolicyFile, nulBytesInPolicy, variableExpansionBomb
        case deepYAMLSpecification

        static let backendHeader = "apiVersion: apimsync/v1\nkind: Backend\nmetadata: { name: b1 }\nspec:\n"
        static let policyManifest =
            "apiVersion: apimsync/v1\nkind: ServicePolicy\nmetadata: { name: policy }\nspec:\n  policyFile: policies/global.xml\n"

        var expected: [String] {
            let deep = "nesting deeper than 100 levels"
            switch self {
            case .deepFlowSequenceInBackendURL: return ["resources/deep.yaml:5:106", deep]
            case .deepFlowMappings: return ["resources/deep.yaml:4:", deep]
            case .deepBlockSequences: return ["resources/deep.yaml:", deep]
            case .deepMixedFlow: return ["resources/deep.yaml:5:", deep]
            case .deepConfiguration: return ["apimsync.yaml:", deep]
            case .billionLaughsInConfiguration: return ["apimsync.yaml:", "expands to more than 1000000 values"]
            case .hugeScalar: return ["resources/huge.yaml:6:16", "a value of 2097152 bytes"]
            case .sparseHugeManifest: return ["resources/huge.yaml:1:1", "is 104857600 bytes; files of at most"]
            case .nineMegabyteManifest: return ["resources/big.yaml:1:1", "is 9446400 bytes; files of at most"]
            case .tenThousandDocuments: return ["resources/many.yaml:10001:1", "more than 10000 documents"]
            case .invalidUTF8Manifest: return ["resources/bad.yaml:5:11", "is not UTF-8 text"]
            case .nulByteInManifest: return ["resources/bad.yaml:5:", "control character"]
            case .bellCharacterInManifest: return ["resources/bad.yaml:5:", "control character"]
            case .utf16Manifest: return ["resources/bad.yaml:1:1", "is not UTF-8 text"]
            case .megabyteLongLine: return ["resources/long.yaml:5:", "duplicate key 'k0'"]
            case .fifoPolicyFile: return ["resources/policy.yaml:5:15", "is not a regular file"]
            case .fifoManifest: return ["resources/fifo.yaml", "is not a regular file"]
            case .fifoConfiguration: return ["apimsync.yaml", "is not a regular file"]
            case .policyFileSymlinkOutOfRepository:
                return ["resources/policy.yaml:5:15", "leads outside the repository"]
            case .resourcesFolderSymlinkOutOfRepository: return ["resources/linked", "leads outside the repository"]
            case .manifestSymlinkOutOfRepository: return ["resources/evil.yaml", "leads outside the repository"]
            case .policySymlinkLoop: return ["resources/policy.yaml:5:15", "is a symbolic link that loops"]
            case .danglingPolicySymlink: return ["resources/policy.yaml:5:15", "is a symbolic link to nothing"]
            case .hugePolicyFile: return ["resources/policy.yaml:5:15", "is 2097152 bytes; files of at most"]
            case .sparseGigabytePolicy: return ["resources/policy.yaml:5:15", "is 1073741824 bytes; files of at most"]
            case .deepPolicyXML: return ["policies/global.xml:", "nested more than 64"]
            case .deepInlinePolicyXML: return ["resources/policy.yaml:5:", "nested more than 64"]
            case .deepCSharpInterpolation: return ["policies/global.xml:", "nested more than 16 levels"]
            case .binaryPolicyFile: return ["resources/policy.yaml:5:15", "is not UTF-8 text"]
            case .nulBytesInPolicy: return ["policies/global.xml:", "policy is not well formed"]
            case .variableExpansionBomb: return ["resources/bomb.yaml:5:8", "longer than 4194304 bytes"]
            case .deepYAMLSpecification: return ["specs/deep.yaml:", deep]
            }
        }

        /// Writes the case's files into the repository at `root`; `put` writes a text file.
        func write(to root: URL, put: (String, String) throws -> Void) throws {
            func bytes(_ relative: String, _ data: [UInt8]) throws {
                try Data(data).write(to: root.appendingPathComponent(relative))
            }
            func folder(_ relative: String) throws {
                try FileManager.default.createDirectory(
                    at: root.appendingPathComponent(relative), withIntermediateDirectories: true)
            }
            func sparse(_ relative: String, size: off_t) throws {
                let path = root.appendingPathComponent(relative).path
                let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                guard descriptor >= 0, ftruncate(descriptor, size) == 0 else {
                    throw TestSupportError("cannot make a sparse file at \(path)")
                }
                close(descriptor)
            }
            func fifo(_ relative: String) throws {
                let path = root.appendingPathComponent(relative).path
                try? FileManager.default.removeItem(atPath: path)
                guard mkfifo(path, 0o644) == 0 else { throw TestSupportError("mkfifo \(path) failed") }
            }
            func link(_ relative: String, to target: String) throws {
                try FileManager.default.createSymbolicLink(
                    atPath: root.appendingPathComponent(relative).path, withDestinationPath: target)
            }
            /// A folder beside the repository (not inside it), holding a manifest.
            func outside() throws -> String {
                let outside = root.deletingLastPathComponent().appendingPathComponent("outside")
                try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
                try (Self.backendHeader + "  url: https://exfiltrate.example.com\n").write(
                    to: outside.appendingPathComponent("evil.yaml"), atomically: false, encoding: .utf8)
                return outside.path
            }
            let depth = 20_000
            try folder("resources")
            try folder("policies")
            switch self {
            case .deepFlowSequenceInBackendURL:
                try put(
                    "resources/deep.yaml",
                    Self.backendHeader + "  url: " + String(repeating: "[", count: depth)
                        + String(repeating: "]", count: depth) + "\n")
            case .deepFlowMappings:
                try put(
                    "resources/deep.yaml",
                    "apiVersion: apimsync/v1\nkind: Backend\nmetadata: { name: b1 }\nspec: "
                        + String(repeating: "{a: ", count: depth) + "x" + String(repeating: "}", count: depth) + "\n")
            case .deepBlockSequences:
                var text = Self.backendHeader + "  url:\n"
                for level in 0..<400 { text += String(repeating: " ", count: 4 + level * 2) + "-\n" }
                try put("resources/deep.yaml", text)
            case .deepMixedFlow:
                try put(
                    "resources/deep.yaml",
                    Self.backendHeader + "  url: " + String(repeating: "[{a: ", count: depth / 2)
                        + String(repeating: "}]", count: depth / 2) + "\n")
            case .deepConfiguration:
                try put(
                    "apimsync.yaml",
                    "apiVersion: apimsync/v1\nkind: Config\nspec: " + String(repeating: "[", count: depth)
                        + String(repeating: "]", count: depth) + "\n")
            case .billionLaughsInConfiguration:
                var text = "apiVersion: apimsync/v1\nkind: Config\nspec:\n  resources: [resources]\n"
                text += "  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
                for level in 1...9 {
                    text +=
                        "  a\(level): &a\(level) ["
                        + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
                }
                try put("apimsync.yaml", text)
            case .hugeScalar:
                try put(
                    "resources/huge.yaml",
                    Self.backendHeader + "  url: https://x.example.com\n  description: "
                        + String(repeating: "x", count: 2 << 20) + "\n")
            case .sparseHugeManifest:
                try sparse("resources/huge.yaml", size: 100 << 20)
            case .nineMegabyteManifest:
                let line = "# " + String(repeating: "x", count: 1022) + "\n"
                try put("resources/big.yaml", String(repeating: line, count: 9 * 1024))
            case .tenThousandDocuments:
                try put("resources/many.yaml", String(repeating: "---\n", count: 10_001))
            case .invalidUTF8Manifest:
                try bytes(
                    "resources/bad.yaml", Array((Self.backendHeader + "  url: htt").utf8) + [0xFF, 0xFE, 0xC0, 0x0A])
            case .nulByteInManifest:
                try bytes("resources/bad.yaml", Array((Self.backendHeader + "  url: https://x\0y.example.com\n").utf8))
            case .bellCharacterInManifest:
                try bytes(
                    "resources/bad.yaml", Array((Self.backendHeader + "  url: https://x\u{07}y.example.com\n").utf8))
            case .utf16Manifest:
                var data: [UInt8] = [0xFF, 0xFE]
                for unit in (Self.backendHeader + "  url: https://x.example.com\n").utf16 {
                    data += [UInt8(unit & 0xFF), UInt8(unit >> 8)]
                }
                try bytes("resources/bad.yaml", data)
            case .megabyteLongLine:
                let entries = (0..<80_000).map { "k\($0): v" }.joined(separator: ", ")
                try put("resources/long.yaml", Self.backendHeader + "  url: { " + entries + ", k0: again }\n")
            case .fifoPolicyFile:
                try put("resources/policy.yaml", Self.policyManifest)
                try fifo("policies/global.xml")
            case .fifoManifest:
                try fifo("resources/fifo.yaml")
            case .fifoConfiguration:
                try fifo("apimsync.yaml")
            case .policyFileSymlinkOutOfRepository:
                try put("resources/policy.yaml", Self.policyManifest)
                try link("policies/global.xml", to: "/etc/passwd")
            case .resourcesFolderSymlinkOutOfRepository:
                try link("resources/linked", to: try outside())
            case .manifestSymlinkOutOfRepository:
                try link("resources/evil.yaml", to: try outside() + "/evil.yaml")
            case .policySymlinkLoop:
                try put("resources/policy.yaml", Self.policyManifest)
                try link("policies/global.xml", to: "other.xml")
                try link("policies/other.xml", to: "global.xml")
            case .danglingPolicySymlink:
                try put("resources/policy.yaml", Self.policyManifest)
                try link("policies/global.xml", to: "nowhere.xml")
            case .hugePolicyFile:
                try put("resources/policy.yaml", Self.policyManifest)
                let padding = "<!-- padding -->\n"
                let text = "<policies>\n" + String(repeating: padding, count: ((2 << 20) - 11) / padding.utf8.count)
                try put("policies/global.xml", text + String(repeating: " ", count: (2 << 20) - text.utf8.count))
            case .sparseGigabytePolicy:
                try put("resources/policy.yaml", Self.policyManifest)
                try sparse("policies/global.xml", size: 1 << 30)
            case .deepPolicyXML:
                try put("resources/policy.yaml", Self.policyManifest)
                try put(
                    "policies/global.xml",
                    "<policies>\n<inbound>" + String(repeating: "<choose><when condition=\"true\">", count: depth)
                        + String(repeating: "</when></choose>", count: depth) + "</inbound>\n</policies>\n")
            case .deepInlinePolicyXML:
                try put(
                    "resources/policy.yaml",
                    "apiVersion: apimsync/v1\nkind: ServicePolicy\nmetadata: { name: policy }\nspec:\n  policy: \""
                        + "<policies><inbound>" + String(repeating: "<a>", count: depth)
                        + String(repeating: "</a>", count: depth) + "</inbound></policies>\"\n")
            case .deepCSharpInterpolation:
                try put("resources/policy.yaml", Self.policyManifest)
                let expression = String(repeating: "$\"{", count: 5000) + "1" + String(repeating: "}\"", count: 5000)
                try put(
                    "policies/global.xml",
                    "<policies>\n<inbound><set-header name=\"x\"><value>@(" + expression
                        + ")</value></set-header></inbound>\n</policies>\n")
            case .binaryPolicyFile:
                try put("resources/policy.yaml", Self.policyManifest)
                // Bytes scattered by a multiplicative hash: not UTF-8, deterministic.
                try bytes(
                    "policies/global.xml",
                    (0..<65_536).map { UInt8(truncatingIfNeeded: (UInt32($0) &* 2_654_435_761) >> 13) })
            case .nulBytesInPolicy:
                try put("resources/policy.yaml", Self.policyManifest)
                try put("policies/global.xml", "<policies>\n<inbound>\0\0<base\0/></inbound>\n</policies>\n")
            case .variableExpansionBomb:
                let big = String(repeating: "x", count: 1 << 19)
                let config = try String(contentsOf: root.appendingPathComponent("apimsync.yaml"), encoding: .utf8)
                try put("apimsync.yaml", config + "        big: \(big)\n")
                try put(
                    "resources/bomb.yaml",
                    Self.backendHeader + "  url: https://" + String(repeating: "${big}", count: 10) + ".example.com\n")
            case .deepYAMLSpecification:
                try put(
                    "resources/api.yaml",
                    "apiVersion: apimsync/v1\nkind: Api\nmetadata: { name: a1 }\nspec:\n  path: a1\n  displayName: a1\n"
                        + "  protocols: [https]\n  specification: { file: specs/deep.yaml }\n")
                try folder("specs")
                try put(
                    "specs/deep.yaml",
                    "openapi: 3.0.0\npaths: " + String(repeating: "[", count: depth)
                        + String(repeating: "]", count: depth)
                        + "\n")
            }
        }
    }
}
