import Model
import Planner
import Testing

/// Builders for desired and live states.
enum Fixture {
    static let service =
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ApiManagement/service/apim"

    static func resource(
        _ id: ResourceID, _ properties: JSONValue, dependencies: Set<ResourceID> = [], etag: String? = nil
    ) -> Resource {
        Resource(id: id, properties: properties, dependencies: dependencies, etag: etag)
    }

    static let member1 = resource(
        ResourceID(.backend, "aoai01"), ["type": "Single", "url": "https://a/openai", "protocol": "http"])
    static let member2 = resource(
        ResourceID(.backend, "aoai02"), ["type": "Single", "url": "https://b/openai", "protocol": "http"])
    static let pool = resource(
        ResourceID(.backend, "pool"),
        [
            "type": "Pool",
            "pool": [
                "services": [["id": "/backends/aoai01", "priority": 1], ["id": "/backends/aoai02", "priority": 2]]
            ],
        ],
        dependencies: [ResourceID(.backend, "aoai01"), ResourceID(.backend, "aoai02")])
    static let key = Resource(
        id: ResourceID(.namedValue, "key"), properties: ["displayName": "key", "secret": true],
        secrets: ["value": .environment("KEY")])
    static let policy = resource(
        ResourceID(.servicePolicy),
        [
            "format": "rawxml",
            "value":
                "<policies><inbound><set-backend-service backend-id=\"pool\" /><set-header name=\"k\"><value>{{key}}</value></set-header></inbound></policies>",
        ],
        dependencies: [ResourceID(.backend, "pool"), ResourceID(.namedValue, "key")])

    static var desired: State { State([member1, member2, pool, key, policy]) }

    /// The live state APIM reports once `desired` was applied: full ARM ids, defaults, read-only fields, tabs.
    static var live: State {
        State([
            resource(
                member1.id,
                [
                    "type": "Single", "url": "https://a/openai", "protocol": "http", "title": nil,
                    "provisioningState": "Succeeded",
                    "tls": ["validateCertificateChain": true, "validateCertificateName": true], "credentials": nil,
                ], etag: "e1"),
            resource(
                member2.id, ["type": "Single", "url": "https://b/openai", "protocol": "http", "description": ""],
                etag: "e2"),
            resource(
                pool.id,
                [
                    "type": "Pool", "url": nil, "protocol": nil,
                    "pool": [
                        "services": [
                            ["id": .string(service + "/backends/aoai01"), "priority": 1],
                            ["id": .string(service + "/backends/AOAI02"), "priority": 2],
                        ]
                    ],
                ],
                etag: "e3"),
            resource(key.id, ["displayName": "key", "secret": true, "tags": []], etag: "e4"),
            resource(
                policy.id,
                [
                    "format": "rawxml",
                    "value":
                        "<policies>\r\n\t<inbound>\r\n\t\t<set-backend-service backend-id=\"pool\" />\r\n\t\t<set-header name=\"k\">\r\n\t\t\t<value>{{key}}</value>\r\n\t\t</set-header>\r\n\t</inbound>\r\n</policies>",
                ],
                etag: "e5"),
            resource(ResourceID(.api, "echo-api"), ["displayName": "Echo API", "path": "echo"]),
            resource(ResourceID(.product, "starter"), ["displayName": "Starter"]),
            resource(ResourceID(.group, "developers"), ["displayName": "Developers", "builtIn": true]),
        ])
    }
}

