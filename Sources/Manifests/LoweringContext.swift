import Foundation
import Model

/// What lowering a manifest produces and needs: the resources and references found so far, diagnostics, and
/// access to the policy and specification files the manifests name.
struct LoweringContext {
    var files: ManifestFiles
    var substitution: VariableSubstitution
    var policyRules: PolicyRules
    private(set) var resources: [Resource] = []
    private(set) var references: [Reference] = []
    private(set) var diagnostics: [Diagnostic] = []
    /// The files each resource was built from (manifest, policy and specification files), as displayed.
    private(set) var sources: [ResourceID: Set<String>] = [:]
    /// The manifest a macro generated each of its resources from (whose locations point into the macro's fields).
    var generatedFrom: [ResourceID: DecodedManifest] = [:]

    init(files: ManifestFiles, substitution: VariableSubstitution, policyRules: PolicyRules = PolicyRules()) {
        self.files = files
        self.substitution = substitution
        self.policyRules = policyRules
    }

    mutating func add(_ resource: Resource) {
        resources.append(resource)
        if let file = resource.origin?.file { recordSource(file, for: resource.id) }
    }

    /// Notes that `id` was built (also) from the file at `path`.
    mutating func recordSource(_ path: String, for id: ResourceID) {
        sources[id, default: []].insert(path)
    }

    mutating func reference(
        from: ResourceID, to target: Reference.Target, role: String, at location: SourceLocation,
        required: Bool = true
    ) {
        references.append(Reference(from: from, target: target, role: role, location: location, required: required))
    }

    /// Takes the references `other` recorded since it was copied from this context, and its problems located in
    /// files other than `manifestFile` (the policy and specification files a manifest reads).
    mutating func adopt(referencesAndForeignProblemsOf other: LoweringContext, manifestFile: String) {
        references += other.references.dropFirst(references.count)
        diagnostics += other.diagnostics.dropFirst(diagnostics.count).filter { $0.location?.file != manifestFile }
    }

    mutating func error(_ message: String, at location: SourceLocation?) {
        diagnostics.append(.error(message, at: location))
    }

    mutating func warning(_ message: String, at location: SourceLocation?) {
        diagnostics.append(.warning(message, at: location))
    }

    /// A new resource for `manifest` with its origin, reconcile mode and generator filled in.
    func resource(_ id: ResourceID, _ properties: JSONValue, for manifest: DecodedManifest) -> Resource {
        Resource(
            id: id, properties: properties, origin: manifest.origin, reconcile: manifest.reconcile,
            generatedBy: manifest.generatedBy)
    }

