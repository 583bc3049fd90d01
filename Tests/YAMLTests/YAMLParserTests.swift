import Testing
import YAML

@Suite struct YAMLParserTests {
    @Test func marksAreOneBasedAndCarryTheDocumentIndex() throws {
        let documents = try YAMLParser.parse("a: 1\n---\nb:\n  c: x\n", file: "f.yaml")
        #expect(documents.count == 2)
        let second = try #require(documents[1].root)
        let c = try #require(second["b"]?["c"])
        #expect(c.mark == YAMLMark(file: "f.yaml", document: 1, line: 4, column: 6))
    }

    @Test(arguments: [
        ("true", YAMLScalar.Value.bool(true)), ("yes", .string("yes")), ("on", .string("on")),
        ("0777", .int(777)), ("0o17", .int(15)), ("0x1F", .int(31)), ("1.5", .float(1.5)), ("~", .null),
        ("null", .null), ("PT1M", .string("PT1M")), ("'true'", .string("true")), ("\"12\"", .string("12")),
        ("!!str 12", .string("12")), ("-3", .int(-3)), ("1e3", .float(1000)),
    ])
    func resolvesScalarsPerTheCoreSchema(source: String, expected: YAMLScalar.Value) throws {
        let root = try #require(try YAMLParser.parse("v: \(source)\n", file: "f").first?.root)
        #expect(root["v"]?.resolved == expected)
    }

    @Test func resolvesAnchorsAndAliases() throws {
        let root = try #require(try YAMLParser.parse("a: &x {k: v}\nb: *x\n", file: "f").first?.root)
        #expect(root["b"]?["k"]?.scalar?.text == "v")
        #expect(root["b"]?.mark.line == 2)
    }

    @Test func rejectsUnknownAliases() {
        #expect(throws: YAMLError.self) { try YAMLParser.parse("a: *nope\n", file: "f") }
        do {
            _ = try YAMLParser.parse("a: 1\nb: *nope\n", file: "f.yaml")
        } catch {
            #expect(error.description == "f.yaml:2:4: error: unknown alias '*nope'\nb: *nope\n   ^")
        }
    }

