import Model

/// Brings live ARM properties into the form desired properties use: full ARM ids become service-relative
/// (`/subscriptions/…/service/apim/loggers/x` → `/loggers/x`), read-only fields are dropped, and so are members
/// that are `null` (ARM writes an unset optional field as `null`; manifests leave it out).
public enum LiveNormalizer {
    /// Read-only fields, wherever they appear: `lastStatus` is the Key Vault refresh status of a named value.
    static let readOnlyKeys: Set<String> = ["provisioningState", "lastStatus"]

    /// The normalised copy of a live resource's properties.
    public static func normalize(_ properties: JSONValue) -> JSONValue {
        switch properties {
        case .string(let text): return .string(relativeID(text))
        case .array(let items): return .array(items.map(normalize))
        case .object(let object):
            var result = JSONObject()
            for (key, value) in object where !readOnlyKeys.contains(key) && value != .null {
                result[key] = normalize(value)
            }
            return .object(result)
        default: return properties
        }
    }

    /// `…/providers/Microsoft.ApiManagement/service/{name}/rest` → `/rest`; other strings are unchanged.
    public static func relativeID(_ text: String) -> String { ResourceID.serviceRelativePath(text) }
}
