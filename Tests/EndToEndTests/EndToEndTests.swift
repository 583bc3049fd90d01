import Emulator
import Executor
import Foundation
import ManagementClient
import Model
import Planner
import TestSupport
import Testing

/// The reference lab against the emulator: apply from empty, re-plan, edit, drift, prune, failures, stale plans.
@Suite struct EndToEndTests {
    @Test(arguments: ["examples/plain", ""])
    func labConvergesAndReapplyingWritesNothing(repository: String) async throws {
        let lab = try await LabHarness(repository: repository)
        let (first, desired) = try await lab.plan()
        #expect(first.changes.count == desired.count)
        let report = await lab.apply(first, desired: desired)
        #expect(report.succeeded, "\(report.outcomes.filter { !$0.outcome.isApplied })")

        let (second, _) = try await lab.plan()
        #expect(second.changes.isEmpty, "\(second.changes.map { "\($0.id) \($0.fields)" })")
        #expect(second.unchanged.count == desired.count)
        let before = await lab.writes()
        let again = await lab.apply(second, desired: desired)
        #expect(again.outcomes.isEmpty)
        #expect(await lab.writes() == before)
        await lab.shutdown()
    }

    @Test func changingOnePolicyAttributePlansExactlyThatAttribute() async throws {
        let lab = try await LabHarness()
        let (initial, desired) = try await lab.plan()
        #expect(await lab.apply(initial, desired: desired).succeeded)
        try lab.edit("policies/aoai.xml", replacing: "tokens-per-minute=\"10000\"", with: "tokens-per-minute=\"20000\"")
        let (plan, changed) = try await lab.plan()
        #expect(plan.changes.map(\.id) == [ResourceID(.apiPolicy, "aoai")])
        #expect(plan.changes.first?.fields.count == 1)
        #expect(plan.changes.first?.fields.first?.path.hasSuffix("llm-token-limit@tokens-per-minute") == true)
        #expect(plan.changes.first?.fields.first?.before == "10000")
        #expect(plan.changes.first?.fields.first?.after == "20000")
        let before = await lab.writes()
        #expect(await lab.apply(plan, desired: changed).succeeded)
        #expect(await lab.writes() == before + 1)
        #expect(try await lab.plan().0.changes.isEmpty)
        await lab.shutdown()
    }

