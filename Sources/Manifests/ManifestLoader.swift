import APIMSpec
import Foundation
import Model
import YAML

/// The outcome of loading a repository: the desired state and every problem found, sorted for display.
public struct LoadResult: Sendable {
    public var config: RepositoryConfig?
    /// The environment whose variables were used.
    public var environment: String?
    public var state: State
    public var diagnostics: [Diagnostic]
    /// The files each resource was built from: its manifest and the policy and specification files it reads
    /// (paths as diagnostics show them), for plans narrowed to what a change touched.
    public var sources: [ResourceID: Set<String>] = [:]

    public init(
        config: RepositoryConfig?, environment: String?, state: State, diagnostics: [Diagnostic],
        sources: [ResourceID: Set<String>] = [:]
    ) {
        self.config = config
        self.environment = environment
        self.state = state
        self.diagnostics = diagnostics
        self.sources = sources
    }

    /// Whether loading found errors (then `state` must not be applied).
    public var hasErrors: Bool { diagnostics.hasErrors }
}

/// Turns a GitOps repository (`apimsync.yaml` and the manifests it names) into the desired state.
///
/// Every problem is collected and reported at once with its `file:line:col`; nothing stops at the first error.
public struct ManifestLoader: Sendable {
    /// The configuration file path as the user gave it (or as it was found).
    public var configPath: String

    public init(configPath: String) {
        self.configPath = configPath
    }

    /// `explicit` if given, else `./apimsync.yaml`, else `./manifests/apimsync.yaml`.
    public static func locateConfig(explicit: String?) -> String? {
        if let explicit { return explicit }
        for candidate in ["apimsync.yaml", "manifests/apimsync.yaml"]
        where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        return nil
    }

    /// Loads the repository for one environment (`nil`: `local`, or no variables when there is no such environment).
    public func load(environment: String? = nil) -> LoadResult {
        var diagnostics: [Diagnostic] = []
        guard let config = loadConfig(&diagnostics) else {
            return LoadResult(
                config: nil, environment: environment, state: State(), diagnostics: diagnostics.sortedForDisplay())
        }
        var folders = config
        let known = config.environments.keys.sorted()
        let name = environment ?? config.defaultEnvironmentName ?? RepositoryConfig.defaultEnvironment
        var variables: [String: String] = [:]
        var overlays: [String] = []
        var version = APIVersion.ga
        if let selected = config.environments[name] {
            variables = selected.variables
            overlays = selected.overlays
            folders.resources += selected.resources
            version = selected.apiVersion.map(APIVersion.init(rawValue:)) ?? .ga
        } else if environment == nil, !config.environments.isEmpty {
            diagnostics.append(
                .error(
                    "no environment was named and \(configPath) defines several, none called '"
                        + RepositoryConfig.defaultEnvironment + "' (" + known.joined(separator: ", ")
                        + "): choose one with --env", at: config.origin))
        } else if environment != nil {
            diagnostics.append(
                .error(
                    "environment '\(name)' is not defined in \(configPath)" + Suggestions.hint(for: name, in: known),
                    at: config.origin))
        }
        let substitution = VariableSubstitution(variables: variables, environment: name)
        var sources: [ResourceID: Set<String>] = [:]
        var state = loadResources(
            config: folders, overlays: overlays, substitution: substitution, checks: SpecChecks(version: version),
            diagnostics: &diagnostics, sources: &sources)
        if diagnostics.hasErrors { state = State() }
        var result = LoadResult(
            config: config, environment: name, state: state, diagnostics: diagnostics.sortedForDisplay())
        result.sources = sources
        return result
    }

    /// Loads the repository once per environment and merges the problems, so that a variable missing in any
    /// environment is caught by one `validate`.
    public func validateAllEnvironments() -> LoadResult {
        var diagnostics: [Diagnostic] = []
        guard let config = loadConfig(&diagnostics),
            let firstName = config.defaultEnvironmentName
                ?? config.environments.keys.sorted().first
        else { return load() }
        var first = load(environment: firstName)
        var seen = Set(first.diagnostics)
        for name in config.environments.keys.sorted() where name != first.environment {
            for diagnostic in load(environment: name).diagnostics where seen.insert(diagnostic).inserted {
                first.diagnostics.append(diagnostic)
            }
        }
        first.diagnostics = first.diagnostics.sortedForDisplay()
        return first
    }

