import Model

/// Brings live ARM properties into the form desired properties use: full ARM ids become service-relative
/// (`/subscriptions/…/service/apim/loggers/x` → `/loggers/x`), and read-only fields are dropped.
public enum LiveNormalizer {
    /// The normalised copy of a live resource's properties.
    public static func normalize(_ properties: JSONValue) -> JSONValue {
        switch properties {
        case .string(let text): return .string(relativeID(text))
        case .array(let items): return .array(items.map(normalize))
        case .object(let object):
            var result = JSONObject()
            for (key, value) in object where key != "provisioningState" { result[key] = normalize(value) }
            return .object(result)
        default: return properties
        }
    }

    /// `…/providers/Microsoft.ApiManagement/service/{name}/rest` → `/rest`; other strings are unchanged.
    public static func relativeID(_ text: String) -> String { ResourceID.serviceRelativePath(text) }
}
