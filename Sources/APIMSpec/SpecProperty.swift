/// One property of a spec definition, after `allOf` is flattened.
public struct SpecProperty: Sendable, Hashable {
    public var name: String
    public var type: SpecType
    /// In the definition's `required` list.
    public var isRequired: Bool
    /// Set by the service only; ARM ignores it in requests, so a validator skips it.
    public var isReadOnly: Bool
    /// `x-ms-secret`: the service never returns the value on a plain GET.
    public var isSecret: Bool
    /// Not in Microsoft's spec files: added from `spec/apim/supplements.json`.
    public var isSupplement: Bool

    public init(
        name: String, type: SpecType, isRequired: Bool = false, isReadOnly: Bool = false, isSecret: Bool = false,
        isSupplement: Bool = false
    ) {
        self.name = name
        self.type = type
        self.isRequired = isRequired
        self.isReadOnly = isReadOnly
        self.isSecret = isSecret
        self.isSupplement = isSupplement
    }
}
