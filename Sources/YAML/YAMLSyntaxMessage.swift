/// libyaml's syntax errors in the words of someone editing a manifest: what is wrong and what to do, with
/// libyaml's own wording kept at the end for searching.
enum YAMLSyntaxMessage {
    /// A message for libyaml's `problem`, where the parser was in `context`, and the character at the error.
    static func explain(
        problem: String, context: (what: String, line: Int, column: Int)?, character: Character?
    ) -> String {
        let opened = context.map { "line \($0.line), column \($0.column)" } ?? "the line above"
        let advice: String?
        switch problem {
        case _ where character == "\t" || problem.contains("tab character"):
            advice = "a tab character: YAML indents with spaces only; replace the tab with spaces"
        case "found character that cannot start any token":
            advice =
                "'\(character.map(String.init) ?? "?")' cannot start a value here; put the value in quotes"
        case "did not find expected key":
            advice =
                "this line does not line up with the keys of the mapping that starts at \(opened): check its "
                + "indentation, or a missing ':' or '-'"
        case "mapping values are not allowed in this context":
            advice = "a ':' where YAML does not expect one; if the value contains ': ', put it in quotes"
        case "could not find expected ':'":
            advice = "a key without its ':' (the entry starts at \(opened))"
        case "did not find expected '-' indicator", "did not find expected node content":
            advice = "this line does not fit the list or mapping that starts at \(opened): check its indentation"
        case "found unexpected end of stream":
            advice = "the file ends inside a quoted string or a flow collection that starts at \(opened); close it"
        case "did not find expected ',' or ']'", "did not find expected ',' or '}'":
            advice = "a flow collection that starts at \(opened) is not closed, or lacks a ','"
        case "found incompatible YAML document":
            advice = "a '%YAML' directive names a version this reader does not know; remove the directive"
        case "found undefined alias":
            advice = "an alias (*name) refers to no anchor (&name) defined before it"
        case "found duplicate anchor; first occurrence", "found duplicate anchor":
            advice = "the same anchor (&name) is defined twice"
        case "invalid leading UTF-8 octet", "incomplete UTF-8 octet sequence", "invalid trailing UTF-8 octet":
            advice = "the file is not valid UTF-8 text here"
        case "control characters are not allowed":
            advice = "a control character (such as NUL) that YAML does not allow in text"
        default:
            advice = nil
        }
        let original = problem + (context.map { " (\($0.what) at line \($0.line), column \($0.column))" } ?? "")
        guard let advice else { return original }
        return advice + " [YAML: \(original)]"
    }
}
