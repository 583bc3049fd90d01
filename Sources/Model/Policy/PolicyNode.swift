/// How a policy document's text is encoded (`properties.format` of a policy or fragment, apim-rest.md §11.1).
public enum PolicyFormat: String, Sendable, Hashable {
    /// Well-formed XML: C# expressions are XML-escaped (`&quot;`, `&lt;`, `&amp;`).
    case xml
    /// "Non XML encoded": expressions appear raw, with `"`, `<`, `>` and `&` as typed.
    case rawxml
}

/// A node of a policy document's tree: text and attribute values decoded (entities resolved, line ends `\n`).
public indirect enum PolicyNode: Sendable, Hashable {
    case element(PolicyElement)
    case text(PolicyText)
    case comment(String)
    case cdata(PolicyText)
}

/// A run of element text or a CDATA section, and where it starts, so that an expression in it (`@{…}`) can be
/// placed in the file: with `rawxml`, the expression's own lines and columns follow from the start, line for line.
public struct PolicyText: Sendable, Hashable {
    /// The decoded text.
    public var value: String
    /// 1-based line and column of its first character (for CDATA, of the character after `<![CDATA[`).
    public var line: Int
    public var column: Int

    public init(_ value: String, line: Int = 1, column: Int = 1) {
        self.value = value
        self.line = line
        self.column = column
    }
}

/// An element of a policy document, with the place of its start tag.
public struct PolicyElement: Sendable, Hashable {
    public var name: String
    public var attributes: [PolicyAttribute]
    public var children: [PolicyNode]
    /// 1-based line and column (in scalars) of the start tag's `<`.
    public var line: Int
    public var column: Int
    /// Whether the start tag was written `<name … />`.
    public var selfClosing: Bool

    public init(
        name: String, attributes: [PolicyAttribute] = [], children: [PolicyNode] = [], line: Int = 1,
        column: Int = 1, selfClosing: Bool = false
    ) {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.line = line
        self.column = column
        self.selfClosing = selfClosing
    }

    /// The column of the element's name, where APIM places its "Error in element …" reports.
    public var nameColumn: Int { column + 1 }

    /// The attribute called `name`, if present.
    public func attribute(_ name: String) -> PolicyAttribute? { attributes.first { $0.name == name } }

    /// The child elements, in order.
    public var elements: [PolicyElement] {
        children.compactMap { if case .element(let element) = $0 { element } else { nil } }
    }
}

/// One `name="value"` of a start tag; the value decoded.
public struct PolicyAttribute: Sendable, Hashable {
    public var name: String
    public var value: String
    /// 1-based line and column of the value's first character (just after the opening quote).
    public var line: Int
    public var column: Int
    /// 1-based line and column of the attribute's name.
    public var nameLine: Int
    public var nameColumn: Int

    public init(name: String, value: String, line: Int = 1, column: Int = 1, nameLine: Int = 1, nameColumn: Int = 1) {
        self.name = name
        self.value = value
        self.line = line
        self.column = column
        self.nameLine = nameLine
        self.nameColumn = nameColumn
    }

    /// Whether the value is a policy expression (`@(…)` or `@{…}`), whose result is known only at run time.
    public var isExpression: Bool { value.hasPrefix("@(") || value.hasPrefix("@{") }
}

/// The element a reference or problem is in: its name and the line and column of its `<`.
public struct PolicyElementPlace: Sendable, Hashable {
    public var name: String
    public var line: Int
    public var column: Int

    public init(name: String, line: Int, column: Int) {
        self.name = name
        self.line = line
        self.column = column
    }

    /// The column of the element's name, where APIM places its "Error in element …" reports.
    public var nameColumn: Int { column + 1 }
}

/// A `{{name}}` reference to a named value, where it is written and in which element.
public struct PolicyNamedValueReference: Sendable, Hashable {
    public var name: String
    /// 1-based line and column of the opening `{{`.
    public var line: Int
    public var column: Int
    /// The element whose attribute or text holds the reference (nil at the document's top level).
    public var element: PolicyElementPlace?

    public init(name: String, line: Int, column: Int, element: PolicyElementPlace? = nil) {
        self.name = name
        self.line = line
        self.column = column
        self.element = element
    }

    /// Named values' display names match `^[A-Za-z0-9-._]+$` (`NamedValueContractProperties.displayName` in the
    /// ARM specification's definitions.json, 2024-05-01; Learn, "Microsoft.ApiManagement service/namedValues"):
    /// `{{…}}` holding anything else — C# (`{{"a", "b"}}`), a template placeholder (`{{queue|topic}}`) — cannot name
    /// one, so APIM keeps it as text.
    public static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            || scalar == "-" || scalar == "." || scalar == "_"
    }
}
