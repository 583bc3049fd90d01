internal import CLibYAML

/// Loads YAML streams into node trees through libyaml.
///
/// Anchors and aliases are resolved (an unknown alias is an error), duplicate mapping keys are errors, and every
/// node carries the file, document index, line and column where it starts. Loading keeps to ``YAMLLimits``: input
/// deeper, bigger or expanding to more nodes than they allow is an error at the place it goes past them.
///
/// Loading recurses once per nesting level, and never more than `limits.maximumDepth` levels.
public enum YAMLParser {
    /// Parses every document of `text`; `file` is the path used in marks and errors.
    public static func parse(
        _ text: String, file: String, limits: YAMLLimits = .default
    ) throws(YAMLError) -> [YAMLDocument] {
        let size = text.utf8.count
        guard size <= limits.maximumTextBytes else {
            throw YAMLError(
                mark: YAMLMark(file: file, line: 1, column: 1),
                message: "the file is \(size) bytes; YAML files of at most \(limits.maximumTextBytes) bytes are read")
        }
        let loader = Loader(text: text, file: file, limits: limits)
        return try loader.loadStream()
    }
}

/// One parsed libyaml event, copied out of C memory so the C event can be freed at once.
private enum Event {
    case streamStart, streamEnd
    case documentStart, documentEnd
    case alias(anchor: String)
    case scalar(YAMLScalar, anchor: String?, tag: String?)
    /// A scalar past `maximumScalarBytes`, not copied out of C memory.
    case oversizedScalar(bytes: Int)
    case sequenceStart(anchor: String?, tag: String?)
    case sequenceEnd
    case mappingStart(anchor: String?, tag: String?)
    case mappingEnd
}

/// Owns the libyaml parser and the input bytes for the duration of one load; frees both in `deinit`,
/// so nothing leaks when loading throws.
private final class Loader {
    let file: String
    /// The input's length in bytes (the buffer holds at least one byte).
    let inputCount: Int
    let parser: UnsafeMutablePointer<yaml_parser_t>
    let input: UnsafeMutableBufferPointer<UInt8>
    let limits: YAMLLimits
    var documentIndex = 0
    /// Each anchor's node and how many nodes it stands for.
    var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    /// The nodes loaded so far in the stream, each alias counted as the nodes it stands for.
    var expandedNodes = 0