@Suite struct PlannerTests {
    @Test func appliedStatePlansNoChanges() {
        let plan = Planner.plan(desired: Fixture.desired, live: Fixture.live)
        #expect(plan.changes.isEmpty, "\(plan.changes)")
        #expect(plan.unchanged.count == 5)
        #expect(plan.unmanaged.isEmpty)
        #expect(
            PlanRenderer.text(plan)
                == "note: secret values were not compared (run with --check-secrets to compare them by SHA-256)\n\nNo changes. APIM matches the manifests (5 resources).\n"
        )
    }

    @Test func createsRunDependenciesFirst() {
        let plan = Planner.plan(desired: Fixture.desired, live: State())
        #expect(
            plan.changes.map(\.id.description) == [
                "namedValues/key", "backends/aoai01", "backends/aoai02", "backends/pool", "policies/policy",
            ])
        #expect(plan.changes.allSatisfy { $0.action == .create })
    }

    @Test func driftShowsExactlyTheChangedField() throws {
        var live = Fixture.live
        var member = try #require(live[ResourceID(.backend, "aoai02")])
        member.properties["url"] = "https://portal-edit/openai"
        member.properties["circuitBreaker"] = ["rules": [["name": "r", "tripDuration": "PT1M"]]]
        live.insert(member)
        let plan = Planner.plan(desired: Fixture.desired, live: live)
        #expect(plan.changes.count == 1)
        let change = try #require(plan.changes.first)
        #expect(change.action == .update)
        #expect(change.liveETag == "e2")
        #expect(
            change.fields == [
                FieldChange(path: "url", before: "https://portal-edit/openai", after: "https://b/openai"),
                FieldChange(
                    path: "circuitBreaker", before: "{\"rules\":[{\"name\":\"r\",\"tripDuration\":\"PT1M\"}]}",
                    after: nil),
            ])
    }

    @Test func omittedFieldsCompareWithApimDefaults() throws {
        var live = Fixture.live
        var member = try #require(live[ResourceID(.backend, "aoai01")])
        member.properties["tls"] = ["validateCertificateChain": false, "validateCertificateName": true]
        live.insert(member)
        let plan = Planner.plan(desired: Fixture.desired, live: live)
        #expect(
            plan.changes.first?.fields == [
                FieldChange(
                    path: "tls", before: "{\"validateCertificateChain\":false,\"validateCertificateName\":true}",
                    after: "{\"validateCertificateChain\":true,\"validateCertificateName\":true} (default)")
            ])
    }

    @Test func secretsCompareByDigestOnly() {
        let same = SecretDigests(desired: [Fixture.key.id: "aa"], live: [Fixture.key.id: "aa"], checked: true)
        #expect(Planner.plan(desired: Fixture.desired, live: Fixture.live, secrets: same).changes.isEmpty)
        let changed = SecretDigests(desired: [Fixture.key.id: "aa"], live: [Fixture.key.id: "bb"], checked: true)
        let plan = Planner.plan(desired: Fixture.desired, live: Fixture.live, secrets: changed)
        #expect(
            plan.changes.map(\.fields) == [[FieldChange(path: "value", before: "(secret)", after: "(secret changed)")]])
        #expect(!PlanRenderer.json(plan).contains("aa") && !PlanRenderer.json(plan).contains("\"bb\""))
    }

    @Test func aSecretNotSetHereIsNamedInTheNotes() {
        let missing = SecretDigests(desired: [:], live: [Fixture.key.id: "aa"], checked: true)
        let plan = Planner.plan(desired: Fixture.desired, live: Fixture.live, secrets: missing)
        #expect(plan.changes.isEmpty)
        #expect(plan.notes == ["secret values not compared: namedValues/key (env:KEY is not set here)"])
    }

    @Test func aFailingKeyVaultRefreshIsNamedInTheNotes() {
        let id = ResourceID(.namedValue, "kv")
        let reference: JSONValue = ["secretIdentifier": "https://kv.vault.azure.net/secrets/x"]
        let desired = State([Fixture.resource(id, ["displayName": "kv", "secret": true, "keyVault": reference])])
        var vault = reference
        vault["identityClientId"] = .null
        vault["lastStatus"] = [
            "code": "Forbidden", "message": "The identity has no 'get' permission on secrets",
            "timeStampUtc": "2026-11-25T10:00:00Z",
        ]
        var live = State([Fixture.resource(id, ["displayName": "kv", "secret": true, "keyVault": vault])])
        let plan = Planner.plan(desired: desired, live: live)
        #expect(plan.changes.isEmpty)
        #expect(
            plan.notes == [
                "namedValues/kv: APIM could not refresh it from Key Vault, Forbidden: The identity has no 'get' "
                    + "permission on secrets (2026-11-25T10:00:00Z); the value in use may be stale"
            ])
        vault["lastStatus"] = ["code": "Success", "timeStampUtc": "2026-11-25T10:05:00Z"]
        live.insert(Fixture.resource(id, ["displayName": "kv", "secret": true, "keyVault": vault]))
        #expect(Planner.plan(desired: desired, live: live).notes.isEmpty)
    }

    @Test func liveOnlyResourcesAreUnmanagedUnlessPruneOwnsThem() {
        var live = Fixture.live
        live.insert(
            Fixture.resource(
                ResourceID(.backend, "old"), ["type": "Single", "url": "https://old", "protocol": "http"], etag: "o"))
        live.insert(Fixture.resource(ResourceID(.api, "legacy"), ["displayName": "Legacy", "path": "legacy"]))
        live.insert(Fixture.resource(ResourceID(.apiPolicy, "legacy"), ["value": "<policies />"]))
        live.insert(Fixture.resource(ResourceID(.apiPolicy, "echo-api"), ["value": "<policies />"]))
        let off = Planner.plan(desired: Fixture.desired, live: live)
        #expect(off.changes.isEmpty)
        #expect(off.unmanaged.map(\.description) == ["backends/old", "apis/legacy"])

        let prune = PruneSettings(
            enabled: true, maxDeletes: 10, owns: ["backends/*", "apis/*"], protect: ["apis/legacy"])
        let on = Planner.plan(desired: Fixture.desired, live: live, scope: PlanScope(prune: prune))
        #expect(on.changes.map(\.id.description) == ["backends/old"])
        #expect(on.changes.first?.action == .delete)
        #expect(on.changes.first?.liveETag == "o")
        #expect(on.unmanaged.isEmpty)

        let guarded = Planner.plan(
            desired: Fixture.desired, live: live,
            scope: PlanScope(prune: PruneSettings(enabled: true, maxDeletes: 0, owns: ["backends/*"])))
        #expect(guarded.blockers.count == 1)

        let incomplete = Planner.plan(
            desired: Fixture.desired, live: live,
            scope: PlanScope(prune: prune, incompleteKinds: [.backend]))
        #expect(incomplete.changes.isEmpty)
        #expect(incomplete.notes.contains("not pruning Backend: its live listing was incomplete"))
    }

    @Test func deletesRunDependantsFirst() {
        let prune = PlanScope(
            prune: PruneSettings(enabled: true, maxDeletes: 10, owns: ["backends/*", "policies/*", "namedValues/*"]))
        let plan = Planner.plan(desired: State(), live: Fixture.live, scope: prune)
        #expect(
            plan.changes.map(\.id.description) == [
                "policies/policy", "backends/pool", "namedValues/key", "backends/aoai02", "backends/aoai01",
            ])
    }

    @Test func skipAndOrphanAnnotationsNeverWrite() throws {
        var desired = Fixture.desired
        var skipped = try #require(desired[ResourceID(.backend, "aoai01")])
        skipped.reconcile = .skip
        skipped.properties["url"] = "https://changed"
        desired.insert(skipped)
        var orphan = try #require(desired[ResourceID(.backend, "aoai02")])
        orphan.reconcile = .orphan
        orphan.properties["url"] = "https://changed"
        desired.insert(orphan)
        let plan = Planner.plan(desired: desired, live: Fixture.live)
        #expect(plan.changes.isEmpty)
        #expect(plan.skipped.map(\.id) == [ResourceID(.backend, "aoai01")])
    }

    @Test func reimportsOnlyWhenOperationsDiffer() {
        let operations = [
            OpenAPIImport.Operation(
                name: "chat", displayName: "Chat", method: "POST", urlTemplate: "/chat?api-version={api-version}")
        ]
        let api = Resource(
            id: ResourceID(.api, "aoai"), properties: ["displayName": "AOAI", "path": "aoai"],
            specification: APISpecification(
                format: "openapi+json", content: "{}", file: "s.json", operations: operations))
        let liveAPI = Fixture.resource(
            api.id, ["displayName": "AOAI", "path": "aoai", "isCurrent": true, "apiRevision": "1"])
        let liveOperation = Fixture.resource(
            ResourceID(.apiOperation, "aoai", "chat"),
            ["displayName": "Chat", "method": "POST", "urlTemplate": "/chat?api-version={api-version}"])
        #expect(Planner.plan(desired: State([api]), live: State([liveAPI, liveOperation])).changes.isEmpty)
        let stale = Fixture.resource(
            ResourceID(.apiOperation, "aoai", "old"), ["displayName": "Old", "method": "GET", "urlTemplate": "/old"])
        let plan = Planner.plan(desired: State([api]), live: State([liveAPI, stale]))
        #expect(plan.changes.first?.reimport == true)
        #expect(
            plan.changes.first?.fields == [
                FieldChange(path: "operations/chat", before: nil, after: "POST /chat?api-version={api-version} (Chat)"),
                FieldChange(path: "operations/old", before: "(deleted by re-import)", after: nil),
            ])
    }

    @Test func maskedLoggerCredentialsAreNotDrift() {
        let desired = Fixture.resource(
            ResourceID(.logger, "ai"),
            ["loggerType": "applicationInsights", "credentials": ["connectionString": "{{ai-cs}}"]])
        let live = Fixture.resource(
            desired.id,
            [
                "loggerType": "applicationInsights", "isBuffered": true,
                "credentials": ["connectionString": "{{Logger-Credentials--64f1b2}}"],
            ])
        #expect(Planner.plan(desired: State([desired]), live: State([live])).changes.isEmpty)
    }
}
