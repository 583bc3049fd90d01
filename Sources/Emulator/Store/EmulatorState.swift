import APIMSpec
import Foundation
import Model

/// One stored entity. `key` is the internal path below the service (API ids always carry `;rev=n`).
struct Entity: Sendable {
    var key: String
    var kind: EntityKind
    var properties: JSONObject
    var etag: String
    var seq: Int
    /// Values never rendered on GET (named value secrets, subscription keys).
    var hidden = JSONObject()
    /// The api-version of the last write when it is newer than the oldest served (`nil`: the oldest): a read at an
    /// older version must not show members that version does not define.
    var version: APIVersion? = nil

    var name: String { String(key.split(separator: "/").last ?? "") }
    var parentKey: String {
        let parts = key.split(separator: "/")
        return parts.dropLast(2).joined(separator: "/")
    }
}

/// The persisted part of the emulator: entities, current API revisions and counters.
struct EmulatorState: Sendable {
    /// Lower-cased key → entity. Change it only through `put`, `save` and `removeTree`, which keep the
    /// indexes below in step (lists by parent and kind must not scan the whole store on a large instance).
    private(set) var entities: [String: Entity] = [:]
    /// Lower-cased parent key and kind → lower-cased keys.
    private var childIndex: [ChildKey: Set<String>] = [:]
    /// kind → lower-cased keys.
    private var kindIndex: [EntityKind: Set<String>] = [:]
    /// Lower-cased API id (without `;rev=`) → current revision number.
    var currentRevision: [String: String] = [:]
    var seq = 0
    var rowVersion: UInt64 = 0

    func entity(_ key: String) -> Entity? { entities[key.lowercased()] }

    private struct ChildKey: Hashable {
        var parent: String
        var kind: EntityKind
    }

    private static func childKey(parent: String, kind: EntityKind) -> ChildKey {
        ChildKey(parent: parent.lowercased(), kind: kind)
    }

    /// Stores `entity` under its lower-cased key, replacing any entity there, and indexes it.
    mutating func put(_ entity: Entity) {
        let lower = entity.key.lowercased()
        if let old = entities[lower] { unindex(old, lower) }
        entities[lower] = entity
        childIndex[Self.childKey(parent: entity.parentKey, kind: entity.kind), default: []].insert(lower)
        kindIndex[entity.kind, default: []].insert(lower)
    }

    private mutating func unindex(_ entity: Entity, _ lower: String) {
        childIndex[Self.childKey(parent: entity.parentKey, kind: entity.kind)]?.remove(lower)
        kindIndex[entity.kind]?.remove(lower)
    }

    mutating func nextEtag() -> String {
        rowVersion += 1
        var bytes: [UInt8] = []
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((rowVersion >> UInt64(shift)) & 0xFF)) }
        return "\"" + Data(bytes).base64EncodedString() + "\""
    }

    /// Stores `properties` at `key`, keeping the creation order of an existing entity. Returns the entity.
    @discardableResult
    mutating func save(
        key: String, kind: EntityKind, properties: JSONObject, hidden: JSONObject? = nil, version: APIVersion? = nil
    ) -> Entity {
        let lower = key.lowercased()
        let etag = nextEtag()
        let written = version.flatMap { $0 == APIVersion.all.first ? nil : $0 }
        if var existing = entities[lower] {
            existing.properties = properties
            existing.etag = etag
            existing.version = written
            if let hidden { existing.hidden = hidden }
            entities[lower] = existing
            return existing
        }
        seq += 1
        let entity = Entity(
            key: key, kind: kind, properties: properties, etag: etag, seq: seq, hidden: hidden ?? JSONObject(),
            version: written)
        put(entity)
        return entity
    }

    /// Removes `key` and everything below it.
    mutating func removeTree(_ key: String) {
        let lower = key.lowercased()
        let prefix = lower + "/"
        for (key, entity) in entities where key == lower || key.hasPrefix(prefix) {
            unindex(entity, key)
            entities[key] = nil
        }
    }

    /// Children of `parentKey` of kind `kind`, in creation order.
    func children(of parentKey: String, kind: EntityKind) -> [Entity] {
        let keys = childIndex[Self.childKey(parent: parentKey, kind: kind)] ?? []
        return keys.compactMap { entities[$0] }.sorted { $0.seq < $1.seq }
    }

    /// Every entity of `kind` in no particular order: for scans that do not need creation order (cheaper than
    /// ``all(kind:)``, which sorts).
    func anyOrder(kind: EntityKind) -> [Entity] {
        (kindIndex[kind] ?? []).compactMap { entities[$0] }
    }

    func all(kind: EntityKind) -> [Entity] {
        (kindIndex[kind] ?? []).compactMap { entities[$0] }.sorted { $0.seq < $1.seq }
    }

    // MARK: - Persistence

    func serialized() -> String {
        var root = JSONObject()
        root["format"] = "apimsync-emulator-state"
        root["version"] = 1
        root["seq"] = .number(Double(seq))
        root["rowVersion"] = .number(Double(rowVersion))
        root["currentRevision"] = .object(
            JSONObject(currentRevision.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
        root["entities"] = .array(
            entities.values.sorted { $0.seq < $1.seq }.map { entity in
                .object(
                    JSONObject([
                        ("key", .string(entity.key)), ("kind", .string(entity.kind.pattern)),
                        ("etag", .string(entity.etag)),
                        ("seq", .number(Double(entity.seq))), ("properties", .object(entity.properties)),
                        ("hidden", .object(entity.hidden)),
                        ("version", entity.version.map { .string($0.rawValue) } ?? .null),
                    ]))
            })
        return JSONValue.object(root).serialized(pretty: true)
    }

    static func load(text: String, file: String) throws -> EmulatorState {
        func corrupt(_ why: String) -> EmulatorStateError {
            EmulatorStateError(file: file, reason: why)
        }
        let root: JSONValue
        do {
            root = try JSONValue.parse(text)
        } catch {
            throw corrupt(error.description)
        }
        guard root["format"]?.stringValue == "apimsync-emulator-state", root["version"]?.numberValue == 1 else {
            throw corrupt("not an apimsync emulator state file (missing \"format\"/\"version\")")
        }
        var state = EmulatorState()
        state.seq = Int(root["seq"]?.numberValue ?? 0)
        state.rowVersion = UInt64(root["rowVersion"]?.numberValue ?? 0)
        for (key, value) in root["currentRevision"]?.objectValue ?? JSONObject() {
            guard let rev = value.stringValue else { throw corrupt("currentRevision.\(key) is not a string") }
            state.currentRevision[key] = rev
        }
        guard let items = root["entities"]?.arrayValue else { throw corrupt("missing \"entities\" array") }
        for (offset, item) in items.enumerated() {
            guard let key = item["key"]?.stringValue,
                let kind = item["kind"]?.stringValue.flatMap({ EntityKind.byPattern[$0] }),
                let etag = item["etag"]?.stringValue, let seq = item["seq"]?.numberValue,
                let properties = item["properties"]?.objectValue
            else { throw corrupt("entities[\(offset)] is malformed") }
            state.put(
                Entity(
                    key: key, kind: kind, properties: properties, etag: etag, seq: Int(seq),
                    hidden: item["hidden"]?.objectValue ?? JSONObject(),
                    version: item["version"]?.stringValue.map(APIVersion.init(rawValue:))))
        }
        return state
    }
}
