import Foundation

/// Where the tests' fixtures and the built executable are.
public enum TestPaths {
    /// The repository's `Tests/` folder.
    public static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/Fixtures`.
    public static let fixtures = tests.appendingPathComponent("Fixtures")

    /// The tests' copy of the reference lab (`manifests/`): see `Tests/Fixtures/lab/README.md`.
    public static let lab = fixtures.appendingPathComponent("lab")

    /// The `apimsync` executable next to the test bundle (built by `swift build`, which `.ci/run` runs first).
    public static var binary: URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0])
        var directory = bundle.deletingLastPathComponent()
        if directory.lastPathComponent == "MacOS" || directory.path.hasSuffix(".xctest/Contents") {
            directory = directory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        }
        return directory.appendingPathComponent("apimsync")
    }

    /// Whether the executable has been built (tests that run it require it).
    public static var binaryIsBuilt: Bool { FileManager.default.isExecutableFile(atPath: binary.path) }
}

/// A test helper's failure, with what went wrong.
public struct TestSupportError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