    @Test func driftInApimShowsInThePlanAndApplyRevertsIt() async throws {
        let lab = try await LabHarness()
        let (initial, desired) = try await lab.plan()
        #expect(await lab.apply(initial, desired: desired).succeeded)
        let backend = ResourceID(.backend, "aoai-apimaoai02")
        let live = try await lab.client.get(backend)
        var properties = try #require(live.properties)
        properties["url"] = "https://portal-edit.example.com/openai"
        _ = try await lab.client.put(backend, properties: properties, ifMatch: live.etag)

        let (plan, _) = try await lab.plan()
        #expect(plan.changes.map(\.id) == [backend])
        #expect(
            plan.changes.first?.fields == [
                FieldChange(
                    path: "url", before: "https://portal-edit.example.com/openai",
                    after: "https://apimaoai02.openai.azure.com/openai")
            ])
        #expect(await lab.apply(plan, desired: desired).succeeded)
        #expect(try await lab.plan().0.changes.isEmpty)
        await lab.shutdown()
    }

    @Test func removedAndAddedManifestsConvergeInDependencyOrder() async throws {
        let lab = try await LabHarness()
        let (initial, desired) = try await lab.plan()
        #expect(await lab.apply(initial, desired: desired).succeeded)
        try lab.edit("apimsync.yaml", replacing: "enabled: false", with: "enabled: true")
        try lab.edit(
            "apimsync.yaml", replacing: "owns: [\"apis/aoai\",",
            with: "owns: [\"subscriptions/*\", \"tags/*\", \"apis/aoai\",")
        let products = URL(fileURLWithPath: lab.configPath).deletingLastPathComponent()
            .appendingPathComponent("resources/products.yaml")
        try FileManager.default.removeItem(at: products)
        try """
        apiVersion: apimsync/v1
        kind: Tag
        metadata: { name: team-b }
        spec: { displayName: Team B }

        """.write(
            to: products.deletingLastPathComponent().appendingPathComponent("tags.yaml"), atomically: true,
            encoding: .utf8)

        let (plan, changed) = try await lab.plan()
        #expect(
            plan.changes.map { "\($0.action.rawValue) \($0.id)" } == [
                "create tags/team-b", "delete subscriptions/team-a", "delete products/aoai-gold",
            ])
        #expect(await lab.apply(plan, desired: changed).succeeded)
        let after = try await lab.plan()
        #expect(after.0.changes.isEmpty, "\(after.0.changes.map(\.id))")
        #expect(try await lab.client.getIfExists(ResourceID(.product, "aoai-gold")) == nil)
        await lab.shutdown()
    }

    @Test func aDeclaredGroupIsCreatedLinkedAndPrunedWhenRemoved() async throws {
        let lab = try await LabHarness()
        try lab.edit("resources/products.yaml", replacing: "groups: [developers]", with: "groups: [developers, team-a]")
        let groups = URL(fileURLWithPath: lab.configPath).deletingLastPathComponent()
            .appendingPathComponent("resources/groups.yaml")
        try """
        apiVersion: apimsync/v1
        kind: Group
        metadata: { name: team-a }
        spec: { displayName: Team A, description: Callers of the gold tier }

        """.write(to: groups, atomically: true, encoding: .utf8)
        let (initial, desired) = try await lab.plan()
        let order = initial.changes.map(\.id)
        let group = try #require(order.firstIndex(of: ResourceID(.group, "team-a")))
        let link = try #require(order.firstIndex(of: ResourceID(.productGroup, "aoai-gold", "team-a")))
        #expect(group < link)
        #expect(await lab.apply(initial, desired: desired).succeeded)
        #expect(try await lab.plan().0.changes.isEmpty)
        let live = try await lab.client.get(ResourceID(.group, "team-a"))
        #expect(live.properties?["description"]?.stringValue == "Callers of the gold tier")

        // Removed from the manifests: pruned (link first) when prune owns groups; the built-ins stay.
        try FileManager.default.removeItem(at: groups)
        try lab.edit("resources/products.yaml", replacing: "groups: [developers, team-a]", with: "groups: [developers]")
        try lab.edit("apimsync.yaml", replacing: "enabled: false", with: "enabled: true")
        try lab.edit("apimsync.yaml", replacing: "owns: [\"apis/aoai\",", with: "owns: [\"groups/*\", \"apis/aoai\",")
        try lab.edit("apimsync.yaml", replacing: ", \"groups/*\"]", with: "]")
        let (prune, changed) = try await lab.plan()
        #expect(
            prune.changes.map { "\($0.action.rawValue) \($0.id)" } == [
                "delete products/aoai-gold/groups/team-a", "delete groups/team-a",
            ])
        #expect(await lab.apply(prune, desired: changed).succeeded)
        #expect(try await lab.plan().0.changes.isEmpty)
        #expect(try await lab.client.getIfExists(ResourceID(.group, "developers")) != nil)
        await lab.shutdown()
    }

    /// `revision` on an API: a higher number clones the current revision, releases the clone and writes the
    /// changes to it, so the previous configuration stays in APIM to roll back to; numbers only go forward.
    @Test func aHigherRevisionNumberKeepsThePreviousRevision() async throws {
        let lab = try await LabHarness()
        let (initial, desired) = try await lab.plan()
        #expect(await lab.apply(initial, desired: desired).succeeded)
        #expect(try await lab.client.get(ResourceID(.api, "aoai")).properties?["apiRevision"]?.stringValue == "1")

        try lab.edit(
            "resources/aoai-api.yaml", replacing: "  path: aoai/openai\n",
            with: "  path: aoai/openai\n  revision: { number: 2, description: retry twice }\n")
        try lab.edit("policies/aoai.xml", replacing: "count=\"1\"", with: "count=\"2\"")
        let (plan, changed) = try await lab.plan()
        #expect(
            plan.changes.map { "\($0.id): \($0.fields.map(\.path))" } == [
                "apis/aoai: [\"apiRevision\"]", "apis/aoai/policies/policy: [\"backend/retry@count\"]",
            ])
        #expect(
            plan.notes.contains(
                "apis/aoai: revision 2 is cloned from the current revision 1 and released, then changed; revision 1 "
                    + "stays in APIM to roll back to"))
        #expect(await lab.apply(plan, desired: changed).succeeded)

        let current = try await lab.client.get(ResourceID(.api, "aoai"))
        #expect(current.properties?["apiRevision"]?.stringValue == "2")
        #expect(current.properties?["apiRevisionDescription"]?.stringValue == "retry twice")
        let previous = try #require(try await lab.client.getIfExists("apis/aoai;rev=1/policies/policy"))
        #expect(previous.properties?["value"]?.stringValue?.contains("count=\"1\"") == true)
        let released = try await lab.client.get("apis/aoai/policies/policy", query: [("format", "rawxml")])
        #expect(released.properties?["value"]?.stringValue?.contains("count=\"2\"") == true)
        #expect(try await lab.client.list("apis/aoai;rev=2/operations").count > 5)
        #expect(try await lab.plan().0.changes.isEmpty)

        try lab.edit("resources/aoai-api.yaml", replacing: "number: 2", with: "number: 1")
        #expect(
            try await lab.plan().0.blockers == [
                "apis/aoai: the manifest names revision 1, older than the current revision 2; revisions only go "
                    + "forward (to roll back, make revision 1 current in APIM, then set it here)"
            ])
        await lab.shutdown()
    }

    /// Also through the gateway: `api.revision` of an OpenAIGateway reaches the API it generates.
    @Test func aNewAPIStartsAtTheRevisionItsManifestNames() async throws {
        let lab = try await LabHarness(repository: "")
        try lab.edit(
            "resources/aoai-gateway.yaml", replacing: "    path: aoai\n",
            with: "    path: aoai\n    revision: { number: 3 }\n")
        let (initial, desired) = try await lab.plan()
        #expect(await lab.apply(initial, desired: desired).succeeded)
        #expect(try await lab.client.get(ResourceID(.api, "aoai")).properties?["apiRevision"]?.stringValue == "3")
        #expect(try await lab.plan().0.changes.isEmpty)
        await lab.shutdown()
    }

    /// Every kind with every optional field manifests can set (Fixtures/every-field.yaml): whatever APIM adds or
    /// rewrites on the way, an applied repository plans no changes.
    @Test func everyOptionalFieldRoundTripsWithoutChanges() async throws {
        let lab = try await LabHarness()
        let fixture = TestPaths.fixtures.appendingPathComponent("every-field.yaml")
        try FileManager.default.copyItem(
            at: fixture,
            to: URL(fileURLWithPath: lab.configPath).deletingLastPathComponent()
                .appendingPathComponent("resources/every-field.yaml"))
        let (initial, desired) = try await lab.plan()
        #expect(desired.count == 18 + 16)  // the plain lab and 16 more
        let report = await lab.apply(initial, desired: desired)
        #expect(report.succeeded, "\(report.outcomes.filter { !$0.outcome.isApplied })")
        let (again, _) = try await lab.plan()
        #expect(again.changes.isEmpty, "\(again.changes.map { "\($0.id) \($0.fields)" })")
        await lab.shutdown()
    }

    /// APIM adds `lastStatus` and a null `identityClientId` to a Key Vault reference: neither is drift.
    @Test func aKeyVaultNamedValuePlansNoChangesOnceApplied() async throws {
        let lab = try await LabHarness()
        try """
        apiVersion: apimsync/v1
        kind: NamedValue
        metadata: { name: aoai-key-kv }
        spec:
          displayName: aoai-key-kv
          secret: true
          keyVault: { secretIdentifier: https://kv-gateway.vault.azure.net/secrets/aoai-key }

        """.write(
            to: URL(fileURLWithPath: lab.configPath).deletingLastPathComponent()
                .appendingPathComponent("resources/key-vault.yaml"), atomically: true, encoding: .utf8)
        let (initial, desired) = try await lab.plan()
        #expect(await lab.apply(initial, desired: desired).succeeded)
        let live = try await lab.client.get(ResourceID(.namedValue, "aoai-key-kv"))
        #expect(live.properties?["keyVault"]?["lastStatus"]?["code"]?.stringValue == "Success")
        let (again, _) = try await lab.plan()
        #expect(again.changes.isEmpty, "\(again.changes.map { "\($0.id) \($0.fields)" })")
        #expect(again.notes.allSatisfy { !$0.contains("Key Vault") })
        await lab.shutdown()
    }

    @Test func aPermanentFailureSkipsOnlyItsDependantsAndTheNextRunConverges() async throws {
        let stateFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "apimsync-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: stateFile) }
        var faulty = EmulatorOptions()
        faulty.stateFile = stateFile.path
        faulty.seed = 7
        faulty.faults = try FaultSpec(parsing: "PUT:400@backends/aoai-apimaoai01=1")
        let lab = try await LabHarness(options: faulty)
        let (plan, desired) = try await lab.plan()
        let report = await lab.apply(plan, desired: desired)
        let failed = report.outcomes.filter { if case .failed = $0.outcome { true } else { false } }.map(\.change.id)
        let skipped = report.outcomes.filter { if case .skipped = $0.outcome { true } else { false } }.map(\.change.id)
        #expect(failed == [ResourceID(.backend, "aoai-apimaoai01")])
        // The pool needs the backend, the API policy routes to both: they wait; nothing else does.
        #expect(Set(skipped) == [ResourceID(.backend, "aoai-gpt-4o-pool"), ResourceID(.apiPolicy, "aoai")])
        #expect(report.applied == plan.changes.count - 3)
        let message = report.outcomes.first { $0.change.id == ResourceID(.backend, "aoai-apimaoai01") }.map {
            "\($0.outcome)"
        }
        #expect(message?.contains("PUT backends/aoai-apimaoai01") == true)
        #expect(message?.contains("HTTP 400") == true)
        #expect(await lab.emulator.stats().faultsInjected >= 1)
        await lab.shutdown()

        // The same instance without the fault: the next run applies exactly what is missing.
        var healthy = EmulatorOptions()
        healthy.stateFile = stateFile.path
        let next = try await LabHarness(options: healthy)
        let (rerun, _) = try await next.plan()
        #expect(Set(rerun.changes.map(\.id)) == Set([ResourceID(.backend, "aoai-apimaoai01")] + skipped))
        #expect(await next.apply(rerun, desired: desired).succeeded)
        #expect(try await next.plan().0.changes.isEmpty)
        await next.shutdown()
    }

    @Test func aChangeInApimAfterTheSavedPlanIsNotOverwritten() async throws {
        let lab = try await LabHarness()
        let (initial, desired) = try await lab.plan()
        #expect(await lab.apply(initial, desired: desired).succeeded)
        try lab.edit(
            "resources/backends.yaml", replacing: "description: Azure OpenAI instance apimaoai01",
            with: "description: first instance")
        let (saved, changed) = try await lab.plan(withETags: true)
        let backend = ResourceID(.backend, "aoai-apimaoai01")
        #expect(saved.changes.map(\.id) == [backend])
        #expect(saved.changes.first?.liveETag != nil)

        // Someone edits the backend in the portal between plan and apply.
        let live = try await lab.client.get(backend)
        var properties = try #require(live.properties)
        properties["description"] = "portal edit"
        _ = try await lab.client.put(backend, properties: properties, ifMatch: live.etag)

        let report = await lab.apply(saved, desired: changed, useETags: true)
        #expect(report.failed == 1)
        let message: String? =
            if case .failed(let text)? = report.outcomes.first?.outcome { text } else { nil }
        #expect(message?.contains("changed in APIM since the plan was made: re-plan") == true)
        #expect(try await lab.client.get(backend).properties?["description"] == "portal edit")
        await lab.shutdown()
    }
}

@Suite struct GatewayEndToEndTests {
    @Test func changingTheGatewayTokenLimitPlansExactlyOnePolicyAttribute() async throws {
        let lab = try await LabHarness(repository: "")
        let (initial, desired) = try await lab.plan()
        #expect(await lab.apply(initial, desired: desired).succeeded)
        try lab.edit("resources/aoai-gateway.yaml", replacing: "tokensPerMinute: 10000", with: "tokensPerMinute: 20000")
        let (plan, changed) = try await lab.plan()
        #expect(plan.changes.map(\.id) == [ResourceID(.apiPolicy, "aoai")])
        let fields = plan.changes.first?.fields ?? []
        #expect(fields.count == 1)
        #expect(fields.first?.path.hasSuffix("@tokens-per-minute") == true)
        #expect(fields.first?.before == "10000")
        #expect(fields.first?.after == "20000")
        #expect(plan.changes.first?.generatedBy == "OpenAIGateway/aoai")
        #expect(PlanRenderer.text(plan).contains("~ apis/aoai/policies/policy  (OpenAIGateway aoai, "))
        #expect(await lab.apply(plan, desired: changed).succeeded)
        #expect(try await lab.plan().0.changes.isEmpty)
        await lab.shutdown()
    }
}
