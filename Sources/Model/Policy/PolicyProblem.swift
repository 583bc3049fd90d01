/// A structural problem of a policy document: XML that is not well formed, an expression that never closes or does
/// not lex, an unclosed `{{`. ``message`` is `validate`'s wording; the emulator words ``kind`` as APIM does.
public struct PolicyProblem: Sendable, Hashable {
    /// What is wrong.
    public enum Kind: Sendable, Hashable {
        /// Non-white-space text, or CDATA, outside the root element.
        case dataAtRootLevel
        /// An element after the root element has closed.
        case multipleRoots(String)
        /// No element at all.
        case missingRoot
        /// `<` not followed by a name (`found` is nil at the end of the text).
        case invalidNameStart(found: Unicode.Scalar?)
        /// The end of the text inside a start tag.
        case unfinishedStartTag(String)
        /// A character that cannot start an attribute, in the tag of `element`.
        case unexpectedCharacterInTag(Unicode.Scalar, element: String)
        /// Two attributes, or an element name and an attribute, not separated by white space.
        case missingWhitespace(found: Unicode.Scalar)
        case attributeWithoutValue(String)
        case unquotedAttributeValue(String)
        case unterminatedAttributeValue(String)
        case duplicateAttribute(String)
        /// A raw `<` in an attribute value (outside an expression, in `rawxml`).
        case lessThanInAttribute(String)
        /// `&name;` where `name` is not one of XML's five entities.
        case undeclaredEntity(String)
        /// `&` that does not start an entity or character reference.
        case malformedEntity
        /// `&#…;` naming no valid XML character.
        case invalidCharacterReference(String)
        case unterminatedComment
        /// `--` inside a comment, or `-` just before its `-->` (XML 1.0 §2.5).
        case doubleHyphenInComment
        case unterminatedCDATA
        case unterminatedProcessingInstruction
        /// `<!DOCTYPE …>` or another `<!…>` declaration.
        case declaration
        /// `</name` not followed by `>`.
        case malformedEndTag(String)
        /// `</name>` matching no open element; `open` is the innermost open element, if any.
        case strayEndTag(String, open: String?)
        /// `</close>` while `open` is the innermost open element (`close` is open further out).
        case mismatchedEndTag(open: String, close: String)
        /// The end of the text with `name` (the innermost of `open`, outermost first) still open.
        case unclosedElement(String, open: [String])
        /// An expression `@(…)` or `@{…}` that never closes.
        case unterminatedExpression
        /// A lexical error inside an expression, or brackets that do not match.
        case expression(String)
        /// `{{name` with no `}}` after it.
        case unclosedNamedValue(String)
        /// Elements nested deeper than the reader's limit.
        case tooDeep(Int)
    }

    public var kind: Kind
    /// 1-based line and column (in scalars) of the problem.
    public var line: Int
    public var column: Int
    /// The innermost element open at the problem, if any.
    public var element: PolicyElementPlace?

    public init(kind: Kind, line: Int, column: Int, element: PolicyElementPlace? = nil) {
        self.kind = kind
        self.line = line
        self.column = column
        self.element = element
    }

    /// The problem in `validate`'s words.
    public var message: String {
        switch kind {
        case .dataAtRootLevel: "text outside the root element"
        case .multipleRoots(let name): "a second root element <\(name)>; a policy document has exactly one"
        case .missingRoot: "the document has no root element"
        case .invalidNameStart(let found):
            "'<' must start a tag, but is followed by \(Self.describe(found)); write '&lt;' for a literal '<'"
        case .unfinishedStartTag(let name): "start tag '<\(name)' is never finished"
        case .unexpectedCharacterInTag(let scalar, let element):
            "unexpected character '\(Character(scalar))' in tag '<\(element)>'"
        case .missingWhitespace(let found):
            "attributes must be separated by white space, found '\(Character(found))'"
        case .attributeWithoutValue(let name): "attribute '\(name)' has no value"
        case .unquotedAttributeValue(let name): "value of attribute '\(name)' is not quoted"
        case .unterminatedAttributeValue(let name): "the value of attribute '\(name)' is never closed"
        case .duplicateAttribute(let name): "attribute '\(name)' is given twice"
        case .lessThanInAttribute(let name):
            "'<' must be written '&lt;' in the value of attribute '\(name)' (outside a policy expression)"
        case .undeclaredEntity(let name): "unknown entity '&\(name);'"
        case .malformedEntity: "'&' must start an entity such as '&amp;' or '&#38;'"
        case .invalidCharacterReference(let text): "'&\(text);' is not a valid XML character"
        case .unterminatedComment: "unterminated comment"
        case .doubleHyphenInComment: "a comment may not contain '--' nor end with '-' (XML forbids it)"
        case .unterminatedCDATA: "unterminated CDATA section"
        case .unterminatedProcessingInstruction: "unterminated processing instruction"
        case .declaration: "DTD and other '<!…>' declarations are not allowed in a policy document"
        case .malformedEndTag: "malformed closing tag"
        case .strayEndTag(let name, _): "closing tag '</\(name)>' has no matching start tag"
        case .mismatchedEndTag(let open, let close): "element '\(open)' is closed by '</\(close)>'"
        case .unclosedElement(let name, _): "element '\(name)' is never closed"
        case .unterminatedExpression: "policy expression is never closed"
        case .expression(let message): "policy expression: \(message)"
        case .unclosedNamedValue(let name): "'{{\(name)' is never closed by '}}'"
        case .tooDeep(let limit): "elements are nested more than \(limit) deep"
        }
    }

    private static func describe(_ scalar: Unicode.Scalar?) -> String {
        guard let scalar else { return "the end of the text" }
        return scalar.properties.isWhitespace ? "white space" : "'\(Character(scalar))'"
    }
}
