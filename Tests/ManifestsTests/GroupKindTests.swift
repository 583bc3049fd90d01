import Foundation
import Manifests
import Model
import TestSupport
import Testing

/// `kind: Group`: custom and external groups, and product links to groups declared or not.
@Suite struct GroupKindTests {
    static func repository(_ manifests: String) throws -> TemporaryRepository {
        try TemporaryRepository(["resources/groups.yaml": manifests])
    }

    static let product = """
        apiVersion: apimsync/v1
        kind: Product
        metadata: { name: gold }
        spec: { displayName: Gold, groups: [developers, aoai-team-a] }

        """

    @Test func aDeclaredGroupIsCreatedBeforeTheProductLinksIt() throws {
        let repository = try Self.repository(
            Self.product + """
                ---
                apiVersion: apimsync/v1
                kind: Group
                metadata: { name: aoai-team-a }
                spec: { displayName: AOAI team A, description: Callers of the gold tier }

                """)
        let result = repository.loader.load()
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(
            result.state[ResourceID(.group, "aoai-team-a")]?.properties
                == ["displayName": "AOAI team A", "description": "Callers of the gold tier"])
        let link = try #require(result.state[ResourceID(.productGroup, "gold", "aoai-team-a")])
        #expect(link.dependencies == [ResourceID(.product, "gold"), ResourceID(.group, "aoai-team-a")])
    }

    @Test func anUndeclaredGroupIsAWarningThatItMustExist() throws {
        #expect(
            try Self.repository(Self.product).diagnostics() == [
                "resources/groups.yaml:4:49: warning: product group 'aoai-team-a' is not declared in the manifests: "
                    + "it must already exist in APIM"
            ])
    }

    @Test func builtInGroupsCannotBeDeclaredAndExternalOnesNeedTheirId() throws {
        let repository = try Self.repository(
            """
            apiVersion: apimsync/v1
            kind: Group
            metadata: { name: developers }
            spec: { displayName: Developers }
            ---
            apiVersion: apimsync/v1
            kind: Group
            metadata: { name: entra-admins }
            spec: { displayName: Entra admins, type: external }

            """)
        #expect(
            repository.diagnostics() == [
                "resources/groups.yaml:3:19: error: group 'developers' is built in: every service has it and it "
                    + "cannot be declared",
                "resources/groups.yaml:9:7: error: an external group needs 'externalId' "
                    + "(aad://<tenant>/groups/<object id>)",
            ])
    }
}
