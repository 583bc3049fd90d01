import Model

/// Checks what manifests refer to once all are loaded: duplicates, unresolved references and dependency cycles.
/// Resolved references become the resources' dependencies.
enum ReferenceResolver {
    /// Entities every APIM service has, which manifests may refer to without declaring them.
    static var builtIns: Set<ResourceID> { KindCatalog.builtIns }

    static func resolve(resources: [Resource], references: [Reference], diagnostics: inout [Diagnostic]) -> State {
        var state = State()
        for resource in resources {
            if let first = state[resource.id] {
                let place = first.origin.map { " (first declared at \($0))" } ?? ""
                diagnostics.append(.error("duplicate resource \(resource.id)\(place)", at: resource.origin))
                continue
            }
            state.insert(resource)
        }
        // APIM matches `{{name}}` to display names regardless of case, and refuses two that differ only by case.
        var namedValues: [String: (id: ResourceID, displayName: String)] = [:]
        for resource in state.resources(of: .namedValue) {
            guard let displayName = resource.properties["displayName"]?.stringValue else { continue }
            if let other = namedValues[displayName.lowercased()] {
                diagnostics.append(
                    .error(
                        other.displayName == displayName
                            ? "named value displayName '\(displayName)' is already used by \(other.id); display names must be unique"
                            : "named value displayName '\(displayName)' is already used by \(other.id) ('\(other.displayName)'); "
                                + "APIM matches display names regardless of case, so they must differ in more than case",
                        at: resource.origin))
            }
            namedValues[displayName.lowercased()] = (resource.id, displayName)
        }
        var dependencies: [ResourceID: Set<ResourceID>] = [:]
        for reference in references {
            let target: ResourceID
            switch reference.target {
            case .namedValue(let displayName):
                guard let id = namedValues[displayName.lowercased()]?.id else {
                    diagnostics.append(
                        .error(
                            "\(reference.role) refers to unknown named value '\(displayName)'"
                                + Suggestions.hint(for: displayName, in: namedValues.values.map(\.displayName).sorted()),
                            at: reference.location))
                    continue
                }
                target = id
            case .anyOf(let kind):
                guard let first = state.resources(of: kind).first else {
                    diagnostics.append(
                        .warning(
                            "\(reference.role): no \(kind.rawValue) is declared in the manifests; one must already exist "
                                + "in APIM", at: reference.location))
                    continue
                }
                target = first.id
            case .operation(let api, let operation):
                let apiID = ResourceID(.api, api)
                guard let declared = state[apiID] else {
                    let hint = Suggestions.hint(for: api, in: state.resources(of: .api).map(\.id.name))
                    diagnostics.append(
                        .error(
                            "\(reference.role) names an operation of unknown Api '\(api)'" + hint,
                            at: reference.location))
                    continue
                }
                // Operations come from the API's specification; without one they cannot be checked here.
                if let operations = declared.specification?.operations.map(\.name), !operations.contains(operation) {
                    diagnostics.append(
                        .error(
                            "\(reference.role) names operation '\(operation)', which Api '\(api)' does not have"
                                + Suggestions.hint(for: operation, in: operations), at: reference.location))
                    continue
                }
                target = apiID
            case .resource(let id):
                guard state[id] != nil || builtIns.contains(id) else {
                    let candidates =
                        state.resources(of: id.kind).map(\.id.name)
                        + builtIns.filter { $0.kind == id.kind }.map(\.name)
                    let hint = Suggestions.hint(for: id.name, in: candidates)
                    diagnostics.append(
                        reference.required
                            ? .error(
                                "\(reference.role) refers to unknown \(id.kind.rawValue) '\(id.name)'" + hint,
                                at: reference.location)
                            : .warning(
                                "\(reference.role) '\(id.name)' is not declared in the manifests: it must already "
                                    + "exist in APIM" + hint, at: reference.location))
                    continue
                }
                if reference.role == "pool member", state[id]?.properties["type"]?.stringValue == "Pool" {
                    diagnostics.append(
                        .error(
                            "pool member '\(id.name)' is itself a pool; pool members must be single backends",
                            at: reference.location))
                }
                target = id
            }
            if state[target] != nil {
                dependencies[reference.from, default: []].insert(target)
            }
        }
        for (id, targets) in dependencies {
            guard var resource = state[id] else { continue }
            resource.dependencies.formUnion(targets)
            state.insert(resource)
        }
        reportCycles(in: state, diagnostics: &diagnostics)
        return state
    }

    /// Reports each dependency cycle once, at the origin of its first resource in sorted order.
    static func reportCycles(in state: State, diagnostics: inout [Diagnostic]) {
        enum Mark { case visiting, done }
        var marks: [ResourceID: Mark] = [:]
        var stack: [ResourceID] = []
        var reported: Set<Set<ResourceID>> = []

        func visit(_ id: ResourceID) {
            marks[id] = .visiting
            stack.append(id)
            for next in (state[id]?.dependencies ?? []).sorted() where state[next] != nil {
                switch marks[next] {
                case nil: visit(next)
                case .visiting?:
                    guard let start = stack.lastIndex(of: next) else { continue }
                    let cycle = Array(stack[start...])
                    if reported.insert(Set(cycle)).inserted {
                        let path = (cycle + [next]).map(\.description).joined(separator: " → ")
                        diagnostics.append(.error("dependency cycle: \(path)", at: state[cycle[0]]?.origin))
                    }
                case .done?: continue
                }
            }
            stack.removeLast()
            marks[id] = .done
        }
        for resource in state.sorted where marks[resource.id] == nil { visit(resource.id) }
    }
}
