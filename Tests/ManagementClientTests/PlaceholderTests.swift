import ManagementClient
import Testing

@Suite struct ManagementClientPlaceholderTests {
    @Test func sendsTheChosenApiVersion() {
        #expect(ManagementClientInfo.apiVersion == "2024-05-01")
    }
}
