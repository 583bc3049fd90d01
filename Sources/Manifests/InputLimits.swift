import Model
import YAML

/// Every bound apimsync keeps to while reading a repository, in one place, so that hostile input (a YAML bomb, a
/// huge or binary file, a FIFO, a path out of the repository) is an error message, never a crash, a hang or
/// unbounded memory.
///
/// Structure is bounded where it is read: YAML by ``yaml`` (nesting depth, scalar size, expanded node count,
/// documents per file), policy XML by `PolicyXMLReader.maximumDepth` and the C# lexer by
/// `CSharpLexer.maximumInterpolationDepth`, JSON specifications by their reader's depth limit. Files are bounded
/// here by size, before they are read.
public enum InputLimits {
    /// The bounds of every YAML load of a repository.
    public static let yaml = YAMLLimits.default
    /// The largest configuration, manifest or overlay file, in bytes.
    public static let maximumManifestBytes = 8 << 20
    /// The largest policy file, in bytes (APIM's own limit on a policy document is far smaller).
    public static let maximumPolicyBytes = 1 << 20
    /// The largest API specification file, in bytes.
    public static let maximumSpecificationBytes = 16 << 20
    /// The longest value variable substitution may produce, in bytes (a long variable used many times in one
    /// value must not take any amount of memory).
    public static let maximumSubstitutedBytes = 4 << 20
    /// How deep policy elements may nest.
    public static let policyDepth = PolicyXMLReader.maximumDepth
}
