import Model

/// Reads the live state of the entities a plan needs, with as few calls as the data allows: one list per kind
/// (all pages), per-API and per-product lists only for the APIs and products the manifests describe,
/// `allPolicies` to learn which policy scopes exist, and a GET (`format=rawxml`) only for those policies'
/// content. Lists run concurrently within the client's pacing.
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
        /// Top-level kinds to list (`Backend`, `Api`, …; the service policy counts as one).
        public var kinds: Set<ResourceKind>
        /// APIs whose children to read, and which child kinds (operations, diagnostics, tags).
        public var apis: [String: Set<ResourceKind>]
        /// Products whose children to read, and which (API links, group links).
        public var products: [String: Set<ResourceKind>]

        public init(
            kinds: Set<ResourceKind>, apis: [String: Set<ResourceKind>], products: [String: Set<ResourceKind>]
        ) {
            self.kinds = kinds
            self.apis = apis
            self.products = products
        }

        /// What the desired state mentions, plus what prune may delete: a child kind of an API or product is
        /// listed only when the manifests describe some of it there, or when prune owns that API or product.
        public init(desired: State, prunePatterns: [String], owned: (ResourceID) -> Bool = { _ in false }) {
            var kinds = Set(desired.resources.keys.map { $0.kind.owningKind ?? $0.kind })
            for pattern in prunePatterns {
                let collection = pattern.split(separator: "/").first.map(String.init) ?? ""
                if let kind = ResourceKind.allCases.first(where: { $0.pathTemplate == collection + "/{}" }) {
                    kinds.insert(kind)
                }
                if collection == "policies" { kinds.insert(.servicePolicy) }
            }
            self.kinds = kinds
            var apis: [String: Set<ResourceKind>] = [:]
            var products: [String: Set<ResourceKind>] = [:]
            for resource in desired.resources.values {
                let id = resource.id
                switch id.kind {
                case .api:
                    let all: Set<ResourceKind> = [.apiOperation, .apiDiagnostic, .apiTag]
                    apis[id.name, default: []].formUnion(owned(id) ? all : [])
                    if resource.specification != nil { apis[id.name, default: []].insert(.apiOperation) }
                case .apiOperationPolicy: apis[id.names[0], default: []].insert(.apiOperation)
                case .apiDiagnostic, .apiTag: apis[id.names[0], default: []].insert(id.kind)
                case .apiPolicy: apis[id.names[0], default: []].formUnion([])
                case .product:
                    products[id.name, default: []].formUnion(owned(id) ? [.productApi, .productGroup] : [])
                case .productApi, .productGroup: products[id.names[0], default: []].insert(id.kind)
                case .productPolicy: products[id.names[0], default: []].formUnion([])
                default: break
                }
            }
            self.apis = apis
            self.products = products
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
        let listed = request.kinds.filter { $0 != .servicePolicy }
        let readsPolicies = request.kinds.contains(.servicePolicy) || !request.apis.isEmpty || !request.products.isEmpty
        var policyScopes: [ResourceID]?
        // One pass, driven by completions: the children of the APIs (products) on a page are listed as soon as
        // that page has arrived, and policy content is fetched as soon as allPolicies has named the scopes, so
        // no call waits for an unrelated list. Children of parents the lists never show are not listed: a
        // missing parent has none.
        var unseenParents: [ResourceKind: [String: Set<ResourceKind>]] = [
            .api: request.apis, .product: request.products,
        ]
        var completeParentLists: Set<ResourceKind> = []
        await withTaskGroup(of: Outcome.self) { group in
            func listChildren(of parent: ResourceKind, _ names: some Sequence<String>) {
                for name in names.sorted() {
                    guard let kinds = unseenParents[parent]?.removeValue(forKey: name) else { continue }
                    for kind in kinds.sorted() { group.addTask { await firstPage(kind, parents: [name]) } }
                }
            }
            for kind in listed.sorted() {
                group.addTask { await firstPage(kind, parents: []) }
            }
            for parent in [ResourceKind.api, .product] where !listed.contains(parent) {
                listChildren(of: parent, Array(unseenParents[parent, default: [:]].keys))
            }
            if readsPolicies {
                group.addTask { .policyScopes(await allPolicyScopes()) }
            }
            for await outcome in group {
                collect(outcome, into: &state, incomplete: &incomplete, errors: &errors, scopes: &policyScopes)
                switch outcome {
                case .page(let resources, let kind, let parents, let next):
                    if let next { group.addTask { await page(next, kind: kind, parents: parents) } }
                    guard parents.isEmpty, unseenParents[kind] != nil, listed.contains(kind) else { break }
                    listChildren(of: kind, resources.map(\.id.name))
                    if next == nil { completeParentLists.insert(kind) }
                case .policyScopes(let scopes?):
                    let targets = policyTargets(request: request, scopes: scopes, state: state)
                    for id in targets { group.addTask { await policy(id) } }
                default: break
                }
            }
        }
        var scoped = request
        for (parent, unseen) in unseenParents where completeParentLists.contains(parent) {
            for name in unseen.keys {
                if parent == .api { scoped.apis[name] = nil } else { scoped.products[name] = nil }
            }
        }
        // Without allPolicies, probe the scopes the desired state and the listed operations could have.
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
    /// the scopes the desired state and the listed operations could have.
    func policyTargets(request: Request, scopes: [ResourceID]?, state: State) -> [ResourceID] {
        func relevant(_ id: ResourceID) -> Bool {
            switch id.kind {
            case .servicePolicy: request.kinds.contains(.servicePolicy)
            case .apiPolicy, .apiOperationPolicy: request.apis[id.names[0]] != nil
            case .productPolicy: request.products[id.names[0]] != nil
            default: false
            }
        }
        if let scopes { return scopes.filter(relevant).sorted() }
        var probe: [ResourceID] = request.kinds.contains(.servicePolicy) ? [ResourceID(.servicePolicy)] : []
        probe += request.apis.keys.sorted().map { ResourceID(.apiPolicy, $0) }
        probe += state.resources(of: .apiOperation).map {
            ResourceID(.apiOperationPolicy, $0.id.names[0], $0.id.names[1])
        }
        probe += request.products.keys.sorted().map { ResourceID(.productPolicy, $0) }
        return probe
    }

    /// A policy's content in `rawxml` (nothing when the scope has no policy).
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
