import Model

/// Reads the live state of the entities a plan needs, with as few calls as the data allows: one list per kind
/// (all pages), per-API and per-product lists only for the APIs and products the manifests describe,
/// `allPolicies` to learn which policy scopes exist, and a GET (`format=rawxml`) only for those policies'
/// content, and for each policy fragment the list did not return in `rawxml` (the specification's fragment list has
/// no `format`). Lists run concurrently within the client's pacing.
public struct LiveStateReader: Sendable {
    /// What the read found, and which kinds it could not list completely.
    public struct Result: Sendable {
        public var state: State
        /// Kinds whose listing failed: the planner must not prune them.
        public var incompleteKinds: Set<ResourceKind>
        /// One line per failed call.
        public var errors: [String]
    }

    /// Which entities to read.
    public struct Request: Sendable {
        /// Top-level kinds to list (the service policy counts as one: it is read through `allPolicies`).
        public var kinds: Set<ResourceKind>
        /// Entities whose children to read, and which child kinds to list directly under each. An entity named
        /// here with no kinds still matters: the policies at its scope (and its children's) are read.
        public var children: [ResourceID: Set<ResourceKind>]
        /// Entities whose whole subtree is listed (prune owns them): every listed child kind, at every depth.
        public var subtrees: Set<ResourceID>
        /// Kinds the service's api-version does not have: never listed (ARM would answer 404).
        public var unavailable: Set<ResourceKind> = []

        public init(
            kinds: Set<ResourceKind>, children: [ResourceID: Set<ResourceKind>], subtrees: Set<ResourceID> = []
        ) {
            self.kinds = kinds
            self.children = children
            self.subtrees = subtrees
        }

        /// What the desired state mentions, plus what prune may delete: a child kind is listed under an entity
        /// only when the manifests describe some of it there, when the entity's specification creates it (an
        /// API's operations), or when prune owns the entity.
        public init(desired: State, prunePatterns: [String], owned: (ResourceID) -> Bool = { _ in false }) {
            var kinds = Set(desired.resources.keys.map { $0.kind.owningKind ?? $0.kind })
            for pattern in prunePatterns {
                let collection = pattern.split(separator: "/").first.map(String.init) ?? ""
                for kind in KindCatalog.topLevelKinds
                where kind.pathTemplate.split(separator: "/").first.map(String.init) == collection {
                    kinds.insert(kind)
                }
            }
            var children: [ResourceID: Set<ResourceKind>] = [:]
            var subtrees: Set<ResourceID> = []
            for resource in desired.resources.values {
                let id = resource.id
                let descriptor = id.kind.descriptor
                if !descriptor.children.isEmpty {
                    children[id, default: []].formUnion([])
                    if owned(id) { subtrees.insert(id) }
                    if resource.specification != nil {
                        children[id, default: []].formUnion(descriptor.children.filter { $0.descriptor.derived })
                    }
                }
                // Each ancestor is read, and each listed kind on the way down is listed under its parent.
                var current = id
                while let parent = current.parent {
                    let listed: Set<ResourceKind> = current.kind.descriptor.liveRead == .listed ? [current.kind] : []
                    children[parent, default: []].formUnion(listed)
                    current = parent
                }
            }
            self.kinds = kinds
            self.children = children
            self.subtrees = subtrees
        }

        /// The kinds to list under `id`: those asked for, or every listed child kind in an owned subtree.
        func kindsToList(under id: ResourceID) -> Set<ResourceKind> {
            var kinds = children[id] ?? []
            var ancestor: ResourceID? = id
            while let current = ancestor {
                if subtrees.contains(current) {
                    kinds.formUnion(id.kind.descriptor.children.filter { $0.descriptor.liveRead == .listed })
                    break
                }
                ancestor = current.parent
            }
            return kinds.subtracting(unavailable)
        }

        /// Whether the policies at `id`'s scope are of interest: its top-level owner (or itself) is asked for.
        func wantsPolicy(_ id: ResourceID) -> Bool {
            guard let owner = id.owner else { return kinds.contains(id.kind) }
            return children[owner] != nil
        }
    }

    let client: ARMClient

    public init(client: ARMClient) {
        self.client = client
    }

    /// One listing task's outcome.
    private enum Outcome: Sendable {
        /// A page of a list; `next` when more follow.
        case page([Resource], kind: ResourceKind, parents: [String], next: PageCursor?)
        case failed(ResourceKind, String)
        case policyScopes([ResourceID]?)
    }

