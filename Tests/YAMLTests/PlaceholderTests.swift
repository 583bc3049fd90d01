import Testing
import YAML

@Suite struct YAMLPlaceholderTests {
    @Test func linksLibYAML() { #expect(YAMLInfo.libraryVersion.hasPrefix("0.")) }
}
