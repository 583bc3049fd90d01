import Model
import Testing

/// The catalogue's derived facts: parents and owners from path templates, ids that round-trip through ARM paths,
/// and an order in which what a kind refers to comes first.
@Suite struct KindCatalogTests {
    @Test func parentsAndOwnersComeFromThePathTemplates() {
        #expect(ResourceKind.apiOperationPolicy.descriptor.parent == .apiOperation)
        #expect(ResourceKind.apiOperation.descriptor.parent == .api)
        #expect(ResourceKind.apiOperationPolicy.owningKind == .api)
        #expect(ResourceKind.productGroup.owningKind == .product)
        #expect(ResourceKind.servicePolicy.descriptor.parent == nil)
        #expect(ResourceKind.backend.owningKind == nil)
        #expect(
            ResourceID(.apiOperationPolicy, "aoai", "chat").parent == ResourceID(.apiOperation, "aoai", "chat"))
        #expect(
            Set(ResourceKind.api.descriptor.children) == [
                .apiOperation, .apiPolicy, .apiDiagnostic, .apiTag, .apiTool,
            ])
    }

    @Test func everyKindIsRegisteredOnceAndItsIdsRoundTripThroughARMPaths() {
        #expect(Set(KindCatalog.kinds).count == KindCatalog.kinds.count)
        for kind in KindCatalog.kinds {
            #expect(ResourceKind(rawValue: kind.rawValue) == kind)
            let names = (0..<kind.nameCount).map { "n\($0)" }
            let id = ResourceID(kind, names: names)
            #expect(ResourceID(armPath: id.armPath) == id, "\(kind) does not round-trip through \(id.armPath)")
            #expect(id.armPath.split(separator: "/").count == kind.pathTemplate.split(separator: "/").count)
        }
        #expect(ResourceKind(rawValue: "Widget") == nil)
    }

    @Test func whatAKindRefersToComesFirstInTheCatalogue() {
        for descriptor in KindCatalog.all {
            let targets =
                descriptor.references.flatMap(\.targets) + descriptor.nameReferences.map(\.target)
                + [descriptor.parent].compactMap { $0 }
            // A child of another entity of the same kind (an MCP API's tools name operations of another API) may
            // come later: resources order those by their own dependencies.
            for target in targets where target.owningKind != descriptor.kind {
                #expect(!(descriptor.kind < target), "\(descriptor.kind) refers to \(target), which comes later")
            }
        }
    }

    @Test func builtInsAreTheEntitiesEveryServiceHas() {
        #expect(KindCatalog.builtIns.contains(ResourceID(.group, "developers")))
        #expect(KindCatalog.builtIns.contains(ResourceID(.subscription, "master")))
        #expect(KindCatalog.builtIns.contains(ResourceID(.api, "echo-api")))
        #expect(!KindCatalog.builtIns.contains(ResourceID(.backend, "echo-api")))
    }

    @Test func referencesAreFoundAndExpandedByPath() {
        let pool: JSONValue = ["pool": ["services": [["id": "/backends/a"], ["id": "/backends/b", "priority": 2]]]]
        #expect(pool.strings(at: "pool.services[].id") == ["/backends/a", "/backends/b"])
        let expanded = pool.mappingStrings(at: "pool.services[].id") { "/s" + $0 }
        #expect(expanded.strings(at: "pool.services[].id") == ["/s/backends/a", "/s/backends/b"])
        #expect(expanded["pool"]?["services"]?.arrayValue?[1]["priority"] == 2)
        #expect(pool.strings(at: "loggerId").isEmpty)
    }
}