    @Test func rejectsDuplicateKeys() {
        do {
            _ = try YAMLParser.parse("a: 1\nb: 2\na: 3\n", file: "f.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.mark.line == 3)
            #expect(error.mark.column == 1)
            #expect(error.message == "duplicate key 'a' (first defined at line 1)")
        }
    }

    @Test func reportsSyntaxErrorsWithTheLineAndACaret() {
        do {
            _ = try YAMLParser.parse("a:\n  b: 1\n c: 2\n", file: "bad.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.mark.line == 3)
            #expect(error.description.hasPrefix("bad.yaml:3:"))
            #expect(error.description.contains("\n c: 2\n"))
        }
    }

    @Test func keepsScalarsWithNulBytesAndUnicode() throws {
        let root = try #require(try YAMLParser.parse("a: \"x\\0y\"\nb: ünï\n", file: "f").first?.root)
        #expect(root["a"]?.scalar?.text == "x\u{0}y")
        #expect(root["b"]?.scalar?.text == "ünï")
    }

    @Test func emitterRoundTripsTrickyStrings() throws {
        let values = ["true", "", "1.0", "a: b", "line1\nline2\n", "- x", "#c", "plain", "null", "ünï", "tab\there"]
        let mark = YAMLMark(file: "", line: 0, column: 0)
        let pairs = values.enumerated().map { index, value in
            YAMLPair(
                key: YAMLNode(.scalar(YAMLScalar("k\(index)")), mark: mark),
                value: YAMLNode(.scalar(YAMLScalar(value, style: .doubleQuoted)), mark: mark))
        }
        let text = YAMLEmitter.emit(YAMLNode(.mapping(pairs), mark: mark))
        let root = try #require(try YAMLParser.parse(text, file: "f").first?.root)
        for (index, value) in values.enumerated() {
            #expect(root["k\(index)"]?.resolved == .string(value), "\(text)")
        }
    }
}

/// Hostile input costs an error at a `file:line:col`, never the process stack, memory or time (issue 14).
@Suite struct YAMLLimitTests {
    func message(_ text: String, limits: YAMLLimits = .default) -> String? {
        do {
            _ = try YAMLParser.parse(text, file: "h.yaml", limits: limits)
            return nil
        } catch {
            return "\(error.mark.line):\(error.mark.column) \(error.message)"
        }
    }

    @Test func deepFlowSequencesStopAtTheDepthLimit() throws {
        let depth = 20_000
        let text = "url: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
        let found = try #require(message(text))
        // The root mapping is level 1, so the 100th `[` (column 105) is level 101.
        #expect(found == "1:105 nesting deeper than 100 levels: lists and mappings may nest at most 100 levels deep")
    }

    @Test func deepBlockMappingsStopAtTheDepthLimit() throws {
        var text = ""
        for level in 0..<300 { text += String(repeating: " ", count: level) + "k\(level):\n" }
        let found = try #require(message(text))
        #expect(found.hasPrefix("101:") && found.contains("nesting deeper than 100 levels"), "\(found)")
    }

    @Test func nestingUpToTheLimitLoads() throws {
        let depth = YAMLLimits.default.maximumDepth
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
        #expect(message(text) == nil)
        let deeper = "[" + text
        #expect(message(deeper)?.contains("nesting deeper than") == true)
    }

    @Test func billionLaughsIsRefusedBeforeItExpands() throws {
        var text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            text +=
                "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
                + "]\n"
        }
        let started = ContinuousClock.now
        let found = try #require(message(text))
        #expect(found.contains("expands to more than 1000000 values"), "\(found)")
        #expect(ContinuousClock.now - started < .seconds(2))
    }

    @Test func aliasesCountAsTheNodesTheyStandFor() throws {
        let limits = YAMLLimits(maximumNodes: 10)
        // Root mapping (1) + a, &x list with 3 items (1 + 4) = 6; b and *x add 1 + 4 = 11.
        let text = "a: &x [1, 2, 3]\nb: *x\n"
        #expect(message(text, limits: limits)?.hasPrefix("2:4 the file expands to more than 10 values") == true)
        #expect(message(text, limits: YAMLLimits(maximumNodes: 11)) == nil)
    }

    @Test func selfReferentialAnchorsAreUnknownAliases() throws {
        #expect(message("a: &x [*x]\n")?.contains("unknown alias '*x'") == true)
        #expect(message("a: &x {<<: *x}\n")?.contains("unknown alias '*x'") == true)
    }

    @Test func hugeScalarsAreRefused() throws {
        let text = "k: " + String(repeating: "x", count: YAMLLimits.default.maximumScalarBytes + 1) + "\n"
        let found = try #require(message(text))
        #expect(found.hasPrefix("1:4 a value of 1048577 bytes"), "\(found)")
    }

    @Test func hugeTextsAreRefusedBeforeParsing() throws {
        let limits = YAMLLimits(maximumTextBytes: 10)
        #expect(
            message("k: 12345678901\n", limits: limits)
                == "1:1 the file is 15 bytes; YAML files of at most 10 bytes are read")
    }

    @Test func tooManyDocumentsAreRefused() throws {
        let text = String(repeating: "---\na: 1\n", count: 6)
        let found = try #require(message(text, limits: YAMLLimits(maximumDocuments: 5)))
        #expect(found.hasPrefix("11:1 more than 5 documents"), "\(found)")
    }

    @Test func nulBytesAndTabsAreSyntaxErrorsWithPlaces() throws {
        #expect(message("a: b\u{0}c\n")?.contains("control character") == true)
        #expect(message("a:\n\tb: 1\n")?.hasPrefix("2:1") == true)
    }
}