    /// Only the repository configuration (`apimsync.yaml`), for commands that need a target but no manifests.
    public func loadConfiguration() -> (config: RepositoryConfig?, diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let config = loadConfig(&diagnostics)
        return (diagnostics.hasErrors ? nil : config, diagnostics.sortedForDisplay())
    }

    var files: ManifestFiles {
        let base = (configPath as NSString).deletingLastPathComponent
        return ManifestFiles(base: base)
    }

    func loadConfig(_ diagnostics: inout [Diagnostic]) -> RepositoryConfig? {
        let whole = SourceLocation(file: configPath, line: 1, column: 1)
        let text: String
        switch files.contents(of: configPath, limit: InputLimits.maximumManifestBytes, contained: false)
            .flatMap({ data in ManifestFiles.text(of: data).mapError { ManifestFiles.FileProblem(reason: $0.message) } }
            )
        {
        case .success(let read): text = read
        case .failure(let problem):
            diagnostics.append(
                .error(
                    "cannot read the configuration '\(configPath)': it \(problem.reason) (give another with --config)",
                    at: nil))
            return nil
        }
        let documents: [YAMLDocument]
        do {
            documents = try YAMLParser.parse(text, file: configPath, limits: InputLimits.yaml)
        } catch {
            diagnostics.append(.error(error.message, at: error.mark.location))
            return nil
        }
        guard let root = documents.first?.root, documents.count == 1 else {
            diagnostics.append(.error("the configuration must hold exactly one document of 'kind: Config'", at: whole))
            return nil
        }
        var decoder = SchemaDecoder(substitution: VariableSubstitution(variables: [:], environment: ""))
        guard let envelope = decodeEnvelope(root, expectedKind: "Config", decoder: &decoder) else {
            diagnostics += decoder.diagnostics
            return nil
        }
        let spec =
            envelope.spec.flatMap { decoder.decodeObject($0, schema: ConfigSchema.spec, path: "spec") }
            ?? .object(JSONObject())
        let config = ConfigSchema.config(from: spec, decoder: &decoder, origin: envelope.kindLocation)
        diagnostics += decoder.diagnostics
        return config
    }

    /// The parts of a manifest envelope, checked.
    struct Envelope {
        var kind: String
        var kindLocation: SourceLocation
        var name: String?
        var nameLocation: SourceLocation
        var reconcile: Resource.ReconcileMode
        var spec: YAMLNode?
    }

    func decodeEnvelope(_ root: YAMLNode, expectedKind: String?, decoder: inout SchemaDecoder) -> Envelope? {
        guard let pairs = root.mapping else {
            decoder.error("a manifest must be a mapping with apiVersion, kind, metadata and spec", at: root)
            return nil
        }
        let fields = ["apiVersion", "kind", "metadata", "spec"]
        for pair in pairs {
            let key = pair.key.scalar?.text ?? ""
            if !fields.contains(key) {
                decoder.error(
                    "unknown field '\(key)' in the manifest" + Suggestions.hint(for: key, in: fields), at: pair.key)
            }
        }
        guard let kindNode = root["kind"], let kind = kindNode.scalar?.text else {
            decoder.error("missing required field 'kind'", at: root)
            return nil
        }
        if let apiVersion = root["apiVersion"] {
            if apiVersion.scalar?.text != "apimsync/v1" {
                decoder.error(
                    "unsupported apiVersion '\(apiVersion.scalar?.text ?? "")'; expected 'apimsync/v1'", at: apiVersion)
            }
        } else {
            decoder.error("missing required field 'apiVersion' (apimsync/v1)", at: root)
        }
        var envelope = Envelope(
            kind: kind, kindLocation: kindNode.mark.location, name: nil, nameLocation: root.mark.location,
            reconcile: .manage, spec: root["spec"])
        if let expectedKind, kind != expectedKind {
            decoder.error("expected 'kind: \(expectedKind)', found '\(kind)'", at: kindNode)
            return nil
        }
        if let metadata = root["metadata"] {
            _ = decoder.decodeObject(
                metadata,
                schema: ObjectSchema([
                    FieldSchema("name", .string), FieldSchema("annotations", .map(.string)),
                    FieldSchema("labels", .map(.string)),
                ]), path: "metadata")
            if let nameNode = metadata["name"] {
                envelope.name = nameNode.scalar?.text
                envelope.nameLocation = nameNode.mark.location
            }
            if let annotation = metadata["annotations"]?["apimsync/reconcile"] {
                if let mode = annotation.scalar.flatMap({ Resource.ReconcileMode(rawValue: $0.text) }) {
                    envelope.reconcile = mode
                } else {
                    let modes = Resource.ReconcileMode.allCases.map(\.rawValue)
                    decoder.error(
                        "'apimsync/reconcile' must be one of 'manage', 'skip', 'orphan', found '\(annotation.scalar?.text ?? "")'"
                            + Suggestions.hint(for: annotation.scalar?.text ?? "", in: modes), at: annotation)
                }
            }
        } else if expectedKind == nil {
            decoder.error("missing required field 'metadata' (with 'name')", at: root)
        }
        if envelope.spec == nil, expectedKind == nil {
            decoder.error("missing required field 'spec'", at: root)
        }
        return envelope
    }