    init(text: String, file: String, limits: YAMLLimits) {
        self.file = file
        self.limits = limits
        let bytes = Array(text.utf8)
        inputCount = bytes.count
        input = .allocate(capacity: max(bytes.count, 1))
        _ = input.initialize(from: bytes)
        parser = .allocate(capacity: 1)
        yaml_parser_initialize(parser)
        yaml_parser_set_input_string(parser, input.baseAddress, bytes.count)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    func loadStream() throws(YAMLError) -> [YAMLDocument] {
        var documents: [YAMLDocument] = []
        var (event, mark) = try next()
        guard case .streamStart = event else { throw error("expected the start of a stream", at: mark) }
        while true {
            (event, mark) = try next()
            switch event {
            case .streamEnd:
                return documents
            case .documentStart:
                guard documentIndex < limits.maximumDocuments else {
                    throw error(
                        "more than \(limits.maximumDocuments) documents in one file; split it into several files",
                        at: mark)
                }
                anchors = [:]
                let startMark = mark
                let (first, firstMark) = try next()
                var root: YAMLNode?
                if case .documentEnd = first {
                    root = nil
                } else {
                    root = try loadNode(first, at: firstMark, depth: 1)
                    let (end, endMark) = try next()
                    guard case .documentEnd = end else { throw error("expected the end of a document", at: endMark) }
                }
                documents.append(YAMLDocument(index: documentIndex, root: root, mark: startMark))
                documentIndex += 1
            default:
                throw error("expected a document", at: mark)
            }
        }
    }

    /// Loads the node `event` starts, `depth` levels deep (the root is level 1).
    func loadNode(_ event: Event, at mark: YAMLMark, depth: Int) throws(YAMLError) -> YAMLNode {
        let before = expandedNodes
        switch event {
        case .alias(let anchor):
            guard let (anchored, size) = anchors[anchor] else { throw error("unknown alias '*\(anchor)'", at: mark) }
            try count(size, at: mark)
            var node = anchored
            node.mark = mark
            return node
        case .scalar(let scalar, let anchor, let tag):
            try count(1, at: mark)
            try checkTag(tag, at: mark)
            let node = YAMLNode(.scalar(scalar), mark: mark, tag: tag)
            if let anchor { anchors[anchor] = (node, 1) }
            return node
        case .oversizedScalar(let bytes):
            throw error(
                "a value of \(bytes) bytes; values of at most \(limits.maximumScalarBytes) bytes are read "
                    + "(put large documents in their own files)", at: mark)
        case .sequenceStart(let anchor, let tag):
            try enter(depth, at: mark)
            try checkTag(tag, at: mark)
            var items: [YAMLNode] = []
            while true {
                let (item, itemMark) = try next()
                if case .sequenceEnd = item { break }
                items.append(try loadNode(item, at: itemMark, depth: depth + 1))
            }
            let node = YAMLNode(.sequence(items), mark: mark, tag: tag)
            if let anchor { anchors[anchor] = (node, expandedNodes - before) }
            return node
        case .mappingStart(let anchor, let tag):
            try enter(depth, at: mark)
            try checkTag(tag, at: mark)
            var pairs: [YAMLPair] = []
            var seen: [YAMLScalar.Value: YAMLMark] = [:]
            while true {
                let (keyEvent, keyMark) = try next()
                if case .mappingEnd = keyEvent { break }
                let key = try loadNode(keyEvent, at: keyMark, depth: depth + 1)
                if let resolved = key.resolved {
                    if let first = seen[resolved] {
                        throw error(
                            "duplicate key '\(key.scalar?.text ?? "")' (first defined at line \(first.line))",
                            at: key.mark)
                    }
                    seen[resolved] = key.mark
                }
                let (valueEvent, valueMark) = try next()
                pairs.append(YAMLPair(key: key, value: try loadNode(valueEvent, at: valueMark, depth: depth + 1)))
            }
            let node = YAMLNode(.mapping(pairs), mark: mark, tag: tag)
            if let anchor { anchors[anchor] = (node, expandedNodes - before) }
            return node
        default:
            throw error("unexpected YAML event", at: mark)
        }
    }

    /// Refuses a tag outside the core schema's (`!!str`, `!!int` …): one the loader ignored would silently mean
    /// something other than what its author intended (`!Ref`, `!!binary`).
    func checkTag(_ tag: String?, at mark: YAMLMark) throws(YAMLError) {
        guard let tag, tag != "!" else { return }
        let core = ["str", "int", "float", "bool", "null", "map", "seq"].map { "tag:yaml.org,2002:" + $0 }
        guard core.contains(tag) else {
            throw error(
                "unknown tag '\(tag)': only the core schema's tags (!!str, !!int, !!float, !!bool, !!null, !!map, "
                    + "!!seq) are understood", at: mark)
        }
    }

    /// Counts a collection `depth` levels deep, refusing one deeper than the limit.
    func enter(_ depth: Int, at mark: YAMLMark) throws(YAMLError) {
        guard depth <= limits.maximumDepth else {
            throw error(
                "nesting deeper than \(limits.maximumDepth) levels: lists and mappings may nest at most "
                    + "\(limits.maximumDepth) levels deep", at: mark)
        }
        try count(1, at: mark)
    }

    /// Adds `nodes` to the stream's expanded node count, refusing a stream that grows past the limit.
    func count(_ nodes: Int, at mark: YAMLMark) throws(YAMLError) {
        expandedNodes += nodes
        guard expandedNodes <= limits.maximumNodes else {
            throw error(
                "the file expands to more than \(limits.maximumNodes) values (an alias counts as every value of its "
                    + "anchor; aliases of aliases grow exponentially)", at: mark)
        }
    }

    /// Pulls the next event, converting libyaml's parser error into a `YAMLError` with a snippet.
    func next() throws(YAMLError) -> (Event, YAMLMark) {
        var raw = yaml_event_t()
        guard yaml_parser_parse(parser, &raw) == 1 else { throw parserError() }
        defer { yaml_event_delete(&raw) }
        let mark = YAMLMark(
            file: file, document: documentIndex, line: Int(raw.start_mark.line) + 1,
            column: Int(raw.start_mark.column) + 1)
        let event: Event
        switch raw.type {
        case YAML_STREAM_START_EVENT: event = .streamStart
        case YAML_STREAM_END_EVENT: event = .streamEnd
        case YAML_DOCUMENT_START_EVENT: event = .documentStart
        case YAML_DOCUMENT_END_EVENT: event = .documentEnd
        case YAML_ALIAS_EVENT: event = .alias(anchor: Loader.string(raw.data.alias.anchor) ?? "")
        case YAML_SCALAR_EVENT:
            let data = raw.data.scalar
            guard Int(data.length) <= limits.maximumScalarBytes else {
                return (.oversizedScalar(bytes: Int(data.length)), mark)
            }
            let bytes = UnsafeBufferPointer(start: data.value, count: Int(data.length))
            let text = String(decoding: bytes, as: UTF8.self)
            let style: YAMLScalar.Style
            switch data.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            let tag = Loader.string(data.tag)
            event = .scalar(
                YAMLScalar(text, style: style), anchor: Loader.string(data.anchor), tag: tag == "!" ? nil : tag)
        case YAML_SEQUENCE_START_EVENT:
            let data = raw.data.sequence_start
            event = .sequenceStart(anchor: Loader.string(data.anchor), tag: Loader.string(data.tag))
        case YAML_SEQUENCE_END_EVENT: event = .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let data = raw.data.mapping_start
            event = .mappingStart(anchor: Loader.string(data.anchor), tag: Loader.string(data.tag))
        case YAML_MAPPING_END_EVENT: event = .mappingEnd
        default: event = .streamEnd
        }
        return (event, mark)
    }

    static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    func parserError() -> YAMLError {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "invalid YAML"
        var line = Int(state.problem_mark.line) + 1
        var column = Int(state.problem_mark.column) + 1
        if state.error == YAML_READER_ERROR {
            // Reader errors (bad encoding) carry a byte offset rather than a mark.
            line = 1
            column = 1
            let offset = min(Int(state.problem_offset), inputCount)
            var lineStart = 0
            for index in 0..<offset where input[index] == UInt8(ascii: "\n") {
                line += 1
                lineStart = index + 1
            }
            column = offset - lineStart + 1
        }
        let context = state.context.map { String(cString: $0) }.map {
            (what: $0, line: Int(state.context_mark.line) + 1, column: Int(state.context_mark.column) + 1)
        }
        let source = Array(sourceLine(line))
        let character = column - 1 < source.count && column >= 1 ? source[column - 1] : nil
        let message = YAMLSyntaxMessage.explain(problem: problem, context: context, character: character)
        return error(message, at: YAMLMark(file: file, document: documentIndex, line: line, column: column))
    }

    func error(_ message: String, at mark: YAMLMark) -> YAMLError {
        YAMLError(mark: mark, message: message, sourceLine: sourceLine(mark.line))
    }

    /// Line `number` (1-based) of the input without its line break and carriage returns, `""` if there is none;
    /// found only when an error needs it, so that a file of long lines costs nothing until one is quoted.
    func sourceLine(_ number: Int) -> String {
        guard number >= 1 else { return "" }
        var line = 1
        var start = 0
        while line < number {
            guard let newline = (start..<inputCount).first(where: { input[$0] == UInt8(ascii: "\n") }) else {
                return ""
            }
            start = newline + 1
            line += 1
        }
        let end = (start..<inputCount).first { input[$0] == UInt8(ascii: "\n") } ?? inputCount
        return String(decoding: input[start..<end].filter { $0 != UInt8(ascii: "\r") }, as: UTF8.self)
    }
}
