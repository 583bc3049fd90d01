/// `validate`'s view of a policy document, read with the shared ``PolicyXMLReader``.
///
/// Manifests send policies as `rawxml`, so that is how they are read: C# expressions such as
/// `@(context.Request.Headers.GetValueOrDefault("x-user-id", "N/A"))` may hold raw quotes, `<` and `=>`, and their
/// extent is found with ``CSharpLexer``. The emulator reads the same text with the same reader, so the two agree on
/// what is well formed (the policy agreement corpus under `Tests/Fixtures/policies` checks it).
public enum PolicyScanner {
    /// Scans `text` (`rawxml`) and reports its elements, references and structural problems.
    public static func scan(_ text: String) -> PolicyScan {
        PolicyXMLReader.read(text, format: .rawxml)
    }
}

/// What the reader found in a policy document. Lines and columns are 1-based, columns in Unicode scalars.
public struct PolicyScan: Sendable, Hashable {
    /// An element's start tag, with the names of the elements around it.
    public struct Element: Sendable, Hashable {
        public var name: String
        public var attributes: [Attribute]
        /// The names of the enclosing elements, outermost first.
        public var ancestors: [String]
        /// Line and column of the start tag's `<`.
        public var line: Int
        public var column: Int
        /// Whether the tag was written `<name … />`.
        public var selfClosing: Bool

        public init(
            name: String, attributes: [Attribute], ancestors: [String], line: Int, column: Int, selfClosing: Bool
        ) {
            self.name = name
            self.attributes = attributes
            self.ancestors = ancestors
            self.line = line
            self.column = column
            self.selfClosing = selfClosing
        }

        /// The attribute `name`, if present.
        public func attribute(_ name: String) -> Attribute? { attributes.first { $0.name == name } }
    }

    public typealias Attribute = PolicyAttribute
    public typealias NamedValueReference = PolicyNamedValueReference
    public typealias Problem = PolicyProblem

    /// Every element that is part of the tree, in document order.
    public var elements: [Element] = []
    /// Every `{{name}}` reference outside comments and Liquid templates, in document order.
    public var namedValueReferences: [NamedValueReference] = []
    /// Structural problems, in the order they were found (document order, the end-of-text ones last).
    public var problems: [Problem] = []
    /// The document as a tree: its top-level nodes (comments and, normally, one root element).
    public var nodes: [PolicyNode] = []

    public init() {}

    /// The first element, which should be `policies` (or `fragment` for a policy fragment).
    public var root: Element? { elements.first }

    /// The root element as a tree.
    public var rootElement: PolicyElement? {
        for node in nodes { if case .element(let element) = node { return element } }
        return nil
    }
}

extension String {
    /// The string without leading and trailing white space (Model imports no Foundation helpers for this).
    public func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