    func loadResources(
        config: RepositoryConfig, overlays: [String] = [], substitution: VariableSubstitution, checks: SpecChecks,
        diagnostics: inout [Diagnostic], sources: inout [ResourceID: Set<String>]
    ) -> State {
        let files = self.files
        let (paths, missing, refused) = files.manifestFiles(in: config.resources)
        for entry in missing {
            diagnostics.append(.error("resources folder '\(entry)' does not exist", at: config.origin))
        }
        for (entry, reason) in refused {
            diagnostics.append(.error("resources folder '\(entry)' \(reason)", at: config.origin))
        }
        let manifestErrors = diagnostics.count
        var roots = documents(in: paths, diagnostics: &diagnostics)
        // A file that cannot be parsed hides what it declares: overlays and references to it would only be
        // reported as follow-on errors, so they are not checked until it parses.
        let unparsable = diagnostics.count > manifestErrors
        if !overlays.isEmpty {
            let (overlayPaths, missingOverlays, refusedOverlays) = files.manifestFiles(in: overlays)
            for entry in missingOverlays {
                diagnostics.append(
                    .error(
                        "overlay '\(entry)' of environment '\(substitution.environment)' does not exist",
                        at: config.origin))
            }
            for (entry, reason) in refusedOverlays {
                diagnostics.append(
                    .error(
                        "overlay '\(entry)' of environment '\(substitution.environment)' \(reason)", at: config.origin))
            }
            // An overlay changes manifests; a file that is both would be merged into itself.
            let manifestPaths = Set(paths.compactMap(ManifestFiles.realPath))
            let overlayOnly = overlayPaths.filter { path in
                guard let resolved = ManifestFiles.realPath(path), manifestPaths.contains(resolved) else { return true }
                diagnostics.append(
                    .error(
                        "'\(path)' is both a manifest (under 'resources') and an overlay of environment '"
                            + "\(substitution.environment)'; an overlay must be a file of its own",
                        at: SourceLocation(file: path, line: 1, column: 1)))
                return false
            }
            roots = ManifestOverlay.apply(
                documents(in: overlayOnly, diagnostics: &diagnostics), to: roots,
                environment: substitution.environment, reportUnmatched: !unparsable, diagnostics: &diagnostics)
        }
        var context = LoweringContext(files: files, substitution: substitution, policyRules: config.policyRules)
        // Manifests that failed to decode: references to them are not reported again as unknown.
        var failed: Set<ResourceID> = []
        for root in roots {
            var decoder = SchemaDecoder(substitution: substitution)
            let decoded = decodeManifest(root, decoder: &decoder)
            if let manifest = decoded.manifest, let kind = ManifestKinds.named(manifest.kind) {
                if decoded.complete {
                    let before = context.resources.count
                    kind.lower(manifest, into: &context)
                    for resource in context.resources.dropFirst(before) {
                        // A generated resource is checked as its generated manifest, located at the macro's fields.
                        if let generated = context.generatedFrom[resource.id],
                            let generatedKind = ManifestKinds.named(generated.kind)
                        {
                            diagnostics += checks.problems(
                                of: resource, from: generated, kind: generatedKind, generated: true)
                        } else {
                            diagnostics += checks.problems(of: resource, from: manifest, kind: kind)
                        }
                    }
                } else {
                    // Lowered anyway, so that every problem is reported at once (a bad pool member beside an
                    // unknown field); what lowering says about this manifest's own file would repeat the decoding
                    // errors, so only its references and the problems of the files it reads are kept.
                    var scratch = context
                    kind.lower(manifest, into: &scratch)
                    context.adopt(referencesAndForeignProblemsOf: scratch, manifestFile: manifest.origin.file)
                    // The values that did decode are still checked against the spec; a required field may be
                    // missing only because its value was in error.
                    for resource in scratch.resources.dropFirst(context.resources.count)
                    where kind.manifestPath(forProperty: "", of: resource.id, in: manifest) != nil {
                        diagnostics += checks.problems(of: resource, from: manifest, kind: kind, reportMissing: false)
                    }
                    // What it would have declared is unknown: references to that are not reported either.
                    failed.formUnion(scratch.resources.dropFirst(context.resources.count).map(\.id))
                }
            }
            if !decoded.complete, let kind = root["kind"]?.scalar.flatMap({ ResourceKind(rawValue: $0.text) }),
                kind.nameCount == 1, let name = root["metadata"]?["name"]?.scalar?.text
            {
                failed.insert(ResourceID(kind, name))
            }
            diagnostics += decoder.diagnostics
        }
        diagnostics += context.diagnostics
        sources = context.sources
        return ReferenceResolver.resolve(
            resources: context.resources,
            references: unparsable
                ? []
                : context.references.filter { reference in
                    if case .resource(let target) = reference.target { return !failed.contains(target) }
                    return true
                }, diagnostics: &diagnostics)
    }

