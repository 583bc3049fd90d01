import Emulator
import Foundation
import ManagementClient
import Model
import TestSupport
import Testing

/// Secret hygiene: with known secret values in the environment and in files — named values from `env` and from
/// `file`, a Cache connection string, the bearer token (`APIMSYNC_TOKEN`) and a client secret — every command's
/// output (validate, render, plan in each format and its `--out` file, apply, apply of a saved plan, export's
/// files, the controller's logs, `/status` and `/metrics`) and every request the emulator received is searched for
/// each secret, raw, JSON-escaped, percent-encoded and base64-encoded. A secret may appear only in the body of
/// its own resource's PUT (and the token only in `Authorization`).
@Suite(.serialized, .timeLimit(.minutes(3))) struct SecretHygieneTests {
    static let token = SecretForms(name: "APIMSYNC_TOKEN", value: "tok-Hyg1eneBearer/Token+91ab==")
    static let clientSecret = SecretForms(name: "AZURE_CLIENT_SECRET", value: "cs-Az~Client.Secret_7Fq-03d2")
    static let namedValue = SecretForms(name: "nv-env", value: "nvenv-Q9x/7+Lk=&pass word-2c41")
    static let rotated = SecretForms(name: "nv-env (rotated)", value: "nvenv-R0tated?key=#frag;value-88d0")
    static let fileValue = SecretForms(name: "nv-file", value: "nvfile-Zr8%Tq:Yy!secret@e5b0")
    static let redis = SecretForms(
        name: "caches/westeurope", value: "hyg.redis.cache.windows.net:6380,password=Rd1s+K3y/Xw==,ssl=True")
    static let all = [token, clientSecret, namedValue, rotated, fileValue, redis]

    /// Where each secret may be sent: the body of a PUT to this path (lower-cased, below the service).
    static let destinations: [String: [SecretForms]] = [
        "namedvalues/nv-env": [namedValue, rotated], "namedvalues/nv-file": [fileValue], "caches/westeurope": [redis],
    ]

    static let manifests = """
        apiVersion: apimsync/v1
        kind: NamedValue
        metadata: { name: nv-env }
        spec:
          displayName: nv-env
          secret: true
          valueFrom: { env: HYGIENE_NAMED_VALUE }
        ---
        apiVersion: apimsync/v1
        kind: NamedValue
        metadata: { name: nv-file }
        spec:
          displayName: nv-file
          secret: true
          valueFrom: { file: secrets/nv-file.txt }
        ---
        apiVersion: apimsync/v1
        kind: NamedValue
        metadata: { name: plain }
        spec: { displayName: plain, value: not-a-secret }
        ---
        apiVersion: apimsync/v1
        kind: Cache
        metadata: { name: westeurope }
        spec:
          description: Redis for the semantic cache
          useFromLocation: westeurope
          connectionStringFrom: { env: HYGIENE_REDIS }
        ---
        apiVersion: apimsync/v1
        kind: Backend
        metadata: { name: echo }
        spec: { url: https://echo.example.com, protocol: http }

        """

    /// Writes `files` (paths relative to `root`).
    static func write(_ files: [String: String], to root: URL) throws {
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    /// Every leak of any secret in `text`, named by where it was found.
    static func leaks(in text: String, at place: String, except allowed: [SecretForms] = []) -> [String] {
        all.filter { secret in !allowed.contains { $0.value == secret.value } }.compactMap { secret in
            secret.found(in: text).map { "\(secret.name) in \(place) (as '\($0)')" }
        }
    }

    @Test func noSecretLeavesItsOwnPUT() async throws {
        try #require(TestPaths.binaryIsBuilt, "build the executable first (swift build)")
        var options = EmulatorOptions()
        options.token = Self.token.value
        options.recordRequests = true
        let emulator = try await EmulatorServer.start(options)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("apimsync-hygiene-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let config = root.appendingPathComponent("apimsync.yaml").path
        let files = [
            "apimsync.yaml": """
            apiVersion: apimsync/v1
            kind: Config
            spec:
              resources: [resources]
              environments:
                ci:
                  target:
            \(EmulatorHarness.endpointTarget(for: emulator, indent: 8))

            """,
            "resources/all.yaml": Self.manifests, "secrets/nv-file.txt": Self.fileValue.value + "\n",
        ]
        try Self.write(files, to: root)
        var environment = [
            "APIMSYNC_TOKEN": Self.token.value, "AZURE_CLIENT_SECRET": Self.clientSecret.value,
            "AZURE_CLIENT_ID": "00000000-0000-0000-0000-00000000c11e", "HYGIENE_NAMED_VALUE": Self.namedValue.value,
            "HYGIENE_REDIS": Self.redis.value,
        ]
        var leaks: [String] = []
        func run(_ arguments: [String], expect status: Int32 = 0) async throws {
            let result = try await ChildProcess.apimsync(arguments, environment: environment, directory: root)
            #expect(result.status == status, "apimsync \(arguments.joined(separator: " ")):\n\(result.output)")
            leaks += Self.leaks(in: result.output, at: "apimsync \(arguments.joined(separator: " "))")
        }
        func scanFile(_ path: String) throws {
            leaks += Self.leaks(in: try String(contentsOfFile: path, encoding: .utf8), at: path)
        }

        try await run(["validate", "--config", config])
        try await run(["render", "--config", config])
        for format in ["text", "markdown", "json"] { try await run(["plan", "--config", config, "-o", format]) }
        let saved = root.appendingPathComponent("plan.json").path
        try await run(["plan", "--config", config, "--out", saved])
        try scanFile(saved)
        try await run(["apply", "--config", config, saved])
        // The secret rotates; --check-secrets compares digests (listValue) and apply sends the new value.
        environment["HYGIENE_NAMED_VALUE"] = Self.rotated.value
        for format in ["text", "markdown", "json"] {
            try await run(["plan", "--config", config, "--check-secrets", "-o", format])
        }
        try await run(["apply", "--config", config, "--check-secrets", "--auto-approve", "--log-format", "json"])
        try await run(["apply", "--config", config, "--check-secrets", "--auto-approve"])
        let exported = root.appendingPathComponent("exported").path
        try await run(["export", "--config", config, "--out", exported])
        for file in FileManager.default.enumerator(atPath: exported)?.allObjects as? [String] ?? [] {
            var isDirectory: ObjCBool = false
            let path = exported + "/" + file
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                try scanFile(path)
            }
        }

        for format in ["json", "text"] {
            let controller = try ChildProcess.start(
                TestPaths.binary,
                [
                    "controller", "--config", config, "--interval", "1h", "--listen", "127.0.0.1:0",
                    "--log-format", format,
                ], environment: environment, directory: root)
            var port: Int?
            try await Eventually.waitUntil {
                port = controller.outputSoFar().firstMatch(of: /listening on 127\.0\.0\.1:(\d+)/).flatMap { Int($0.1) }
                return port != nil && controller.outputSoFar().contains("cycle finished")
            }
            for endpoint in ["status", "metrics"] {
                let response = try await TestTools.get("http://127.0.0.1:\(try #require(port))/\(endpoint)")
                #expect(response.status == 200)
                leaks += Self.leaks(in: String(decoding: response.body, as: UTF8.self), at: "/\(endpoint)")
            }
            controller.process.terminate()
            let output = await controller.finished().output
            #expect(output.contains("cycle finished"))
            leaks += Self.leaks(in: output, at: "the controller's \(format) log")
        }

        let requests = await emulator.requests()
        try await emulator.shutdown()
        #expect(requests.count > 20)
        var delivered: Set<String> = []
        for exchange in requests {
            let place = "\(exchange.method) \(exchange.path)"
            leaks += Self.leaks(in: exchange.path + "?" + exchange.query, at: "the URL of \(place)")
            for (name, value) in exchange.headers where name != "authorization" {
                leaks += Self.leaks(in: value, at: "header \(name) of \(place)")
            }
            if let authorization = exchange.headers["authorization"] {
                #expect(authorization == "Bearer \(Self.token.value)")
            }
            let below = exchange.path.lowercased().components(separatedBy: "/service/").last ?? ""
            let target = below.split(separator: "/").dropFirst().joined(separator: "/")
            let allowed = exchange.method == "PUT" ? Self.destinations[target] ?? [] : []
            leaks += Self.leaks(in: exchange.body, at: "the body of \(place)", except: allowed)
            for secret in allowed where secret.found(in: exchange.body) != nil { delivered.insert(secret.name) }
        }
        #expect(leaks.isEmpty, "\(leaks.joined(separator: "\n"))")
        // The scan saw the secrets where they belong: it would have seen them anywhere else.
        #expect(delivered == ["nv-env", "nv-env (rotated)", "nv-file", "caches/westeurope"])
    }

    /// A service principal: the client secret goes only into the token request's body, the issued token only into
    /// `Authorization`; a wrong secret is refused without either appearing in the error.
    @Test func aClientSecretStaysInItsTokenRequest() async throws {
        try #require(TestPaths.binaryIsBuilt, "build the executable first (swift build)")
        let clientID = "00000000-0000-0000-0000-00000000c11e"
        let wrong = SecretForms(name: "a wrong client secret", value: "cs-Wr0ng/Secret+Value==&x-55aa")
        var options = EmulatorOptions()
        options.oauthClients = [clientID: Self.clientSecret.value]
        options.recordRequests = true
        let emulator = try await EmulatorServer.start(options)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("apimsync-hygiene-sp-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        try Self.write(
            [
                "apimsync.yaml": """
                apiVersion: apimsync/v1
                kind: Config
                spec:
                  resources: [resources]
                  environments:
                    sp:
                      target:
                        subscriptionId: \(options.subscriptionId)
                        resourceGroup: \(options.resourceGroup)
                        service: \(options.serviceName)
                        cloud: { resourceManager: "\(emulator.baseURL)", authority: "\(emulator.baseURL)" }
                        auth: clientSecret

                """,
                "resources/all.yaml": Self.manifests, "secrets/nv-file.txt": Self.fileValue.value + "\n",
            ], to: root)
        let config = root.appendingPathComponent("apimsync.yaml").path
        var environment = [
            "AZURE_TENANT_ID": "11111111-2222-3333-4444-555555555555", "AZURE_CLIENT_ID": clientID,
            "AZURE_CLIENT_SECRET": Self.clientSecret.value, "HYGIENE_NAMED_VALUE": Self.namedValue.value,
            "HYGIENE_REDIS": Self.redis.value,
        ]
        var outputs: [(String, String)] = []
        for arguments in [["plan", "-o", "json"], ["apply", "--auto-approve"], ["plan", "--check-secrets"]] {
            let result = try await ChildProcess.apimsync(
                arguments + ["--config", config], environment: environment, directory: root)
            #expect(result.status == 0, "\(arguments): \(result.output)")
            outputs.append((arguments.joined(separator: " "), result.output))
        }
        environment["AZURE_CLIENT_SECRET"] = wrong.value
        let refused = try await ChildProcess.apimsync(
            ["plan", "--config", config], environment: environment, directory: root)
        #expect(refused.status == 1)
        #expect(refused.output.contains("invalid_client"), "\(refused.output)")
        outputs.append(("plan with a wrong client secret", refused.output))

        let requests = await emulator.requests()
        try await emulator.shutdown()
        let issued = requests.compactMap { exchange -> SecretForms? in
            guard exchange.path.hasSuffix("/oauth2/v2.0/token"),
                let token = try? JSONValue.parse(Array(exchange.responseBody.utf8))["access_token"]?.stringValue
            else { return nil }
            return SecretForms(name: "the issued access token", value: token)
        }
        #expect(!issued.isEmpty, "a token was requested")
        #expect(
            requests.contains {
                $0.path.hasSuffix("/oauth2/v2.0/token") && Self.clientSecret.found(in: $0.body) != nil
            }, "the scan would see the client secret: it is in the token request")
        let secrets = [Self.clientSecret, wrong] + issued
        var leaks: [String] = []
        func scan(_ text: String, at place: String) {
            for secret in secrets {
                if let form = secret.found(in: text) { leaks.append("\(secret.name) in \(place) (\(form))") }
            }
        }
        for (command, output) in outputs { scan(output, at: "apimsync \(command)") }
        for exchange in requests {
            let place = "\(exchange.method) \(exchange.path)"
            scan(exchange.path + "?" + exchange.query, at: "the URL of \(place)")
            for (name, value) in exchange.headers where name != "authorization" {
                scan(value, at: "\(name) of \(place)")
            }
            if !exchange.path.hasSuffix("/oauth2/v2.0/token") { scan(exchange.body, at: "the body of \(place)") }
        }
        #expect(leaks.isEmpty, "\(leaks.joined(separator: "\n"))")
    }
}
