internal import CLibYAML

/// Placeholder; the node tree lands with the loader.
public enum YAMLInfo {
    /// The libyaml version the binary links against.
    public static var libraryVersion: String { String(cString: yaml_get_version_string()) }
}
