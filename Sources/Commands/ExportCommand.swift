import APIMSpec
import ArgumentParser
import Foundation
import ManagementClient
import Manifests
import Model
import Planner

/// `apimsync export`: writes a new repository of manifests from a live APIM service, to start managing an
/// existing instance.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write manifests, policies and API definitions for everything in a live APIM service.",
        discussion: """
            Reads the service (an environment of an existing apimsync.yaml with --env, or --subscription-id, \
            --resource-group and --service), exports each API's definition, and writes a repository that plans as \
            'No changes.' against it: apimsync.yaml, resources/, policies/ and specs/. Built-in entities (echo-api, \
            starter, unlimited, the built-in groups, the master subscription) are left out. Secrets are never read: \
            secret named values get 'valueFrom: {env: …}' and the notes say which variables to set. Nothing is \
            written unless every read succeeded and the result validates; the output folder must not exist or be \
            empty.
            """
    )

    @OptionGroup var repository: RepositoryOptions

    @Option(help: ArgumentHelp("Folder to write the repository to.", valueName: "dir"))
    var out: String

    @OptionGroup var target: ARMTargetOptions

    @Option(help: "Name of the environment in the exported apimsync.yaml (default: --env, else prod).")
    var environmentName: String?

    func validate() throws {
        if target.namesService, repository.env != nil {
            throw ValidationError("--env and --service name two targets; give one")
        }
    }

    func run() async throws {
        let outURL = URL(fileURLWithPath: out)
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: outURL.path), !existing.isEmpty {
            throw ValidationError("'\(out)' is not empty; export writes only to a new or empty folder")
        }
        let (environment, configPath) = try sourceEnvironment()
        let connection = try await TargetConnection.open(environment, configPath: configPath)
        do {
            try await export(from: connection, environment: environment, to: outURL)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }

    /// The environment to read: from --service and friends, else from apimsync.yaml's --env (or default).
    func sourceEnvironment() throws -> (EnvironmentConfig, String) {
        if let target = target.target() {
            let name = environmentName ?? "prod"
            return (EnvironmentConfig(name: name, target: .arm(target)), FileManager.default.currentDirectoryPath + "/")
        }
        let configPath = try repository.configPath()
        let loaded = ManifestLoader(configPath: configPath).loadConfiguration()
        DiagnosticPrinter.print(loaded.diagnostics)
        guard let config = loaded.config else { throw ExitCode.failure }
        guard let name = repository.env ?? config.defaultEnvironmentName else {
            throw ValidationError(
                "\(configPath) defines several environments (\(config.environments.keys.sorted().joined(separator: ", "))): "
                    + "choose one with --env")
        }
        guard let environment = config.environments[name] else {
            throw ValidationError("no environment '\(name)' in \(configPath)")
        }
        return (environment, configPath)
    }

    func export(from connection: TargetConnection, environment: EnvironmentConfig, to outURL: URL) async throws {
        DiagnosticPrinter.progress("Reading \(connection.description)…")
        let reader = LiveStateReader(client: connection.client)
        var errors: [String] = []
        // Only the kinds the environment's api-version has: ARM answers 404 for the others.
        let unavailable = KindCatalog.unavailableKinds(
            in: environment.apiVersion.map(APIVersion.init(rawValue:)) ?? .ga)
        var everything = LiveStateReader.Request(kinds: Set(KindCatalog.topLevelKinds), children: [:])
        everything.unavailable = unavailable
        let services = await reader.read(everything)
        errors += services.errors
        var live = services.state
        // Then everything under each entity that has children, at every depth, except under built-ins.
        let parents = live.sorted.map(\.id).filter {
            !$0.kind.descriptor.children.isEmpty && !KindCatalog.builtIns.contains($0)
        }
        var below = LiveStateReader.Request(
            kinds: [], children: Dictionary(uniqueKeysWithValues: parents.map { ($0, []) }), subtrees: Set(parents))
        below.unavailable = unavailable
        let children = await reader.read(below)
        errors += children.errors
        for resource in children.state.sorted { live.insert(resource) }
        guard errors.isEmpty else {
            for error in errors { DiagnosticPrinter.writeError("error: \(error)") }
            DiagnosticPrinter.writeError("error: the read was incomplete; nothing was written")
            throw ExitCode.failure
        }
        for resource in live.sorted where Self.isBuiltIn(resource) {
            live.remove(resource.id)
        }
        // Concurrently, within the client's pacing: two requests per API (the export and its link).
        let withOperations = Set(live.resources(of: .apiOperation).map { $0.id.names[0] })
        let exported = live.resources(of: .api).map(\.id.name).filter { withOperations.contains($0) }
        DiagnosticPrinter.progress("Exporting \(exported.count) API definitions…")
        let client = connection.client
        let definitions = try await withThrowingTaskGroup(of: (String, String).self) { group in
            for api in exported { group.addTask { (api, try await client.exportDefinition(api: api).text) } }
            var result: [String: String] = [:]
            for try await (api, text) in group { result[api] = text }
            return result
        }
        for operation in live.resources(of: .apiOperation) { live.remove(operation.id) }

        let name = environmentName ?? environment.name
        let result = ManifestExporter.export(
            live, definitions: definitions,
            environment: ManifestExporter.Environment(
                name: name, target: environment.target, apiVersion: environment.apiVersion))
        try write(result, to: outURL, environment: name)
        for note in result.notes { Console.line("note: \(note)") }
        Console.line(
            "Exported \(live.count) resources (\(definitions.count) API definitions) to \(out) as environment '\(name)'."
        )
    }

    /// Writes into a sibling folder, validates it there, then moves it into place: a failure leaves nothing.
    func write(_ result: ManifestExporter.Result, to outURL: URL, environment: String) throws {
        let fileManager = FileManager.default
        let staging = outURL.deletingLastPathComponent().appendingPathComponent(
            ".\(outURL.lastPathComponent).apimsync-export-\(UUID().uuidString)")
        defer { try? fileManager.removeItem(at: staging) }
        for file in result.files {
            let url = staging.appendingPathComponent(file.path)
            try fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.contents.utf8).write(to: url)
        }
        let check = ManifestLoader(configPath: staging.appendingPathComponent("apimsync.yaml").path)
            .load(environment: environment)
        if check.hasErrors {
            DiagnosticPrinter.print(check.diagnostics)
            DiagnosticPrinter.writeError("error: the exported repository does not validate; nothing was written")
            throw ExitCode.failure
        }
        if fileManager.fileExists(atPath: outURL.path) { try fileManager.removeItem(at: outURL) }
        try fileManager.moveItem(at: staging, to: outURL)
    }

    /// Entities every service has (and their children), and entities that refer to one (a subscription to a
    /// built-in product): not the repository's to manage.
    static func isBuiltIn(_ resource: Resource) -> Bool {
        let id = resource.id
        if KindCatalog.builtIns.contains(id) { return true }
        if let owner = id.owner, KindCatalog.builtIns.contains(owner) { return true }
        return id.kind.descriptor.references.contains { reference in
            resource.properties.strings(at: reference.path).contains { text in
                ResourceID(armID: text).map(KindCatalog.builtIns.contains) ?? false
            }
        }
    }
}
