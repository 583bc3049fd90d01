/// The bounds a YAML load keeps to, so that hostile input costs an error message at a `file:line:col`, never the
/// process stack, unbounded memory or unbounded time.
///
/// The defaults are far above what a manifest, an overlay or an OpenAPI document in YAML needs, and low enough that
/// every walk over a loaded tree (the manifest decoder, the overlay merger, the emitter, conversion to JSON) may
/// recurse once per level and visit every node without risk.
public struct YAMLLimits: Sendable, Hashable {
    /// How deep sequences and mappings may nest; the root collection is level 1. Deeper input is an error at the
    /// first collection past the limit (a flow sequence nested 20,000 levels deep stops at level 101).
    public var maximumDepth: Int
    /// The largest scalar, in UTF-8 bytes.
    public var maximumScalarBytes: Int
    /// The most nodes a stream may hold, counting each alias as the nodes it stands for, so that a "billion laughs"
    /// document (aliases of aliases, each doubling the tree) is refused before anything walks it.
    public var maximumNodes: Int
    /// The most `---`-separated documents in one stream.
    public var maximumDocuments: Int
    /// The largest text parsed, in UTF-8 bytes (a file bigger than this is refused before it is parsed).
    public var maximumTextBytes: Int

    public init(
        maximumDepth: Int = 100, maximumScalarBytes: Int = 1 << 20, maximumNodes: Int = 1_000_000,
        maximumDocuments: Int = 10_000, maximumTextBytes: Int = 16 << 20
    ) {
        self.maximumDepth = maximumDepth
        self.maximumScalarBytes = maximumScalarBytes
        self.maximumNodes = maximumNodes
        self.maximumDocuments = maximumDocuments
        self.maximumTextBytes = maximumTextBytes
    }

    /// The limits every load uses unless it gives its own.
    public static let `default` = YAMLLimits()
}
