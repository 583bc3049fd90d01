import Model
import Planner
import Testing

/// The prune guards: each shape of a mistake that would empty a service yields a plan that is blocked (so writes
/// nothing) and says why; `--allow-mass-delete` lifts only the guards a deliberate clean-up trips.
@Suite struct PruneGuardTests {
    static let prune = PruneSettings(enabled: true, maxDeletes: 10, owns: ["backends/*", "namedValues/*", "tags/*"])

    static func backend(_ name: String) -> Resource {
        Fixture.resource(
            ResourceID(.backend, name), ["type": "Single", "url": .string("https://\(name)"), "protocol": "http"])
    }

    /// The fixture's live state plus `extra` backends nobody declares.
    static func live(extraBackends count: Int) -> State {
        var live = Fixture.live
        for index in 0..<count { live.insert(backend("stale\(index)")) }
        return live
    }

    @Test func moreDeletesThanMaxDeletesBlockUnlessAllowed() {
        let live = Self.live(extraBackends: 3)
        var settings = Self.prune
        settings.maxDeletes = 2
        let blocked = Planner.plan(desired: Fixture.desired, live: live, scope: PlanScope(prune: settings))
        #expect(blocked.count(.delete) == 3)
        #expect(
            blocked.blockers == [
                "the plan deletes 3 resources, more than prune.maxDeletes (2); nothing will be written unless "
                    + "--allow-mass-delete is given"
            ])
        let allowed = Planner.plan(
            desired: Fixture.desired, live: live, scope: PlanScope(prune: settings, allowMassDelete: true))
        #expect(allowed.blockers.isEmpty)
        #expect(allowed.count(.delete) == 3)
        settings.maxDeletes = 3
        #expect(Planner.plan(desired: Fixture.desired, live: live, scope: PlanScope(prune: settings)).blockers.isEmpty)
    }

    @Test func anEmptyResourceFolderBlocksAnyDelete() {
        let live = Self.live(extraBackends: 1)
        let scope = PlanScope(prune: Self.prune, emptyResourceFolders: ["manifests/resources"])
        let plan = Planner.plan(desired: Fixture.desired, live: live, scope: scope)
        #expect(
            plan.blockers == [
                "resource folder 'manifests/resources' holds no manifests, yet the plan deletes 1 resource prune "
                    + "owns; nothing will be written (a folder emptied or moved by mistake?): restore its manifests, "
                    + "remove it from spec.resources, or disable prune"
            ])
        // --allow-mass-delete does not lift it: the cause is the repository, not the size of the change.
        var allowed = scope
        allowed.allowMassDelete = true
        #expect(Planner.plan(desired: Fixture.desired, live: live, scope: allowed).blockers.count == 1)
        // Without deletes an empty folder is no reason to stop.
        #expect(Planner.plan(desired: Fixture.desired, live: Fixture.live, scope: scope).blockers.isEmpty)
    }

    @Test func noManifestsAtAllBlockEveryDelete() {
        let plan = Planner.plan(
            desired: State(), live: Fixture.live, scope: PlanScope(prune: Self.prune, allowMassDelete: true))
        #expect(plan.count(.delete) == 4)
        #expect(plan.blockers.contains { $0.hasPrefix("the manifests describe no resources, yet the plan deletes 4") })
    }

    @Test func aTargetHoldingNoneOfTheOwnedResourcesIsAnotherService() {
        // The repository declares aoai01, aoai02, pool and key; the target has other backends only.
        var live = State([Self.backend("billing"), Self.backend("crm")])
        live.insert(Fixture.resource(ResourceID(.servicePolicy), ["format": "rawxml", "value": "<policies />"]))
        let scope = PlanScope(prune: Self.prune, allowMassDelete: true)
        let plan = Planner.plan(desired: Fixture.desired, live: live, scope: scope)
        #expect(plan.count(.delete) == 2)
        #expect(
            plan.blockers.contains {
                $0.hasPrefix(
                    "none of the 4 resources this repository owns exists in the target, yet the plan deletes 2 "
                        + "that prune owns there: this looks like a different service")
            })
        // Once one owned resource is there (the service was adopted), it is the repository's service again.
        live.insert(Fixture.live[ResourceID(.backend, "aoai01")]!)
        #expect(Planner.plan(desired: Fixture.desired, live: live, scope: scope).blockers.isEmpty)
    }

    @Test func deletingEveryResourceOfAKindBlocksUnlessAllowed() {
        var live = Fixture.live
        live.insert(Fixture.resource(ResourceID(.tag, "a"), ["displayName": "A"]))
        live.insert(Fixture.resource(ResourceID(.tag, "b"), ["displayName": "B"]))
        let plan = Planner.plan(desired: Fixture.desired, live: live, scope: PlanScope(prune: Self.prune))
        #expect(
            plan.blockers == [
                "the plan deletes every Tag in APIM (2: tags/a, tags/b); nothing will be written unless "
                    + "--allow-mass-delete is given"
            ])
        #expect(
            Planner.plan(
                desired: Fixture.desired, live: live, scope: PlanScope(prune: Self.prune, allowMassDelete: true)
            ).blockers.isEmpty)
        // A tag that stays (declared, protected or unmanaged) means the kind is not emptied.
        var keep = Self.prune
        keep.protect = ["tags/b"]
        let partial = Planner.plan(desired: Fixture.desired, live: live, scope: PlanScope(prune: keep))
        #expect(partial.blockers.isEmpty)
        #expect(partial.changes.map(\.id) == [ResourceID(.tag, "a")])
    }

    @Test func aFailedListingPrunesNothingOfThatKind() {
        let live = Self.live(extraBackends: 2)
        let plan = Planner.plan(
            desired: Fixture.desired, live: live, scope: PlanScope(prune: Self.prune, incompleteKinds: [.backend]))
        #expect(plan.changes.isEmpty)
        #expect(plan.notes.contains("not pruning Backend: its live listing was incomplete"))
    }

    @Test func everyRenderingSaysWhy() {
        var settings = Self.prune
        settings.maxDeletes = 0
        var plan = Planner.plan(
            desired: Fixture.desired, live: Self.live(extraBackends: 1), scope: PlanScope(prune: settings))
        plan.target = nil
        let why = "more than prune.maxDeletes (0)"
        #expect(PlanRenderer.text(plan).contains("error: the plan deletes 1 resources, \(why)"))
        #expect(PlanRenderer.markdown(plan).contains("> [!CAUTION]\n> the plan deletes 1 resources, \(why)"))
        #expect(PlanRenderer.json(plan).contains("\"the plan deletes 1 resources, \(why)"))
    }
}
