import Model
import Testing

@Suite struct ResourceOwnerTests {
    @Test func childrenAreOwnedByTheirAPIOrProduct() {
        #expect(ResourceID(.apiOperationPolicy, "aoai", "chat").owner == ResourceID(.api, "aoai"))
        #expect(ResourceID(.apiTag, "aoai", "t").owner == ResourceID(.api, "aoai"))
        #expect(ResourceID(.productApi, "gold", "aoai").owner == ResourceID(.product, "gold"))
        #expect(ResourceID(.productPolicy, "gold").owner == ResourceID(.product, "gold"))
        #expect(ResourceID(.api, "aoai").owner == nil)
        #expect(ResourceID(.servicePolicy).owner == nil)
    }
}
