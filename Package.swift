// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    // Release builds let other modules specialize and inline our generic code (the router and
    // provider state over the server's clock): without it every call through them went through
    // runtime generics. Allowed for a root package; llmrouter is not meant as a dependency.
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
]

let package = Package(
    name: "llmrouter",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "llmrouter", targets: ["llmrouter"]),
        .executable(name: "catalog-build", targets: ["catalog-build"]),
        .executable(name: "debug-models", targets: ["debug-models"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.34.1"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
    ],
    targets: [
        // Routing decisions without networking: config model, model resolution, candidate
        // ordering, circuit breakers, cool-downs, health stats and the failover loop.
        .target(
            name: "LLMRouterCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Reading configuration files: the providers YAML (`LLMROUTER_CONFIG`) and the access keys
        // file, into Core's configuration types, naming the file and field in every error.
        .target(
            name: "LLMRouterConfig",
            dependencies: [
                "LLMRouterCore",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // The `Provider` protocol and its implementations: echo and the OpenAI-compatible adapters.
        .target(
            name: "LLMRouterProviders",
            dependencies: [
                "LLMRouterCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Writing to disk off the request path, for the usage log and the SQLite response cache:
        // a niced thread yielding to the event loops, a bounded queue, the batch writer loop.
        .target(
            name: "LLMRouterBackgroundWriter",
            dependencies: [.product(name: "NIOPosix", package: "swift-nio"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: swiftSettings
        ),
        // The usage log: one row per finished request in SQLite, written in batches off the request
        // path; its schema and every query (for `llmrouter stats`, the dashboard) in one place.
        .target(
            name: "LLMRouterUsage",
            dependencies: [
                "LLMRouterCore",
                "LLMRouterBackgroundWriter",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The response cache's SQLite backend (`LLMROUTER_CACHE=sqlite:PATH`): entries kept across
        // restarts, written off the request path as the usage log is.
        .target(
            name: "LLMRouterCacheStore",
            dependencies: [
                "LLMRouterCore", "LLMRouterBackgroundWriter",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP surface: Hummingbird routes, OpenAI wire types, SSE, error mapping.
        .target(
            name: "LLMRouterServer",
            dependencies: [
                "LLMRouterCore",
                "LLMRouterConfig",
                "LLMRouterProviders",
                "LLMRouterCatalog",
                "LLMRouterUsage",
                "LLMRouterCacheStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The free-model catalog: provider `/models` listings and their free rules, the seed, the
        // index builder, the index loading chain and the index → provider configuration step.
        .target(
            name: "LLMRouterCatalog",
            dependencies: [
                "LLMRouterCore",
                "LLMRouterConfig",
                "LLMRouterProviders",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test support shared by the test targets and the scripts: fake upstreams and a mock clock.
        .target(
            name: "LLMRouterTesting",
            dependencies: [
                "LLMRouterCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "llmrouter",
            dependencies: [
                "LLMRouterServer",
                "LLMRouterUsage",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                "LLMRouterCore",
                "LLMRouterConfig",
                "LLMRouterCacheStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "catalog-build",
            dependencies: [
                "LLMRouterCatalog",
                "LLMRouterCore",
                "LLMRouterConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "debug-models",
            dependencies: [
                "LLMRouterCatalog",
                "LLMRouterCore",
                "LLMRouterConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LLMRouterCatalogTests",
            dependencies: [
                "LLMRouterCatalog",
                "LLMRouterCore",
                "LLMRouterConfig",
                "LLMRouterProviders",
                "catalog-build",
                "debug-models",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // scripts/bench.sh's baseline: a bare Hummingbird endpoint, the framework's own ceiling.
        .executableTarget(
            name: "bench-baseline",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LLMRouterCoreTests",
            dependencies: ["LLMRouterCore", "LLMRouterConfig", "LLMRouterTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LLMRouterConfigTests",
            // Providers: the vendors' default key variables (`effectiveAPIKeyVariable`).
            dependencies: ["LLMRouterConfig", "LLMRouterCore", "LLMRouterProviders"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LLMRouterProvidersTests",
            dependencies: [
                "LLMRouterCore",
                "LLMRouterProviders",
                "LLMRouterTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LLMRouterUsageTests",
            dependencies: [
                "LLMRouterUsage",
                "LLMRouterBackgroundWriter",
                "LLMRouterCore",
                // To write a usage log in an older layout, as a previous release left it.
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LLMRouterCacheStoreTests",
            dependencies: ["LLMRouterCacheStore", "LLMRouterBackgroundWriter", "LLMRouterCore", .product(name: "SQLiteNIO", package: "sqlite-nio"),
                           .product(name: "Logging", package: "swift-log"), .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LLMRouterServerTests",
            dependencies: [
                "LLMRouterServer",
                "LLMRouterCatalog",
                "LLMRouterCore",
                "LLMRouterConfig",
                "LLMRouterProviders",
                "LLMRouterTesting",
                "LLMRouterUsage",
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
