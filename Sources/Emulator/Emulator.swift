/// The bundled APIM management-plane emulator (being built).
public enum EmulatorInfo {
    /// The ARM api-version the emulator serves.
    public static let apiVersion = "2024-05-01"
}
