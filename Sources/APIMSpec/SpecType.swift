import Model

/// The type of a property (or of array items, map values, a path parameter) with the constraints the spec puts on it.
///
/// Only the constraints that apply to `kind` are set: lengths and `pattern` for strings, `minimum`/`maximum` for
/// numbers, `minItems`/`maxItems` for arrays, `allowedValues` for enums of any scalar kind. A value type whose fields
/// live in one immutable box, so the validator copies it for the price of one reference count.
public struct SpecType: Sendable, Hashable {
    /// The JSON shape a value must have.
    public enum Kind: String, Sendable, Hashable {
        /// A JSON string.
        case string
        /// A JSON number without a fractional part.
        case integer
        /// Any JSON number.
        case number
        /// `true` or `false`.
        case boolean
        /// A JSON object: the members of `definition`, or any object when `definition` is `nil`.
        case object
        /// A JSON array of `element`.
        case array
        /// A JSON object whose every member is an `element` (swagger `additionalProperties`).
        case map
        /// Anything: the spec does not say (or says through a `$ref` that does not resolve locally).
        case any
    }

    /// Every field, for building a type in one step (the table decoder).
    struct Fields: Sendable, Hashable {
        var kind: Kind
        var definition: String?
        var element: [SpecType]
        var allowedValues: [JSONValue]?
        var lowercasedAllowedStrings: Set<String>?
        var minLength: Int?
        var maxLength: Int?
        var pattern: String?
        var minimum: Double?
        var maximum: Double?
        var exclusiveMinimum = false
        var exclusiveMaximum = false
        var minItems: Int?
        var maxItems: Int?
        var uniqueItems = false
        var format: String?
        var defaultValue: JSONValue?
        var unresolvedReference: String?
        var enumFrom: APIVersion?
    }

    private final class Box: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var box: Box

    /// A type of `kind` without constraints; `element` is the item type of an array or the value type of a map.
    public init(kind: Kind, definition: String? = nil, element: SpecType? = nil, allowedValues: [JSONValue]? = nil) {
        box = Box(
            Fields(
                kind: kind, definition: definition, element: element.map { [$0] } ?? [], allowedValues: allowedValues,
                lowercasedAllowedStrings: Self.lowercasedStrings(of: allowedValues)))
    }

    /// A type with every field given at once.
    init(fields: Fields) {
        var fields = fields
        fields.lowercasedAllowedStrings = Self.lowercasedStrings(of: fields.allowedValues)
        box = Box(fields)
    }

    private var fields: Fields { box.fields }

    private mutating func update(_ change: (inout Fields) -> Void) {
        var fields = box.fields
        change(&fields)
        box = Box(fields)
    }

    public static func == (lhs: SpecType, rhs: SpecType) -> Bool { lhs.box === rhs.box || lhs.fields == rhs.fields }

    public func hash(into hasher: inout Hasher) { hasher.combine(fields) }

    private static func lowercasedStrings(of values: [JSONValue]?) -> Set<String>? {
        values.map { Set($0.compactMap { $0.stringValue?.lowercased() }) }
    }

    /// The JSON shape a value must have.
    public var kind: Kind {
        get { fields.kind }
        set { update { $0.kind = newValue } }
    }

    /// For `.object`: the definition its members follow (a spec name, or `Parent/property` for an inline object).
    public var definition: String? {
        get { fields.definition }
        set { update { $0.definition = newValue } }
    }

    /// The item type of an array, or the value type of a map.
    public var element: SpecType? {
        get { fields.element.first }
        set { update { $0.element = newValue.map { [$0] } ?? [] } }
    }

    /// The values an enum allows (`enum` and `x-ms-enum`); strings compare case-insensitively, as ARM does.
    public var allowedValues: [JSONValue]? {
        get { fields.allowedValues }
        set {
            update {
                $0.allowedValues = newValue
                $0.lowercasedAllowedStrings = Self.lowercasedStrings(of: newValue)
            }
        }
    }

    /// Lower-cased string members of `allowedValues`, for ARM's case-insensitive comparison.
    var lowercasedAllowedStrings: Set<String>? { fields.lowercasedAllowedStrings }

    /// The shortest string allowed, in UTF-16 code units.
    public var minLength: Int? {
        get { fields.minLength }
        set { update { $0.minLength = newValue } }
    }

    /// The longest string allowed, in UTF-16 code units.
    public var maxLength: Int? {
        get { fields.maxLength }
        set { update { $0.maxLength = newValue } }
    }

    /// A .NET regular expression the string is searched with (swagger `pattern`).
    public var pattern: String? {
        get { fields.pattern }
        set { update { $0.pattern = newValue } }
    }

    /// The smallest number allowed (see `exclusiveMinimum`).
    public var minimum: Double? {
        get { fields.minimum }
        set { update { $0.minimum = newValue } }
    }

    /// The largest number allowed (see `exclusiveMaximum`).
    public var maximum: Double? {
        get { fields.maximum }
        set { update { $0.maximum = newValue } }
    }

    /// Whether `minimum` itself is excluded.
    public var exclusiveMinimum: Bool {
        get { fields.exclusiveMinimum }
        set { update { $0.exclusiveMinimum = newValue } }
    }

    /// Whether `maximum` itself is excluded.
    public var exclusiveMaximum: Bool {
        get { fields.exclusiveMaximum }
        set { update { $0.exclusiveMaximum = newValue } }
    }

    /// The fewest items an array may hold.
    public var minItems: Int? {
        get { fields.minItems }
        set { update { $0.minItems = newValue } }
    }

    /// The most items an array may hold.
    public var maxItems: Int? {
        get { fields.maxItems }
        set { update { $0.maxItems = newValue } }
    }

    /// Whether an array's items must be distinct.
    public var uniqueItems: Bool {
        get { fields.uniqueItems }
        set { update { $0.uniqueItems = newValue } }
    }

    /// The swagger `format` (`int32`, `date-time`, `duration`, `arm-id`, …); informative, not validated.
    public var format: String? {
        get { fields.format }
        set { update { $0.format = newValue } }
    }

    /// The spec's `default`.
    public var defaultValue: JSONValue? {
        get { fields.defaultValue }
        set { update { $0.defaultValue = newValue } }
    }

    /// The `$ref` that did not resolve (common-types, or a definition no extract has), for `.any`.
    public var unresolvedReference: String? {
        get { fields.unresolvedReference }
        set { update { $0.unresolvedReference = newValue } }
    }

    /// For an enum a preview names but its extract lacks: the version whose enum of that name was used.
    public var enumFrom: APIVersion? {
        get { fields.enumFrom }
        set { update { $0.enumFrom = newValue } }
    }

    /// Whether the type carries any constraint a value can break (besides its JSON shape).
    public var isConstrained: Bool {
        let fields = fields
        return fields.allowedValues != nil || fields.minLength != nil || fields.maxLength != nil
            || fields.pattern != nil || fields.minimum != nil || fields.maximum != nil || fields.minItems != nil
            || fields.maxItems != nil || fields.uniqueItems
    }
}
