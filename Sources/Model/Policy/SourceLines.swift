/// Where the lines of a text start, to turn a scalar offset into a 1-based line and column in O(log n).
///
/// A line ends at `\n`, at `\r\n` (one break) or at a lone `\r`, as XML's end-of-line handling reads them.
struct SourceLines: Sendable {
    private var starts: [Int] = [0]

    init(_ scalars: [Unicode.Scalar]) {
        var offset = 0
        while offset < scalars.count {
            let scalar = scalars[offset]
            if scalar == "\n" || (scalar == "\r" && (offset + 1 == scalars.count || scalars[offset + 1] != "\n")) {
                starts.append(offset + 1)
            }
            offset += 1
        }
    }

    /// The 1-based line and column (in scalars) of `offset`.
    func position(of offset: Int) -> (line: Int, column: Int) {
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return (low + 1, offset - starts[low] + 1)
    }
}
