import APIMSpec
import Model

/// The schema of `apimsync.yaml` (`kind: Config`).
enum ConfigSchema {
    static let target = FieldType.object(
        ObjectSchema([
            FieldSchema("emulator", .string),
            FieldSchema("endpoint", .string(.url)),
            FieldSchema("subscriptionId", .string),
            FieldSchema("resourceGroup", .string),
            FieldSchema("service", .string),
            // The api-versions whose spec apimsync carries (spec/apim/).
            FieldSchema("apiVersion", .string(.oneOf(APIVersion.all.map(\.rawValue)))),
            FieldSchema(
                "auth",
                .string(
                    .oneOf(["default", "clientSecret", "workloadIdentity", "managedIdentity", "azureCli", "token"]))),
            FieldSchema(
                "cloud",
                .scalarOr(
                    .string(.oneOf(["AzureCloud", "AzureUSGovernment", "AzureChinaCloud"])),
                    .object(
                        ObjectSchema([
                            FieldSchema("resourceManager", .string(.url), required: true),
                            FieldSchema("authority", .string(.url), required: true),
                        ])))),
        ]))

    static let spec = ObjectSchema([
        FieldSchema("resources", .list(.string)),
        FieldSchema(
            "environments",
            .map(
                .object(
                    ObjectSchema([
                        FieldSchema("target", target, required: true), FieldSchema("variables", .map(.string)),
                        FieldSchema("overlays", .list(.string)), FieldSchema("resources", .list(.string)),
                    ])))),
        FieldSchema(
            "prune",
            .object(
                ObjectSchema([
                    FieldSchema("enabled", .boolean),
                    FieldSchema("maxDeletes", .integer(0...100_000)),
                    FieldSchema("owns", .list(.string)),
                    FieldSchema("protect", .list(.string)),
                ]))),
        FieldSchema(
            "policyRules",
            .object(
                ObjectSchema([
                    FieldSchema(
                        "requireBase",
                        .scalarOr(.boolean, .list(.string(.oneOf(["inbound", "backend", "outbound", "on-error"]))))),
                    FieldSchema("forbiddenElements", .list(.string)),
                    FieldSchema("severity", .string(.oneOf(PolicyRules.Severity.allCases.map(\.rawValue)))),
                ]))),
    ])

    /// Builds the configuration from the decoded `spec`, reporting targets that are incomplete.
    static func config(from spec: JSONValue, decoder: inout SchemaDecoder, origin: SourceLocation) -> RepositoryConfig {
        var config = RepositoryConfig(origin: origin)
        if let resources = spec["resources"]?.arrayValue { config.resources = resources.compactMap(\.stringValue) }
        for (name, value) in spec["environments"]?.objectValue ?? JSONObject() {
            let location = decoder.locations["spec.environments.\(name).target"] ?? origin
            let variables = (value["variables"]?.objectValue ?? JSONObject()).reduce(into: [String: String]()) {
                $0[$1.key] = $1.value.stringValue
            }
            guard let target = value["target"] else { continue }
            let resolved: Target
            if let stateFile = target["emulator"]?.stringValue {
                resolved = .emulator(stateFile: stateFile)
            } else {
                var missing: [String] = []
                for key in ["subscriptionId", "resourceGroup", "service"] where target[key] == nil {
                    missing.append(key)
                }
                if !missing.isEmpty {
                    decoder.error(
                        "environment '\(name)' needs 'target.emulator', or 'target' with "
                            + missing.map { "'\($0)'" }.joined(separator: ", "), at: location)
                    continue
                }
                if let endpoint = target["endpoint"]?.stringValue, endpoint.hasPrefix("http://"), !isLoopback(endpoint)
                {
                    decoder.error(
                        "environment '\(name)': plain http is allowed only to a loopback address; use https",
                        at: decoder.locations["spec.environments.\(name).target.endpoint"] ?? location)
                }
                var arm = ARMTarget(
                    endpoint: target["endpoint"]?.stringValue,
                    subscriptionId: target["subscriptionId"]?.stringValue ?? "",
                    resourceGroup: target["resourceGroup"]?.stringValue ?? "",
                    service: target["service"]?.stringValue ?? "",
                    auth: target["auth"]?.stringValue ?? "default")
                switch target["cloud"] {
                case .string(let cloud)?: arm.cloud = cloud
                case .object(let custom)?:
                    arm.cloud = "custom"
                    arm.customResourceManager = custom["resourceManager"]?.stringValue
                    arm.customAuthority = custom["authority"]?.stringValue
                default: break
                }
                resolved = .arm(arm)
            }
            let overlays = value["overlays"]?.arrayValue?.compactMap(\.stringValue) ?? []
            config.environments[name] = EnvironmentConfig(
                name: name, target: resolved, variables: variables, overlays: overlays,
                resources: value["resources"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                apiVersion: target["apiVersion"]?.stringValue)
        }
        if let prune = spec["prune"] {
            config.prune = PruneSettings(
                enabled: prune["enabled"]?.boolValue ?? false,
                maxDeletes: prune["maxDeletes"]?.numberValue.map { Int($0) } ?? 10,
                owns: prune["owns"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                protect: prune["protect"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        }
        if let rules = spec["policyRules"] {
            var sections: [String] = []
            switch rules["requireBase"] {
            case .bool(true)?: sections = PolicyRules.defaultBaseSections
            case .array(let items)?: sections = items.compactMap(\.stringValue)
            default: break
            }
            config.policyRules = PolicyRules(
                requireBaseIn: sections,
                forbiddenElements: rules["forbiddenElements"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                severity: rules["severity"]?.stringValue.flatMap(PolicyRules.Severity.init(rawValue:)) ?? .error)
        }
        return config
    }

    static func isLoopback(_ url: String) -> Bool {
        let host = url.dropFirst("http://".count).prefix { $0 != "/" && $0 != "?" }
        let name = host.hasPrefix("[") ? String(host.prefix { $0 != "]" }) + "]" : String(host.prefix { $0 != ":" })
        return name == "localhost" || name.hasPrefix("127.") || name == "[::1]"
    }
}
