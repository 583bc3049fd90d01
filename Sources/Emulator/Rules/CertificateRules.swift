import Crypto
import Foundation
import Model

/// Certificates (`certificates/{certificateId}`): from a Key Vault secret (spec example
/// `ApiManagementCreateCertificateWithKeyVault.json`) or uploaded as PFX `data` with its `password`, which the spec
/// allows and no documentation forbids, so both are accepted; neither `data` nor `password` is ever read back (they
/// are not in the contract a read returns). The emulator cannot open a PFX or reach Key Vault: it reads back a
/// subject, a thumbprint derived from the source, and a fixed expiry date.
struct CertificateRules: EntityRules {
    var kinds: [EntityKind] { [.certificates] }

    func prepare(_ write: WriteContext, in store: isolated EmulatorStore) throws(ARMError) -> Prepared {
        var props = write.properties
        let source: String
        if let vault = write.submitted["keyVault"]?.objectValue {
            guard let secret = vault["secretIdentifier"]?.stringValue, !secret.isEmpty else {
                throw ARMError.validation(
                    target: "keyVault.secretIdentifier", message: "'secretIdentifier' is required.")
            }
            source = secret
            var stored = JSONObject()
            stored["secretIdentifier"] = .string(secret)
            stored["identityClientId"] = vault["identityClientId"] ?? .null
            stored["lastStatus"] = EmulatorStore.keyVaultSuccess()
            props["keyVault"] = .object(stored)
        } else if let data = write.submitted["data"]?.stringValue, !data.isEmpty {
            source = data
        } else {
            // A certificate comes from somewhere: APIM needs its content or a Key Vault secret to have a thumbprint.
            throw ARMError.validation(target: "data", message: "Either 'data' or 'keyVault' must be provided.")
        }
        let digest = Insecure.SHA1.hash(data: Data(source.utf8)).map { String(format: "%02X", $0) }.joined()
        props["thumbprint"] = .string(digest)
        props["subject"] = .string("CN=\(write.name)")
        props["expirationDate"] = "2037-01-01T07:00:00Z"
        return Prepared(props)
    }

    /// `refreshSecret` re-reads a Key Vault certificate (200 with the certificate).
    func action(
        _ action: String, on entity: Entity, _ request: EmuRequest, in store: isolated EmulatorStore
    ) throws(ARMError) -> EmuResponse? {
        guard action == "refreshsecret" else { return nil }
        let saved = try store.refreshKeyVault(entity, what: "Certificate")
        return .json(200, store.envelope(saved), headers: [("ETag", saved.etag)])
    }
}
