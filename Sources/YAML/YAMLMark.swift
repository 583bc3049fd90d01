/// Where a node starts in its source: file, 0-based document index, 1-based line and column.
public struct YAMLMark: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var document: Int
    public var line: Int
    public var column: Int

    public init(file: String, document: Int = 0, line: Int, column: Int) {
        self.file = file
        self.document = document
        self.line = line
        self.column = column
    }

    /// `file:line:col`.
    public var description: String { "\(file):\(line):\(column)" }
}
