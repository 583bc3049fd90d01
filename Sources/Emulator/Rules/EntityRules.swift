import APIMSpec
import Model

/// What one kind does that the spec cannot say: its checks beyond the spec's constraints (references, policies,
/// import, the quirks apim-rest.md documents), how it stores and shows itself, what a delete takes with it, and its
/// POST actions. Every member has a default (the generic ARM entity), so a kind without special behaviour needs no
/// rules type at all. The store is passed `isolated`: rules run synchronously inside the actor.
protocol EntityRules: Sendable {
    /// The kinds these rules are for.
    var kinds: [EntityKind] { get }

    /// Whether APIM does not report this spec violation for this write (a documented quirk; cite it).
    func waives(_ violation: SpecViolation, in write: WriteContext, store: isolated EmulatorStore) -> Bool

    /// Kind-specific checks and normalisation of a write whose body passed the spec's checks.
    func prepare(_ write: WriteContext, in store: isolated EmulatorStore) throws(ARMError) -> Prepared

    /// The `properties` a read shows (`rawxml`: a policy read with `format=rawxml`).
    func render(_ entity: Entity, rawxml: Bool, in store: isolated EmulatorStore) -> JSONObject

    /// A GET the spec serves on the item path with a fixed query (`ApiExport_Get`: `export=true`), if this is one.
    func alternateRead(
        _ entity: Entity, _ request: EmuRequest, in store: isolated EmulatorStore
    ) throws(ARMError)
        -> EmuResponse?

    /// Refuses a delete APIM refuses (built-in entities, entities others still use).
    func checkDeletable(_ entity: Entity, _ request: EmuRequest, in store: isolated EmulatorStore) throws(ARMError)

    /// Removes `entity` and what goes with it.
    func cascade(_ entity: Entity, _ request: EmuRequest, in store: isolated EmulatorStore)

    /// Whether `candidate` (an entity of these rules' kinds) uses `target`, so that `target` cannot be deleted.
    func uses(_ candidate: Entity, _ target: Entity, in store: isolated EmulatorStore) -> Bool

    /// The answer to `POST …/{entity}/{action}` (`action` lower-cased), or `nil` if the kind has no such action.
    func action(
        _ action: String, on entity: Entity, _ request: EmuRequest, in store: isolated EmulatorStore
    ) throws(ARMError) -> EmuResponse?

    /// The items of a list that are not simply the stored children (views such as `apis/{a}/revisions`).
    func list(_ route: Route, _ request: EmuRequest, in store: isolated EmulatorStore) throws(ARMError) -> [JSONValue]?
}

extension EntityRules {
    func waives(_ violation: SpecViolation, in write: WriteContext, store: isolated EmulatorStore) -> Bool { false }

    func prepare(_ write: WriteContext, in store: isolated EmulatorStore) throws(ARMError) -> Prepared {
        Prepared(write.properties)
    }

    func render(_ entity: Entity, rawxml: Bool, in store: isolated EmulatorStore) -> JSONObject { entity.properties }

    func alternateRead(
        _ entity: Entity, _ request: EmuRequest, in store: isolated EmulatorStore
    ) throws(ARMError)
        -> EmuResponse?
    { nil }

    func checkDeletable(_ entity: Entity, _ request: EmuRequest, in store: isolated EmulatorStore) throws(ARMError) {}

    func cascade(_ entity: Entity, _ request: EmuRequest, in store: isolated EmulatorStore) {
        store.state.removeTree(entity.key)
        store.removeAssociations(to: entity)
    }

    func uses(_ candidate: Entity, _ target: Entity, in store: isolated EmulatorStore) -> Bool { false }

    func action(
        _ action: String, on entity: Entity, _ request: EmuRequest, in store: isolated EmulatorStore
    ) throws(ARMError) -> EmuResponse? { nil }

    func list(_ route: Route, _ request: EmuRequest, in store: isolated EmulatorStore) throws(ARMError) -> [JSONValue]?
    {
        nil
    }
}

/// Everything a kind-specific write needs to know.
struct WriteContext: Sendable {
    var kind: EntityKind
    var route: Route
    /// The internal key the entity is stored under.
    var key: String
    /// The entity's properties after the write: the members of the body the spec lets a request set, merged over
    /// the existing entity's for a PATCH.
    var properties: JSONObject
    /// The members of the request body itself (after the spec's filter).
    var submitted: JSONObject
    var existing: Entity?
    var isPatch: Bool
    var request: EmuRequest
    var version: APIVersion

    /// The entity's own name (the last path segment).
    var name: String { route.names.last ?? "" }
}

/// What a kind-specific write produced.
struct Prepared: Sendable {
    var properties: JSONObject
    /// Values never rendered (secrets); `nil` keeps the existing entity's.
    var hidden: JSONObject?
    /// Work that needs the saved entity (an API's revision bookkeeping, a clone, an import).
    var afterSave: (@Sendable (isolated EmulatorStore, Entity) -> Void)?

    init(
        _ properties: JSONObject, hidden: JSONObject? = nil,
        afterSave: (@Sendable (isolated EmulatorStore, Entity) -> Void)? = nil
    ) {
        self.properties = properties
        self.hidden = hidden
        self.afterSave = afterSave
    }
}

/// Collects validation problems of hand-written rules so that all of them are reported at once.
struct Checks {
    var details: [ARMError.Detail] = []

    mutating func add(_ target: String, _ message: String) {
        details.append(ARMError.Detail(code: "ValidationError", target: target, message: message))
    }

    func check() throws(ARMError) {
        if !details.isEmpty { throw ARMError.validation(details) }
    }
}
