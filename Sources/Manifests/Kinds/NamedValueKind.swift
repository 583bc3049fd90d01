import Foundation
import Model

/// `kind: NamedValue`: a plain value, a secret read at apply time from the environment or a file, or a Key Vault
/// reference. Secrets never come from the manifest itself.
enum NamedValueKind: ManifestKind {
    static let kindName = "NamedValue"
    static let resourceKind: ResourceKind? = .namedValue
    static let schema = ObjectSchema(
        [
            FieldSchema(
                "displayName",
                .string(
                    .pattern(
                        description: "must be 1–256 characters of letters, digits, '-', '.' and '_'",
                        matches: { name in
                            !name.isEmpty && name.count <= 256
                                && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }
                        })),
                required: true),
            FieldSchema("secret", .boolean),
            FieldSchema("value", .string),
            FieldSchema(
                "valueFrom",
                .object(
                    ObjectSchema(
                        [FieldSchema("env", .string), FieldSchema("file", .string)], exclusive: [["env", "file"]]))),
            FieldSchema(
                "keyVault",
                .object(
                    ObjectSchema([
                        FieldSchema("secretIdentifier", .string(.url), required: true),
                        FieldSchema("identityClientId", .string),
                    ]))),
            FieldSchema("tags", .list(.string, maxCount: 32)),
        ],
        exclusive: [["value", "valueFrom", "keyVault"]])

    static func lower(_ manifest: DecodedManifest, into context: inout LoweringContext) {
        let spec = manifest.spec
        let secret = spec["secret"]?.boolValue ?? false
        var properties: JSONValue = [
            "displayName": spec["displayName"] ?? .string(manifest.name), "secret": .bool(secret),
        ]
        var resource = context.resource(ResourceID(.namedValue, manifest.name), .null, for: manifest)
        if let value = spec["value"]?.stringValue {
            if secret {
                context.error(
                    "plaintext secret: a named value with 'secret: true' must not carry 'value'; use 'valueFrom' "
                        + "(env or file) or 'keyVault'", at: manifest.location("spec.value"))
            } else if value.trimmingCharacters(in: .whitespaces).isEmpty {
                context.error("'spec.value' must not be empty or white space", at: manifest.location("spec.value"))
            }
            properties["value"] = .string(value)
        } else if let source = spec["valueFrom"] {
            if let env = source["env"]?.stringValue {
                resource.secrets["value"] = .environment(env)
            } else if let file = source["file"]?.stringValue {
                resource.secrets["value"] = .file(file)
            } else {
                context.error("'spec.valueFrom' needs 'env' or 'file'", at: manifest.location("spec.valueFrom"))
            }
        } else if let keyVault = spec["keyVault"] {
            properties["keyVault"] = keyVault
        } else {
            context.error(
                "missing value: give one of 'value', 'valueFrom' or 'keyVault' in 'spec'", at: manifest.location("spec")
            )
        }
        if let tags = spec["tags"] { properties["tags"] = tags }
        resource.properties = properties
        context.add(resource)
    }

    /// Secret values are never read: a secret becomes `valueFrom: {env: …}` and a note names the variable.
    static func export(_ resource: Resource, into context: inout ExportContext) -> JSONObject {
        var spec = ExportContext.fields(resource.properties, of: schema, kind: .namedValue)
        spec["value"] = nil
        spec["keyVault"] = nil
        if let keyVault = resource.properties["keyVault"]?.objectValue, let identifier = keyVault["secretIdentifier"] {
            var reference = JSONObject([("secretIdentifier", identifier)])
            if let client = keyVault["identityClientId"], client != .null { reference["identityClientId"] = client }
            spec["keyVault"] = .object(reference)
        } else if resource.properties["secret"]?.boolValue == true {
            let variable = ManifestExporter.environmentVariable(for: resource.id.name)
            spec["valueFrom"] = ["env": .string(variable)]
            context.note("named value '\(resource.id.name)' is secret: set \(variable) where apimsync runs")
        } else {
            spec["value"] = resource.properties["value"] ?? ""
        }
        return spec
    }
}
