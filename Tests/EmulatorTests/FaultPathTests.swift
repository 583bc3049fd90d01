import Emulator
import Testing

@Suite struct FaultPathTests {
    @Test func aRuleCanBeLimitedToOneEntity() throws {
        let spec = try FaultSpec(parsing: "PUT:400@Backends/B1=1,503=0.1")
        #expect(
            spec.rules == [
                FaultSpec.Rule(method: "PUT", path: "backends/b1", outcome: .status(400), probability: 1),
                FaultSpec.Rule(outcome: .status(503), probability: 0.1),
            ])
    }

    @Test(arguments: ["PUT:400@=1", "400@/backends/b1=1"])
    func rejectsPathsThatAreNotServiceRelative(_ text: String) {
        #expect(throws: EmulatorSpecError.self) { try FaultSpec(parsing: text) }
    }
}