    /// The root nodes of every document in `paths`, in order; files that cannot be read or parsed are reported.
    func documents(in paths: [String], diagnostics: inout [Diagnostic]) -> [YAMLNode] {
        var roots: [YAMLNode] = []
        let files = self.files
        for path in paths {
            let data: Data
            switch files.contents(of: path, limit: InputLimits.maximumManifestBytes) {
            case .success(let bytes): data = bytes
            case .failure(let problem):
                diagnostics.append(
                    .error("'\(path)' \(problem.reason)", at: SourceLocation(file: path, line: 1, column: 1)))
                continue
            }
            let text: String
            switch ManifestFiles.text(of: data) {
            case .success(let read): text = read
            case .failure(let invalid):
                diagnostics.append(
                    .error(
                        "'\(path)' is not UTF-8 text: \(invalid.reason)",
                        at: SourceLocation(file: path, line: invalid.line, column: invalid.column)))
                continue
            }
            do {
                roots += try YAMLParser.parse(text, file: path, limits: InputLimits.yaml).compactMap(\.root)
            } catch {
                diagnostics.append(.error(error.message, at: error.mark.location))
            }
        }
        return roots
    }

    /// The decoded manifest, and whether it decoded without errors; a manifest whose `spec` decoded with errors is
    /// still returned (without the values in error) so that lowering can check what it refers to.
    func decodeManifest(
        _ root: YAMLNode, decoder: inout SchemaDecoder
    ) -> (manifest: DecodedManifest?, complete: Bool) {
        let before = decoder.diagnostics.count
        let manifest = decodeManifestParts(root, decoder: &decoder)
        let complete = !decoder.diagnostics[before...].contains { $0.severity == .error }
        return (manifest, complete && manifest != nil)
    }

    private func decodeManifestParts(_ root: YAMLNode, decoder: inout SchemaDecoder) -> DecodedManifest? {
        guard let envelope = decodeEnvelope(root, expectedKind: nil, decoder: &decoder) else { return nil }
        guard let kind = ManifestKinds.named(envelope.kind) else {
            let known = ManifestKinds.all.map { $0.kindName }
            decoder.error(
                "unknown kind '\(envelope.kind)'" + Suggestions.hint(for: envelope.kind, in: known)
                    + (Suggestions.closest(to: envelope.kind, in: known) == nil
                        ? " (known kinds: \(known.joined(separator: ", ")))" : ""),
                at: envelope.kindLocation)
            return nil
        }
        guard let name = envelope.name else {
            decoder.error("missing required field 'name' in 'metadata'", at: root["metadata"] ?? root)
            return nil
        }
        if let problem = NameRules.invisibleCharacter(in: name) ?? kind.validateName(name) {
            decoder.error("invalid name: \(problem)", at: envelope.nameLocation)
            return nil
        }
        guard let specNode = envelope.spec,
            let spec = decoder.decodeObject(specNode, schema: kind.schema, path: "spec")
        else { return nil }
        return DecodedManifest(
            kind: envelope.kind, name: name, origin: envelope.kindLocation, nameLocation: envelope.nameLocation,
            reconcile: envelope.reconcile, spec: spec, locations: decoder.locations)
    }
}
