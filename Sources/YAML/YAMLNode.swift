/// A node of a YAML document: a scalar, a sequence or a mapping, with the place it starts.
///
/// Aliases are resolved while loading, so an alias node is a copy of its anchor's node with the alias's mark.
public struct YAMLNode: Hashable, Sendable {
    /// What the node holds.
    public enum Content: Hashable, Sendable {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    public var content: Content
    public var mark: YAMLMark
    /// An explicit tag such as `!!str`, if the document gave one.
    public var tag: String?

    public init(_ content: Content, mark: YAMLMark, tag: String? = nil) {
        self.content = content
        self.mark = mark
        self.tag = tag
    }

    /// The scalar, if this node is one.
    public var scalar: YAMLScalar? {
        if case .scalar(let value) = content { return value }
        return nil
    }

    /// The elements, if this node is a sequence.
    public var sequence: [YAMLNode]? {
        if case .sequence(let value) = content { return value }
        return nil
    }

    /// The pairs, if this node is a mapping.
    public var mapping: [YAMLPair]? {
        if case .mapping(let value) = content { return value }
        return nil
    }

    /// The value for a string key of a mapping.
    public subscript(key: String) -> YAMLNode? {
        mapping?.first { $0.key.scalar?.text == key }?.value
    }

    /// The resolved value of a scalar node under the YAML 1.2 core schema (`nil` for collections).
    public var resolved: YAMLScalar.Value? { scalar.map { $0.resolve(tag: tag) } }

    /// A short word for the node's shape, used in error messages ("a string", "a mapping" …).
    public var shapeDescription: String {
        switch content {
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .scalar(let scalar):
            switch scalar.resolve(tag: tag) {
            case .null: return "null"
            case .bool: return "a boolean"
            case .int: return "an integer"
            case .float: return "a number"
            case .string: return "a string"
            }
        }
    }
}

/// A key and its value in a mapping.
public struct YAMLPair: Hashable, Sendable {
    public var key: YAMLNode
    public var value: YAMLNode

    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

/// One `---`-separated document of a stream.
public struct YAMLDocument: Hashable, Sendable {
    /// The 0-based index of the document in its file.
    public var index: Int
    /// The root node; `nil` for an empty document.
    public var root: YAMLNode?
    /// Where the document starts.
    public var mark: YAMLMark
}
