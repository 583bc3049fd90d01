import APIMSpec

extension EmulatorInfo {
    /// Every api-version the emulator serves: those the vendored spec describes, oldest first.
    public static let apiVersions: [String] = APIVersion.all.map(\.rawValue)
}
