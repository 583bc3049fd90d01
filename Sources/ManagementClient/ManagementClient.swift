/// The only code that speaks HTTP to APIM (being built).
public enum ManagementClientInfo {
    /// The ARM api-version every request carries.
    public static let apiVersion = "2024-05-01"
}
