/// A YAML problem at a place in a file, rendered like a compiler diagnostic with the line and a caret.
public struct YAMLError: Error, Hashable, Sendable, CustomStringConvertible {
    public var mark: YAMLMark
    public var message: String
    /// The source line the mark points into, without its line break (empty when unknown).
    public var sourceLine: String

    public init(mark: YAMLMark, message: String, sourceLine: String = "") {
        self.mark = mark
        self.message = message
        self.sourceLine = sourceLine
    }

    /// `file:line:col: error: message`, the offending line and a caret under the column.
    public var description: String {
        var text = "\(mark): error: \(message)"
        if !sourceLine.isEmpty {
            let caretIndent = String(sourceLine.prefix(max(0, mark.column - 1)).map { $0 == "\t" ? "\t" : " " })
            text += "\n\(sourceLine)\n\(caretIndent)^"
        }
        return text
    }
}
