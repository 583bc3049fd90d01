import Foundation
import Manifests
import Model
import TestSupport
import Testing

@Suite struct ValidationTests {
    @Test(arguments: BrokenManifestCase.all)
    func reportsExactDiagnostics(_ testCase: BrokenManifestCase) throws {
        let repository = try TemporaryRepository(testCase.files)
        let actual = repository.diagnostics()
        #expect(actual == testCase.expected, Comment(rawValue: actual.joined(separator: "\n")))
    }
}