    /// The policy document given by `policy:` or `policyFile:` under `path`, with variables substituted, checked to
    /// be a document whose root is `root`, and its references recorded for `owner`. `nil` when none is given or the
    /// document is unusable (the problem is reported).
    mutating func policy(
        in object: JSONValue?, path: String, of manifest: DecodedManifest, owner: ResourceID,
        root: String = "policies"
    ) -> String? {
        let text: String
        let file: String
        let baseLocation: SourceLocation
        if let inline = object?["policy"]?.stringValue {
            // Inline text was substituted while decoding; positions inside map to the manifest line.
            text = inline
            file = manifest.location(path + ".policy").file
            baseLocation = manifest.location(path + ".policy")
        } else if let relative = object?["policyFile"]?.stringValue {
            let location = manifest.location(path + ".policyFile")
            guard
                let raw = files.read(
                    relative, what: "policy file", limit: InputLimits.maximumPolicyBytes, at: location,
                    diagnostics: &diagnostics)
            else {
                return nil
            }
            file = files.displayPath(relative)
            recordSource(file, for: owner)
            baseLocation = SourceLocation(file: file, line: 1, column: 1)
            let (substituted, unknown) = substitution.apply(to: raw)
            for variable in unknown {
                error(
                    substitution.message(for: variable.name),
                    at: Self.location(in: raw, offset: variable.offset, file: file))
            }
            guard let substituted else {
                error(substitution.tooLongMessage(), at: baseLocation)
                return nil
            }
            text = substituted
        } else {
            return nil
        }
        let inFile = object?["policy"] == nil
        func place(_ line: Int, _ column: Int) -> SourceLocation {
            inFile ? SourceLocation(file: file, line: line, column: column) : baseLocation
        }
        let scan = PolicyScanner.scan(text)
        guard let first = scan.root else {
            error("'\(file)' is not a policy document: it has no root element <\(root)>", at: baseLocation)
            return nil
        }
        if first.name != root {
            error(
                "'\(file)' is not a policy document: the root element is <\(first.name)>, expected <\(root)>",
                at: place(first.line, first.column))
            return nil
        }
        for problem in scan.problems {
            error("policy is not well formed: \(problem.message)", at: place(problem.line, problem.column))
        }
        if root == "policies" {
            let sections = ["inbound", "backend", "outbound", "on-error"]
            for element in scan.elements where element.ancestors == ["policies"] && !sections.contains(element.name) {
                error(
                    "<\(element.name)> cannot appear directly in <policies>; sections are <inbound>, <backend>, "
                        + "<outbound> and <on-error>" + Suggestions.hint(for: element.name, in: sections),
                    at: place(element.line, element.column))
            }
        }
        checkRules(scan, owner: owner, root: root, place: place)
        for element in scan.elements {
            if let problem = PolicyElements.problem(element) {
                warning(problem, at: place(element.line, element.column))
            }
        }
        for problem in AIPolicyChecks.problems(in: scan, root: root) {
            let location = place(problem.element.line, problem.element.column)
            if problem.severity == .error {
                error(problem.message, at: location)
            } else {
                warning(problem.message, at: location)
            }
        }
        // A semantic cache keeps its entries in an external cache (learn: llm-semantic-cache-lookup-policy).
        if let lookup = scan.elements.first(where: { AIPolicyChecks.lookups.contains($0.name) }) {
            self.reference(
                from: owner, to: .anyOf(.cache), role: "<\(lookup.name)> (it needs an external cache)",
                at: place(lookup.line, lookup.column), required: false)
        }
        for reference in scan.namedValueReferences where !reference.name.hasPrefix("Logger-Credentials--") {
            self.reference(
                from: owner, to: .namedValue(displayName: reference.name), role: "{{\(reference.name)}}",
                at: place(reference.line, reference.column))
        }
        for element in scan.elements {
            for attribute in element.attributes {
                let isBackend = attribute.name == "backend-id" || attribute.name.hasSuffix("-backend-id")
                let isFragment = element.name == "include-fragment" && attribute.name == "fragment-id"
                guard isBackend || isFragment, !attribute.isExpression, !attribute.value.contains("{{"),
                    !attribute.value.isEmpty
                else { continue }
                let target =
                    isFragment
                    ? ResourceID(.policyFragment, attribute.value) : ResourceID(.backend, attribute.value)
                self.reference(
                    from: owner, to: .resource(target), role: "\(attribute.name) in <\(element.name)>",
                    at: place(attribute.line, attribute.column))
            }
        }
        return text
    }

    /// The repository's `policyRules`: `<base />` in every section below the global scope, no forbidden element.
    mutating func checkRules(
        _ scan: PolicyScan, owner: ResourceID, root: String, place: (Int, Int) -> SourceLocation
    ) {
        func report(_ message: String, at location: SourceLocation) {
            let text = "policy rule: " + message
            if policyRules.severity == .error { error(text, at: location) } else { warning(text, at: location) }
        }
        if root == "policies", owner.kind != .servicePolicy {
            for section in scan.elements
            where section.ancestors == ["policies"] && policyRules.requireBaseIn.contains(section.name) {
                let hasBase = scan.elements.contains {
                    $0.name == "base" && $0.ancestors == ["policies", section.name]
                }
                if !hasBase {
                    report(
                        "<\(section.name)> of \(owner) has no <base />, so the policies of the scopes above it do not "
                            + "run (requireBase)", at: place(section.line, section.column))
                }
            }
        }
        for element in scan.elements where policyRules.forbiddenElements.contains(element.name) {
            report(
                "<\(element.name)> is forbidden in this repository (forbiddenElements)",
                at: place(element.line, element.column))
        }
    }

    /// The 1-based line and column of a scalar offset in `text`.
    static func location(in text: String, offset: Int, file: String) -> SourceLocation {
        var line = 1
        var column = 1
        for (index, scalar) in text.unicodeScalars.enumerated() {
            if index == offset { break }
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return SourceLocation(file: file, line: line, column: column)
    }
}
