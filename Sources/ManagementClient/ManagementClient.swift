/// The only code that speaks HTTP to APIM: ``ARMClient`` and the credentials in `Credentials/`.
public enum ManagementClientInfo {
    /// The ARM api-version every request carries.
    public static let apiVersion = ARMClient.apiVersion
}
