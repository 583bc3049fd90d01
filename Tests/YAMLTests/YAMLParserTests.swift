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
