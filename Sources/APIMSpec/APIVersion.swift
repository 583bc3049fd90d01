/// An APIM management-plane api-version, such as `2024-05-01` or `2025-09-01-preview`.
///
/// Versions order by date, and on the same date a preview comes before the stable version.
public struct APIVersion: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public init(stringLiteral value: String) { self.rawValue = value }

    /// The newest stable version, and the one the vendored spec describes whole.
    public static let ga: APIVersion = "2024-05-01"

    /// Every version the vendored spec describes, oldest first (from the generated table).
    public static let all: [APIVersion] = SpecTableText.definitionsByVersion.map { APIVersion(rawValue: $0.version) }

    /// Whether this is a preview version (`…-preview`).
    public var isPreview: Bool { rawValue.hasSuffix("-preview") }

    /// Whether the vendored spec describes this version.
    public var isVendored: Bool { Self.all.contains(self) }

    /// The date part, `yyyy-mm-dd`.
    public var date: Substring { rawValue.prefix(10) }

    public var description: String { rawValue }

    public static func < (lhs: APIVersion, rhs: APIVersion) -> Bool {
        if lhs.date != rhs.date { return lhs.date < rhs.date }
        if lhs.isPreview != rhs.isPreview { return lhs.isPreview }
        return lhs.rawValue < rhs.rawValue
    }
}
