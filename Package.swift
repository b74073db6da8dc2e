// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    // Release builds let other modules specialize and inline our generic code. It does not reach
    // internal async functions (the router's attempts, provider state): those are specialized in
    // Core, under `RequestRouter.route`'s `@_specialize` for the server's clock. Allowed for a
    // root package; llmrouter is not meant as a dependency.
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
]

/// The products our targets use, named once.
extension Target.Dependency {
    static let argumentParser: Self = .product(name: "ArgumentParser", package: "swift-argument-parser")
    static let asyncHTTPClient: Self = .product(name: "AsyncHTTPClient", package: "async-http-client")
    static let crypto: Self = .product(name: "Crypto", package: "swift-crypto")
    static let httpTypes: Self = .product(name: "HTTPTypes", package: "swift-http-types")
    static let hummingbird: Self = .product(name: "Hummingbird", package: "hummingbird")
    static let hummingbirdCore: Self = .product(name: "HummingbirdCore", package: "hummingbird")
    static let hummingbirdTesting: Self = .product(name: "HummingbirdTesting", package: "hummingbird")
    static let inMemoryLogging: Self = .product(name: "InMemoryLogging", package: "swift-log")
    static let logging: Self = .product(name: "Logging", package: "swift-log")
    static let metrics: Self = .product(name: "Metrics", package: "swift-metrics")
    static let nioCore: Self = .product(name: "NIOCore", package: "swift-nio")
    static let nioEmbedded: Self = .product(name: "NIOEmbedded", package: "swift-nio")
    static let nioHTTP1: Self = .product(name: "NIOHTTP1", package: "swift-nio")
    static let nioHTTPTypes: Self = .product(name: "NIOHTTPTypes", package: "swift-nio-extras")
    static let nioPosix: Self = .product(name: "NIOPosix", package: "swift-nio")
    static let postgresNIO: Self = .product(name: "PostgresNIO", package: "postgres-nio")
    static let prometheus: Self = .product(name: "Prometheus", package: "swift-prometheus")
    static let sqliteNIO: Self = .product(name: "SQLiteNIO", package: "sqlite-nio")
    static let serviceLifecycle: Self = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
    static let serviceLifecycleTestKit: Self = .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle")
    static let unixSignals: Self = .product(name: "UnixSignals", package: "swift-service-lifecycle")
    static let yams: Self = .product(name: "Yams", package: "Yams")
}

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
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // Routing decisions without networking: config model, model resolution, candidate
        // ordering, circuit breakers, cool-downs, health stats and the failover loop.
        .target(
            name: "LLMRouterCore",
            dependencies: [.logging, .metrics, .nioCore, .crypto],
            swiftSettings: swiftSettings
        ),
        // Reading configuration files: the providers YAML (`LLMROUTER_CONFIG`) and the access keys
        // file, into Core's configuration types, naming the file and field in every error.
        .target(
            name: "LLMRouterConfig",
            dependencies: ["LLMRouterCore", .yams],
            swiftSettings: swiftSettings
        ),
        // The `Provider` protocol and its implementations: echo and the OpenAI-compatible adapters.
        .target(
            name: "LLMRouterProviders",
            dependencies: ["LLMRouterCore", .asyncHTTPClient, .nioCore, .nioHTTP1, .nioPosix, .logging],
            swiftSettings: swiftSettings
        ),
        // Writing to disk off the request path, for the usage log and the SQLite response cache:
        // a niced thread yielding to the event loops, a bounded queue, the batch writer loop.
        .target(
            name: "LLMRouterBackgroundWriter",
            dependencies: [.nioCore, .nioPosix, .serviceLifecycle],
            swiftSettings: swiftSettings
        ),
        // The usage log: one row per finished request in SQLite, written in batches off the request
        // path; its schema and every query (for `llmrouter stats`, the dashboard) in one place.
        .target(
            name: "LLMRouterUsage",
            dependencies: [
                "LLMRouterCore", "LLMRouterBackgroundWriter", .sqliteNIO, .nioPosix, .logging, .metrics,
                .serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        // The response cache's SQLite backend (`LLMROUTER_CACHE=sqlite:PATH`): entries kept across
        // restarts, written off the request path as the usage log is.
        .target(
            name: "LLMRouterCacheStore",
            dependencies: [
                "LLMRouterCore", "LLMRouterBackgroundWriter", .sqliteNIO, .logging, .nioCore, .nioPosix,
                .serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        // State shared across instances through PostgreSQL (`LLMROUTER_DATABASE_URL`), off the request path,
        // and the response cache's `postgres` backend (written like the cache file, by a BatchWriter).
        .target(
            name: "LLMRouterShared",
            // The usage log's statements and writer, for its PostgreSQL store.
            dependencies: [
                "LLMRouterCore", "LLMRouterUsage", "LLMRouterBackgroundWriter", .postgresNIO, .logging, .metrics,
                .serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP surface: Hummingbird routes, OpenAI wire types, SSE, error mapping.
        .target(
            name: "LLMRouterServer",
            dependencies: [
                "LLMRouterCore", "LLMRouterConfig", "LLMRouterProviders", "LLMRouterCatalog", "LLMRouterUsage",
                "LLMRouterCacheStore", "LLMRouterShared", .hummingbird, .hummingbirdCore, .httpTypes, .nioCore,
                .nioHTTPTypes, .logging, .metrics, .prometheus, .serviceLifecycle, .unixSignals, .asyncHTTPClient,
                .nioHTTP1,
            ],
            swiftSettings: swiftSettings
        ),
        // The free-model catalog: provider `/models` listings and their free rules, the seed, the
        // index builder, the index loading chain and the index → provider configuration step.
        .target(
            name: "LLMRouterCatalog",
            dependencies: [
                "LLMRouterCore", "LLMRouterConfig", "LLMRouterProviders", .asyncHTTPClient, .crypto, .logging,
                .nioCore, .nioHTTP1, .yams,
            ],
            swiftSettings: swiftSettings
        ),
        // Test support shared by the test targets and the scripts: fake upstreams and a mock clock.
        .target(
            name: "LLMRouterTesting",
            dependencies: ["LLMRouterCore", .nioCore, .nioPosix, .nioHTTP1],
            swiftSettings: swiftSettings
        ),
        // The routing rules written in code (`RequestRule`), shared by `llmrouter` and
        // `debug-models --explain`.
        .target(
            name: "LLMRouterCodeRules",
            dependencies: ["LLMRouterCore"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "llmrouter",
            dependencies: [
                "LLMRouterServer", "LLMRouterCodeRules", "LLMRouterUsage", .nioCore, .nioPosix, "LLMRouterCore", "LLMRouterConfig",
                "LLMRouterCacheStore", "LLMRouterShared", .argumentParser, .asyncHTTPClient, .logging,
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "catalog-build",
            dependencies: ["LLMRouterCatalog", "LLMRouterCore", "LLMRouterConfig", .argumentParser, .asyncHTTPClient, .logging],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "debug-models",
            dependencies: [
                // `--explain` builds the table as the server does.
                "LLMRouterCatalog", "LLMRouterCore", "LLMRouterConfig", "LLMRouterServer", "LLMRouterCodeRules",
                .argumentParser, .asyncHTTPClient, .logging,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LLMRouterCatalogTests",
            dependencies: [
                "LLMRouterCatalog", "LLMRouterCore", "LLMRouterConfig", "LLMRouterProviders", "catalog-build",
                "debug-models", .asyncHTTPClient, .hummingbird, .hummingbirdTesting, .inMemoryLogging, .logging,
                .nioCore,
            ],
            swiftSettings: swiftSettings
        ),
        // scripts/bench.sh's baseline: a bare Hummingbird endpoint, the framework's own ceiling.
        .executableTarget(
            name: "bench-baseline",
            dependencies: [.hummingbird, .asyncHTTPClient],
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
                "LLMRouterCore", "LLMRouterProviders", "LLMRouterTesting", .asyncHTTPClient, .logging, .nioCore,
                .nioEmbedded, .nioHTTP1,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LLMRouterUsageTests",
            dependencies: [
                // To write a usage log in an older layout, as a previous release left it.
                "LLMRouterUsage", "LLMRouterBackgroundWriter", "LLMRouterCore", .sqliteNIO, .metrics, .prometheus,
                .serviceLifecycle, .serviceLifecycleTestKit, .logging, .inMemoryLogging,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LLMRouterSharedTests",  // needs LLMROUTER_TEST_DATABASE_URL for its PostgreSQL tests (.ci/run sets it)
            dependencies: [
                "LLMRouterShared", "LLMRouterCore", "LLMRouterTesting", .postgresNIO, .nioCore, .logging,
                .inMemoryLogging, .metrics, .prometheus, "LLMRouterUsage", .serviceLifecycle, .serviceLifecycleTestKit,
                .nioPosix,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LLMRouterCacheStoreTests",
            dependencies: [
                "LLMRouterCacheStore", "LLMRouterBackgroundWriter", "LLMRouterCore", .sqliteNIO, .logging,
                .serviceLifecycleTestKit,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LLMRouterServerTests",
            dependencies: [
                "LLMRouterServer", "LLMRouterCatalog", "LLMRouterCore", "LLMRouterConfig", "LLMRouterProviders",
                "LLMRouterTesting", "LLMRouterUsage", .serviceLifecycleTestKit, .hummingbirdTesting, .httpTypes,
                .inMemoryLogging, .asyncHTTPClient, .nioHTTP1, .prometheus, .nioCore, .nioPosix, .logging,
                .serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