    public func read(_ request: Request) async -> Result {
        var state = State()
        var incomplete: Set<ResourceKind> = []
        var errors: [String] = []
        let listed = request.kinds.filter { $0.descriptor.liveRead == .listed }.subtracting(request.unavailable)
        let readsPolicies =
            request.kinds.contains { $0.descriptor.liveRead == .policyScope } || !request.children.isEmpty
        var policyScopes: [ResourceID]?
        // One pass, driven by completions: the children of the entities on a page are listed as soon as that page
        // has arrived, and policy content is fetched as soon as allPolicies has named the scopes, so no call waits
        // for an unrelated list. Children of parents the lists never show are not listed: a missing parent has
        // none.
        var unseenParents = Set(request.children.keys)
        var parentsListed: Set<ResourceID> = []
        var completeLists: Set<ResourceKind> = []
        await withTaskGroup(of: Outcome.self) { group in
            func listChildren(of parents: [ResourceID]) {
                for parent in parents.sorted() where parentsListed.insert(parent).inserted {
                    unseenParents.remove(parent)
                    for kind in request.kindsToList(under: parent).sorted() {
                        group.addTask { await firstPage(kind, parents: parent.names) }
                    }
                }
            }
            for kind in listed.sorted() {
                group.addTask { await firstPage(kind, parents: []) }
            }
            // Parents of a kind that is not listed at all are taken on trust.
            listChildren(of: unseenParents.filter { $0.parent == nil && !listed.contains($0.kind) })
            if readsPolicies {
                group.addTask { .policyScopes(await allPolicyScopes()) }
            }
            for await outcome in group {
                collect(outcome, into: &state, incomplete: &incomplete, errors: &errors, scopes: &policyScopes)
                switch outcome {
                case .page(let resources, let kind, let parents, let next):
                    if let next { group.addTask { await page(next, kind: kind, parents: parents) } }
                    listChildren(of: resources.map(\.id))
                    if next == nil, parents.isEmpty { completeLists.insert(kind) }
                    // Fragments are written as rawxml: compare them in rawxml, or entities inside their
                    // expressions (`&lt;` in a C# string) read back escaped and differ forever.
                    for listed in resources
                    where kind.descriptor.holdsPolicyDocument && listed.properties["format"]?.stringValue != "rawxml" {
                        group.addTask { await policy(listed.id) }
                    }
                case .policyScopes(let scopes?):
                    let targets = policyTargets(request: request, scopes: scopes, state: state)
                    for id in targets { group.addTask { await policy(id) } }
                default: break
                }
            }
        }
        var scoped = request
        for parent in unseenParents where parent.parent == nil && completeLists.contains(parent.kind) {
            scoped.children[parent] = nil
        }
        // Without allPolicies, probe the scopes the desired state and the listed entities could have.
        if policyScopes == nil {
            let probed = policyTargets(request: scoped, scopes: nil, state: state)
            await withTaskGroup(of: Outcome.self) { group in
                for id in probed { group.addTask { await policy(id) } }
                for await outcome in group {
                    collect(outcome, into: &state, incomplete: &incomplete, errors: &errors, scopes: &policyScopes)
                }
            }
        }
        return Result(state: state, incompleteKinds: incomplete, errors: errors)
    }

    private func collect(
        _ outcome: Outcome, into state: inout State, incomplete: inout Set<ResourceKind>, errors: inout [String],
        scopes: inout [ResourceID]?
    ) {
        switch outcome {
        case .page(let resources, _, _, _): for resource in resources { state.insert(resource) }
        case .failed(let kind, let message):
            incomplete.insert(kind)
            errors.append(message)
        case .policyScopes(let found): scopes = found
        }
    }

    /// The policies to fetch: those `allPolicies` reports in the scopes of interest; without `allPolicies`,
    /// the scopes the request's entities and the listed entities under them could have.
    func policyTargets(request: Request, scopes: [ResourceID]?, state: State) -> [ResourceID] {
        if let scopes { return scopes.filter(request.wantsPolicy).sorted() }
        var probe: [ResourceID] = []
        for kind in KindCatalog.kinds where kind.descriptor.liveRead == .policyScope {
            guard let parentKind = kind.descriptor.parent else {
                if request.kinds.contains(kind) { probe.append(ResourceID(kind)) }
                continue
            }
            let parents: [ResourceID]
            if parentKind.descriptor.parent == nil {
                parents = request.children.keys.filter { $0.kind == parentKind }.sorted()
            } else {
                parents = state.resources(of: parentKind).map(\.id).filter { id in
                    id.owner.map { request.children[$0] != nil } ?? false
                }
            }
            probe += parents.map { ResourceID(kind, names: $0.names) }
        }
        return probe
    }

    /// A policy's or fragment's content in `rawxml` (nothing when the scope has no policy).
    private func policy(_ id: ResourceID) async -> Outcome {
        do {
            guard let response = try await client.getIfExists(id.armPath, query: [("format", "rawxml")]) else {
                return .page([], kind: id.kind, parents: [], next: nil)
            }
            let properties = response.properties ?? .object(JSONObject())
            let resource = Resource(id: id, properties: properties, etag: response.etag)
            return .page([resource], kind: id.kind, parents: [], next: nil)
        } catch {
            return .failed(id.kind, "\(error)")
        }
    }

    private func firstPage(_ kind: ResourceKind, parents: [String]) async -> Outcome {
        do {
            return await page(try client.firstPage(kind, parents: parents), kind: kind, parents: parents)
        } catch {
            return .failed(kind, "\(error)")
        }
    }

    private func page(_ cursor: PageCursor, kind: ResourceKind, parents: [String]) async -> Outcome {
        do {
            let page = try await client.page(cursor)
            let resources = page.values.compactMap { item -> Resource? in
                guard let name = item["name"]?.stringValue, !name.contains(";rev=") else { return nil }
                // Association lists return the linked entity; its name is the link's last segment.
                return Resource(
                    id: ResourceID(kind, names: parents + [name]),
                    properties: item["properties"] ?? .object(JSONObject()))
            }
            return .page(resources, kind: kind, parents: parents, next: page.next)
        } catch {
            return .failed(kind, "\(error)")
        }
    }

    /// The policy scopes that exist (`GET allPolicies`), or `nil` when the service cannot say.
    private func allPolicyScopes() async -> [ResourceID]? {
        guard let items = try? await client.list("allPolicies") else { return nil }
        return items.compactMap { item in
            guard let reference = item["properties"]?["referencePolicyId"]?.stringValue else { return nil }
            return ResourceID(armID: reference)
        }
    }

    /// The current ETags of resources a plan changes (a HEAD each), for `If-Match` when the plan is applied.
    public func etags(of ids: [ResourceID]) async -> [ResourceID: String] {
        await withTaskGroup(of: (ResourceID, String?).self) { group in
            for id in ids where !id.kind.isLink {
                group.addTask { (id, try? await client.head(id.armPath).etag) }
            }
            var result: [ResourceID: String] = [:]
            for await (id, etag) in group { if let etag { result[id] = etag } }
            return result
        }
    }
}
