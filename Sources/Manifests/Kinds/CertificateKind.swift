import Model

/// `kind: Certificate`: a certificate APIM reads from Key Vault (and refreshes from there). Only the reference is
/// declared: a PFX file and its password never belong in git.
enum CertificateKind: ManifestKind {
    static let kindName = "Certificate"
    static let resourceKind: ResourceKind? = .certificate

    static let schema = ObjectSchema([
        FieldSchema(
            "keyVault",
            .object(
                ObjectSchema([
                    FieldSchema("secretIdentifier", .string(.url), required: true),
                    FieldSchema("identityClientId", .string),
                ])), required: true),
        // Named only to say why they are refused.
        FieldSchema("data", .string),
        FieldSchema("password", .string),
    ])

    static func lower(_ manifest: DecodedManifest, into context: inout LoweringContext) {
        for field in ["data", "password"] where manifest.spec[field] != nil {
            context.error(
                "a certificate's '\(field)' must never be in git: store the certificate in Key Vault and reference it "
                    + "with 'keyVault.secretIdentifier'", at: manifest.location("spec.\(field)"))
        }
        let properties = manifest.managedProperties(of: .certificate)
        context.add(context.resource(ResourceID(.certificate, manifest.name), .object(properties), for: manifest))
    }

    static func export(_ resource: Resource, into context: inout ExportContext) -> JSONObject {
        var keyVault = JSONObject()
        for key in ["secretIdentifier", "identityClientId"] {
            if let value = resource.properties["keyVault"]?[key], value != .null { keyVault[key] = value }
        }
        if keyVault.isEmpty {
            context.note(
                "certificate '\(resource.id.name)' was uploaded, not referenced from Key Vault: put it in Key Vault "
                    + "and set keyVault.secretIdentifier before applying")
        }
        return JSONObject([("keyVault", .object(keyVault))])
    }
}
