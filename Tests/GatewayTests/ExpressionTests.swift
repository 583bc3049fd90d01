import Foundation
import Model
import Testing

@testable import Gateway

@Suite("Policy expressions: the C# subset")
struct ExpressionTests {
    @Test(
        "literals and operators follow C#",
        arguments: [
            ("@(1 + 2 * 3)", ExpressionValue.int(7)),
            ("@(7 / 2)", .int(3)),
            ("@(7 % 4)", .int(3)),
            ("@(7.0 / 2)", .double(3.5)),
            ("@(-3 + +1)", .int(-2)),
            ("@(\"a\" + 1 + true)", .string("a1True")),
            ("@(1 < 2 && 2 >= 2 || false)", .bool(true)),
            ("@(!(1 == 1))", .bool(false)),
            ("@(1 != 2 ? \"yes\" : \"no\")", .string("yes")),
            ("@(null ?? \"fallback\")", .string("fallback")),
            ("@(\"set\" ?? \"fallback\")", .string("set")),
            ("@(0x10 + 0b11 + 1_000)", .int(1019)),
            ("@('a')", .char("a")),
            ("@(\"tab\\there\")", .string("tab\there")),
            ("@(@\"C:\\path \"\"quoted\"\"\")", .string("C:\\path \"quoted\"")),
            ("@(true ^ false)", .bool(true)),
        ])
    func operators(_ text: String, _ expected: ExpressionValue) throws {
        #expect(try evaluate(text) == expected)
    }

    @Test("interpolated strings, with holes, formats and escaped braces")
    func interpolation() throws {
        #expect(try evaluate(#"@($"n={1 + 1}, {{literal}}, {"x".ToUpper()}")"#) == .string("n=2, {literal}, X"))
        #expect(try evaluate(#"@($"{DateTime.UtcNow:yyyy-MM-dd}")"#) == .string("2026-01-01"))
        #expect(try evaluate(#"@($"{5:D3}")"#) == .string("005"))
        #expect(try evaluate(#"@($@"a\{1}")"#) == .string("a\\1"))
    }

    @Test("string methods behave as .NET's")
    func strings() throws {
        #expect(try evaluate(#"@("Hello".Contains("ell"))"#) == .bool(true))
        #expect(try evaluate(#"@("Hello".StartsWith("he"))"#) == .bool(false))
        #expect(try evaluate(#"@("Hello".StartsWith("he", StringComparison.OrdinalIgnoreCase))"#) == .bool(true))
        #expect(try evaluate(#"@("Hello".EndsWith("lo"))"#) == .bool(true))
        #expect(try evaluate(#"@("Hello".ToLower() + "x".ToUpper())"#) == .string("helloX"))
        #expect(try evaluate(#"@("a,b;c".Split(',', ';')[2])"#) == .string("c"))
        #expect(try evaluate(#"@("a/b/c".Split('/').Length)"#) == .int(3))
        #expect(try evaluate(#"@("Bearer abc".Substring(7))"#) == .string("abc"))
        #expect(try evaluate(#"@("abcdef".Substring(1, 3))"#) == .string("bcd"))
        #expect(try evaluate(#"@("a-b-c".Replace("-", "+"))"#) == .string("a+b+c"))
        #expect(try evaluate(#"@("  x ".Trim().Length)"#) == .int(1))
        #expect(try evaluate(#"@("abc".IndexOf("c"))"#) == .int(2))
        #expect(try evaluate(#"@(42.ToString())"#) == .string("42"))
        #expect(try evaluate(#"@(string.IsNullOrEmpty(""))"#) == .bool(true))
        #expect(try evaluate(#"@(new[] { "a", "b" }.Contains("b"))"#) == .bool(true))
    }

