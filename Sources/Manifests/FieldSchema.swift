import Model

/// The shape a manifest field must have. Kinds declare their `spec` as a tree of these, so decoding, type checks,
/// required fields and "did you mean" for unknown fields are the same code for every kind.
indirect enum FieldType: Sendable {
    case string(StringRule)
    case boolean
    case integer(ClosedRange<Int>?)
    case number(ClosedRange<Double>?)
    case list(FieldType, maxCount: Int?)
    case object(ObjectSchema)
    /// A mapping with free keys and values of one type.
    case map(FieldType)
    /// A scalar of the first type, or a collection of the second (`cloud: AzureCloud` or `cloud: {…}`).
    case scalarOr(FieldType, FieldType)
    /// A list of the first type, or a mapping of the second (`pool: [members]` or `pool: {services, …}`).
    case listOr(FieldType, FieldType)

    static let string = FieldType.string(.any)
    static func list(_ element: FieldType) -> FieldType { .list(element, maxCount: nil) }

    /// How the type is named in "expected …" messages.
    var expectation: String {
        switch self {
        case .string(.oneOf(let values)): "one of " + values.map { "'\($0)'" }.joined(separator: ", ")
        case .string: "a string"
        case .boolean: "a boolean (true or false)"
        case .integer: "an integer"
        case .number: "a number"
        case .list: "a list"
        case .object, .map: "a mapping"
        case .scalarOr(let scalar, let collection): scalar.expectation + " or " + collection.expectation
        case .listOr(let list, let object): list.expectation + " or " + object.expectation
        }
    }
}

/// Extra rules for string fields.
enum StringRule: Sendable {
    case any
    case oneOf([String])
    /// An ISO 8601 duration such as `PT1M`.
    case duration
    /// An absolute http(s) URL.
    case url
    case pattern(description: String, matches: @Sendable (String) -> Bool)
}

/// One field of an object schema.
struct FieldSchema: Sendable {
    var name: String
    var type: FieldType
    var required: Bool

    init(_ name: String, _ type: FieldType, required: Bool = false) {
        self.name = name
        self.type = type
        self.required = required
    }
}

/// A closed set of fields; unknown keys are errors.
struct ObjectSchema: Sendable {
    var fields: [FieldSchema]
    /// Groups of fields of which at most one may be given (`policy` / `policyFile`).
    var exclusive: [[String]]

    init(_ fields: [FieldSchema], exclusive: [[String]] = []) {
        self.fields = fields
        self.exclusive = exclusive
    }

    func field(_ name: String) -> FieldSchema? { fields.first { $0.name == name } }
}

/// Field schemas that several kinds share.
enum CommonFields {
    /// `policy:` inline text or `policyFile:` path.
    static let policy = [FieldSchema("policy", .string), FieldSchema("policyFile", .string)]

    static let sampling = FieldType.object(
        ObjectSchema([
            FieldSchema("samplingType", .string(.oneOf(["fixed"]))),
            FieldSchema("percentage", .number(0...100)),
        ]))

    static let dataMasking = FieldType.object(
        ObjectSchema([
            FieldSchema("queryParams", .list(maskEntry)),
            FieldSchema("headers", .list(maskEntry)),
        ]))

    static let maskEntry = FieldType.object(
        ObjectSchema([
            FieldSchema("value", .string, required: true),
            FieldSchema("mode", .string(.oneOf(["Mask", "Hide"])), required: true),
        ]))

    static let httpMessage = FieldType.object(
        ObjectSchema([
            FieldSchema("headers", .list(.string)),
            FieldSchema("body", .object(ObjectSchema([FieldSchema("bytes", .integer(0...8192))]))),
            FieldSchema("dataMasking", dataMasking),
        ]))

    static let pipeline = FieldType.object(
        ObjectSchema([FieldSchema("request", httpMessage), FieldSchema("response", httpMessage)]))

    /// The fields of a diagnostic, shared by the service-level `Diagnostic` kind and `Api.spec.diagnostics`.
    static let diagnostic: [FieldSchema] = [
        FieldSchema("loggerId", .string, required: true),
        FieldSchema("alwaysLog", .string),
        FieldSchema("sampling", sampling),
        FieldSchema("frontend", pipeline),
        FieldSchema("backend", pipeline),
        FieldSchema("logClientIp", .boolean),
        FieldSchema("httpCorrelationProtocol", .string),
        FieldSchema("verbosity", .string),
        FieldSchema("operationNameFormat", .string),
        FieldSchema("metrics", .boolean),
        FieldSchema("largeLanguageModel", largeLanguageModel),
    ]

    /// LLM request and response logging (2024-06-01-preview on): whether, and how much of each message.
    static let largeLanguageModel = FieldType.object(
        ObjectSchema([
            FieldSchema("logs", .string),
            FieldSchema("requests", llmMessages),
            FieldSchema("responses", llmMessages),
        ]))

    static let llmMessages = FieldType.object(
        ObjectSchema([FieldSchema("messages", .string), FieldSchema("maxSizeInBytes", .integer(nil))]))

    /// A secret's source: the environment or a file, read at apply time.
    static let secretSource = FieldType.object(
        ObjectSchema([FieldSchema("env", .string), FieldSchema("file", .string)], exclusive: [["env", "file"]]))

    /// The source a decoded `{env: …}` or `{file: …}` names.
    static func secretSource(_ value: JSONValue?) -> SecretSource? {
        if let env = value?["env"]?.stringValue { return .environment(env) }
        if let file = value?["file"]?.stringValue { return .file(file) }
        return nil
    }

    static func isDuration(_ text: String) -> Bool {
        // P[nY][nM][nW][nD][T[nH][nM][n[.n]S]] with at least one component.
        var rest = Substring(text)
        guard rest.first == "P" else { return false }
        rest = rest.dropFirst()
        var sawComponent = false
        var inTime = false
        var digits = ""
        for character in rest {
            if character == "T", !inTime, digits.isEmpty {
                inTime = true
                continue
            }
            if character.isASCII, character.isNumber || character == "." {
                digits.append(character)
                continue
            }
            let allowed: Set<Character> = inTime ? ["H", "M", "S"] : ["Y", "M", "W", "D"]
            guard allowed.contains(character), !digits.isEmpty else { return false }
            digits = ""
            sawComponent = true
        }
        return sawComponent && digits.isEmpty
    }
}