@Suite struct YAMLEmitterDepthTests {
    @Test func treesDeeperThanTheLimitAreWrittenInFlowStyleWithoutRecursion() throws {
        let mark = YAMLMark(file: "t", line: 1, column: 1)
        var node = YAMLNode(.scalar(YAMLScalar("leaf")), mark: mark)
        for level in 0..<1_000 {
            node =
                level.isMultiple(of: 2)
                ? YAMLNode(.sequence([node]), mark: mark)
                : YAMLNode(
                    .mapping([YAMLPair(key: YAMLNode(.scalar(YAMLScalar("k")), mark: mark), value: node)]), mark: mark)
        }
        let text = YAMLEmitter.emit(node)
        #expect(text.contains("[\"leaf\"]}]}]"))
        #expect(text.split(separator: "\n").count < 200)
        // Reading it back stops at the loader's depth limit with a message, never the stack.
        #expect(throws: YAMLError.self) { try YAMLParser.parse(text, file: "t") }
        // Flow style within the limits reads back as the same values.
        var shallow = YAMLNode(.scalar(YAMLScalar("a: b")), mark: mark)
        for _ in 0..<(YAMLLimits.default.maximumDepth - 2) { shallow = YAMLNode(.sequence([shallow]), mark: mark) }
        let reread = try #require(try YAMLParser.parse(YAMLEmitter.emit(shallow), file: "t").first?.root)
        var leaf = reread
        while let inner = leaf.sequence?.first { leaf = inner }
        #expect(leaf.scalar?.text == "a: b")
    }
}

@Suite struct YAMLTagTests {
    @Test func tagsOutsideTheCoreSchemaAreRefused() throws {
        for text in ["a: !Ref x\n", "a: !!binary aGk=\n", "!<tag:evil> {a: 1}\n", "a: !local [1]\n"] {
            #expect(throws: YAMLError.self, "\(text)") { try YAMLParser.parse(text, file: "t.yaml") }
        }
        let root = try #require(try YAMLParser.parse("a: !!str 12\nb: !!map {c: !!seq [1]}\n", file: "t").first?.root)
        #expect(root["a"]?.resolved == .string("12"))
        do {
            _ = try YAMLParser.parse("a: 1\nb: !Ref x\n", file: "t.yaml")
        } catch {
            #expect(error.mark.line == 2 && error.message.hasPrefix("unknown tag '!Ref'"), "\(error)")
        }
    }
}

/// Findings of the YAML fuzzer (docs/fuzzing.md), kept as regression tests.
@Suite struct YAMLFuzzFindingTests {
    /// `?` alone is a mapping with a null key; the emitter wrote the key as nothing (`: `), which does not load.
    /// A multi-line key (`k: { x y\n\n z}`) was written as a literal block, which then read as a value.
    @Test(arguments: ["?\n", "~: v\n", "? \n: [1]\n", "!!str 1: a\n", "k: { x y\n\n z}\n", "\"x\\ny\": z\n"])
    func emittedKeysReadBackAsTheSameValues(source: String) throws {
        let root = try #require(try YAMLParser.parse(source, file: "in").first?.root)
        let emitted = YAMLEmitter.emit(root)
        let reread = try #require(try YAMLParser.parse(emitted, file: "out").first?.root)
        let key = try #require(root.mapping?.first?.key)
        let rereadKey = try #require(reread.mapping?.first?.key)
        #expect(rereadKey.resolved == key.resolved, "\(emitted)")
        #expect(reread.mapping?.first?.value.jsonLike == root.mapping?.first?.value.jsonLike, "\(emitted)")
    }
}

extension YAMLNode {
    /// The values without marks, for comparing trees.
    fileprivate var jsonLike: String {
        switch content {
        case .scalar: return "\(resolved.map { "\($0)" } ?? "")"
        case .sequence(let items): return "[" + items.map(\.jsonLike).joined(separator: ",") + "]"
        case .mapping(let pairs):
            return "{" + pairs.map { $0.key.jsonLike + ":" + $0.value.jsonLike }.joined(separator: ",") + "}"
        }
    }
}