    @Test("Substring out of range is a run-time error, as in .NET")
    func substringOutOfRange() {
        #expect(throws: ExpressionError.self) { try evaluate(#"@("abc".Substring(5))"#) }
        do {
            _ = try evaluate(#"@("abc".Substring(5))"#)
        } catch let error as ExpressionError {
            #expect(error.kind == .runtime)
            #expect(error.place == ExpressionPlace(line: 1, column: 9))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("int.Parse, casts, Convert and Encoding")
    func conversions() throws {
        #expect(try evaluate(#"@(int.Parse("41") + 1)"#) == .int(42))
        #expect(try evaluate(#"@((int)3.9)"#) == .int(3))
        #expect(try evaluate(#"@((double)3 / 2)"#) == .double(1.5))
        #expect(
            try evaluate(#"@(Convert.ToBase64String(Encoding.UTF8.GetBytes("user:pass")))"#) == .string("dXNlcjpwYXNz"))
        #expect(try evaluate(#"@(Encoding.UTF8.GetString(Convert.FromBase64String("aGk=")))"#) == .string("hi"))
        let failure = #expect(throws: ExpressionError.self) { try evaluate(#"@(int.Parse("x"))"#) }
        #expect(failure?.kind == .runtime)
    }

    @Test("DateTime.UtcNow reads the injected clock; Guid.NewGuid is seeded")
    func clockAndGuid() throws {
        let host = FixedHost()
        host.now = 1_767_225_600 + 90
        #expect(
            try evaluate("@(DateTime.UtcNow.ToString(\"o\"))", host: host) == .string("2026-01-01T00:01:30.0000000Z"))
        #expect(try evaluate("@(DateTime.UtcNow.AddMinutes(1).Minute)", host: host) == .int(2))
        let first = try evaluate("@(Guid.NewGuid().ToString())", host: FixedHost())
        let again = try evaluate("@(Guid.NewGuid().ToString())", host: FixedHost())
        #expect(first == again)
        guard case .string(let text) = first else { throw ExpressionError.unplaced(.runtime, "not a string") }
        #expect(text.count == 36 && text.split(separator: "-").count == 5)
    }

    @Test("JObject and JArray indexing, Value<T>, and assignment in blocks")
    func json() throws {
        let body = #"JObject.Parse("{\"model\":\"gpt\",\"n\":2,\"items\":[\"a\",\"b\"]}")"#
        #expect(try evaluate("@((string)\(body)[\"model\"])") == .string("gpt"))
        #expect(try evaluate("@(\(body)[\"n\"].Value<int>() + 1)") == .int(3))
        #expect(try evaluate("@(\(body).Value<string>(\"model\"))") == .string("gpt"))
        #expect(try evaluate("@((string)\(body)[\"items\"][1])") == .string("b"))
        #expect(try evaluate("@(\(body)[\"missing\"] == null)") == .bool(true))
        let block = """
            @{
                var body = \(body);
                body["model"] = "gpt-4o";
                return body.ToString();
            }
            """
        guard case .string(let text) = try evaluate(block) else {
            Issue.record("not a string")
            return
        }
        #expect(text.contains("\"model\": \"gpt-4o\""))
    }

    @Test("multi-statement blocks: var, typed declarations, if/else, return")
    func blocks() throws {
        let block = """
            @{
                var n = 5;
                string label = "small";
                if (n > 3) {
                    label = "big";
                } else {
                    return "never";
                }
                if (n == 1) return "one";
                else if (n == 5) { label += "!"; }
                return label + n;
            }
            """
        #expect(try evaluate(block) == .string("big!5"))
        #expect(try evaluate("@{ var x = 1; }") == .null)
    }

    @Test("context members and dictionaries through the host")
    func context() throws {
        #expect(try evaluate("@(context.Request.Method)") == .string("POST"))
        #expect(try evaluate(#"@(context.Request.Headers.GetValueOrDefault("x-user", "none"))"#) == .string("ada,bob"))
        #expect(try evaluate(#"@(context.Request.Headers.GetValueOrDefault("absent", "none"))"#) == .string("none"))
        #expect(try evaluate(#"@(context.Request.Headers["X-USER"][1])"#) == .string("bob"))
        #expect(try evaluate(#"@(context.Variables.GetValueOrDefault<int>("n") * 2)"#) == .int(6))
        #expect(try evaluate(#"@(context.Variables.GetValueOrDefault<int>("absent"))"#) == .int(0))
        #expect(try evaluate(#"@(context.Variables.ContainsKey("s"))"#) == .bool(true))
        let missing = #expect(throws: ExpressionError.self) { try evaluate("@(context.Missing)") }
        #expect(missing?.kind == .unsupported)
    }

    @Test("null-conditional access and null dereference")
    func nulls() throws {
        #expect(try evaluate(#"@(JObject.Parse("{}")["a"]?.ToString() ?? "none")"#) == .string("none"))
        let failure = #expect(throws: ExpressionError.self) { try evaluate(#"@(JObject.Parse("{}")["a"].ToString())"#) }
        #expect(failure?.kind == .runtime)
        #expect(failure?.message == "Object reference not set to an instance of an object.")
    }

    @Test(
        "anything outside the subset is an error at its line and column",
        arguments: [
            ("@(items.Select(x => x))", 1, 18),
            ("@{\n  foreach (var x in y) { }\n}", 2, 3),
            ("@(typeof(string))", 1, 3),
            ("@(new System.Text.StringBuilder())", 1, 3),
            ("@(\"a\" is string)", 1, 7),
            ("@(\"a\".PadLeft(3))", 1, 7),
            ("@(x++)", 1, 4),
            ("@(1 == \"1\")", 1, 5),
        ])
    func unsupported(_ text: String, _ line: Int, _ column: Int) {
        let failure = #expect(throws: ExpressionError.self) { try evaluate(text) }
        #expect(failure?.kind == .unsupported)
        #expect(failure?.place == ExpressionPlace(line: line, column: column), "\(failure?.message ?? "")")
    }

    @Test("hostile nesting is an error, not a stack overflow")
    func deepNesting() throws {
        for depth in [200, 5_000, 100_000] {
            let text = "@(" + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth) + ")"
            let failure = #expect(throws: ExpressionError.self) { try evaluate(text) }
            #expect(failure?.message.contains("nests more than") == true)
            let unary = "@(" + String(repeating: "!", count: depth) + "true)"
            #expect(throws: ExpressionError.self) { try evaluate(unary) }
            let blocks = "@{" + String(repeating: "{", count: depth) + String(repeating: "}", count: depth) + "}"
            #expect(throws: ExpressionError.self) { try evaluate(blocks) }
        }
        #expect(
            try evaluate("@(" + String(repeating: "(", count: 20) + "1" + String(repeating: ")", count: 20) + ")")
                == .int(1))
        // Long operator and member chains grow the tree as deep as nesting does.
        let sums = "@(1" + String(repeating: " + 1", count: 100_000) + ")"
        let members = "@(\"a\"" + String(repeating: ".Length.ToString()", count: 50_000) + ")"
        for chain in [sums, members] {
            let failure = #expect(throws: ExpressionError.self) { try evaluate(chain) }
            #expect(failure?.message.contains("nests more than") == true)
        }
        #expect(try evaluate("@(1" + String(repeating: " + 1", count: 99) + ")") == .int(100))
    }

    @Test("random token soup never crashes the parser or interpreter")
    func fuzz() {
        let pieces = [
            "(", ")", "{", "}", "[", "]", "\"s\"", "1", "x", ".", "?.", "??", "?", ":", ";", "var", "if", "else",
            "return", "context", "Request", "=", "==", "+", "!", "<", ">", "new", ",", "$\"{1}\"", "'c'", "@\"v\"",
        ]
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<3_000 {
            let count = Int(generator.next() % 40)
            let body = (0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined(
                separator: " ")
            let text = (generator.next() % 2 == 0 ? "@(" + body + ")" : "@{" + body + "}")
            _ = try? evaluate(text)
        }
    }
}
