import Emulator
import Testing

@Suite struct EmulatorPlaceholderTests {
    @Test func servesTheChosenApiVersion() {
        #expect(EmulatorInfo.apiVersion == "2024-05-01")
    }
}
