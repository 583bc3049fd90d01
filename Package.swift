// swift-tools-version: 6.0
import PackageDescription

/// Settings every Swift target shares: Swift 6 language mode plus the upcoming features hummingbird adopts.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// libFuzzer harnesses (Fuzz/, docs/fuzzing.md): declared only when `APIMSYNC_FUZZ=1`, so normal builds never see
/// them. `Fuzz/run.sh` sets it and builds them with `-sanitize=fuzzer,address` in a separate scratch path.
let fuzzTargets: [Target] =
    Context.environment["APIMSYNC_FUZZ"] == "1"
    ? [
        .systemLibrary(name: "CFuzzer", path: "Fuzz/CFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzer"], path: "Fuzz/Support"),
        .executableTarget(name: "fuzz-yaml", dependencies: ["FuzzSupport", "YAML"], path: "Fuzz/yaml"),
        .executableTarget(name: "fuzz-policy", dependencies: ["FuzzSupport", "Model", "Planner"], path: "Fuzz/policy"),
        .executableTarget(name: "fuzz-csharp", dependencies: ["FuzzSupport", "Model"], path: "Fuzz/csharp"),
        .executableTarget(
            name: "fuzz-manifest", dependencies: ["FuzzSupport", "Manifests", "Model"], path: "Fuzz/manifest"),
        .executableTarget(
            name: "fuzz-request", dependencies: ["FuzzSupport", "Emulator", "Model"], path: "Fuzz/request"),
    ] : []

let package = Package(
    name: "apimsync",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "apimsync", targets: ["apimsync"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // System library over the machine's libyaml; only `YAML` imports it.
        .systemLibrary(
            name: "CLibYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        .target(name: "YAML", dependencies: ["CLibYAML"], swiftSettings: strictSettings),
        .target(name: "Model", swiftSettings: strictSettings),
        // The official APIM spec as data (generated from spec/apim/ by scripts/generate-spec-table.py) and a validator.
        .target(name: "APIMSpec", dependencies: ["Model"], swiftSettings: strictSettings),
        .target(name: "Manifests", dependencies: ["YAML", "Model", "APIMSpec"], swiftSettings: strictSettings),
        .target(name: "Planner", dependencies: ["Model"], swiftSettings: strictSettings),
        .target(
            name: "ManagementClient",
            dependencies: [
                "Model",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Emulator",
            dependencies: [
                "Model", "APIMSpec", "YAML",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // The local data plane: APIM's policy pipeline over simulated Azure OpenAI backends (`apimsync test`).
        .target(
            name: "Gateway",
            dependencies: [
                "Model", "YAML",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Executor",
            dependencies: ["Model", "Planner", "ManagementClient"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Reconcile",
            dependencies: [
                "Model", "APIMSpec", "Manifests", "Planner", "Executor", "ManagementClient",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Controller",
            dependencies: [
                "Model", "Manifests", "Planner", "Executor", "ManagementClient", "Reconcile",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Commands",
            dependencies: [
                "YAML", "Model", "APIMSpec", "Manifests", "Planner", "Executor", "Emulator", "ManagementClient",
                "Controller", "Reconcile", "Gateway",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(name: "apimsync", dependencies: ["Commands"], swiftSettings: strictSettings),

        .testTarget(name: "YAMLTests", dependencies: ["YAML"], swiftSettings: strictSettings),
        .testTarget(name: "ModelTests", dependencies: ["Model"], swiftSettings: strictSettings),
        .testTarget(name: "APIMSpecTests", dependencies: ["APIMSpec", "Model"], swiftSettings: strictSettings),
        .testTarget(
            name: "PlannerTests", dependencies: ["Planner", "Model"], exclude: ["Snapshots"],
            swiftSettings: strictSettings),
        // Shared by the test targets: fixtures, an emulator harness on port 0 with structured shutdown, a copy of
        // the lab, the built executable run as a child process.
        .target(
            name: "TestSupport",
            dependencies: ["Emulator", "ManagementClient", "Manifests", "Model", "Planner", "Executor", "Reconcile"],
            path: "Tests/TestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ExecutorTests",
            dependencies: ["Executor", "Planner", "Model", "ManagementClient"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "TestSupport", "Executor", "Planner", "Manifests", "Model", "Emulator", "ManagementClient", "Reconcile",
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CommandLineTests",
            dependencies: [
                "TestSupport", "Planner", "Model", "YAML", "Emulator", "ManagementClient", "Executor",
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ControllerTests",
            dependencies: [
                "TestSupport", "Controller", "Planner", "Model", "Emulator", "ManagementClient", "Reconcile",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ManifestsTests",
            dependencies: ["TestSupport", "Manifests", "Model", "YAML"],
            exclude: ["Goldens"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EmulatorTests",
            dependencies: [
                "Emulator", "Model", "APIMSpec",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "TestSupport", "Gateway", "Model", "Manifests",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            exclude: ["OpenAISDK"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PolicyAgreementTests",
            dependencies: [
                "Model", "Manifests", "Planner", "Emulator", "Executor", "ManagementClient", "Reconcile",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ManagementClientTests",
            dependencies: [
                "ManagementClient", "Emulator", "Model",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),
    ] + fuzzTargets
)
