import Model
import Testing

@Suite struct ModelPlaceholderTests {
    @Test func armPathRoundTrips() {
        let id = ResourceID(.apiOperationPolicy, "aoai", "chat")
        #expect(id.armPath == "apis/aoai/operations/chat/policies/policy")
        #expect(ResourceID(armPath: id.armPath) == id)
    }
}
