import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InMemoryLogging
import LLMRouterCatalog
import LLMRouterCore
import LLMRouterProviders
import LLMRouterServer
import Logging
import NIOCore
import Testing

/// Startup without a config file: the catalog's providers, or the embedded echo.
struct CatalogStartupTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("llmrouter-catalog-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func write(_ text: String, _ name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static func index(_ models: [String]) -> String {
        let entries = models.map { #"{"canonical": "\#($0)", "aliases": ["\#($0)-alias"], "providers": {"groq": {"model": "up-\#($0)"}}}"# }
        return #"{"schema_version": 1, "providers": ["groq"], "models": [\#(entries.joined(separator: ","))], "provider_catalogs": {"groq": []}}"#
    }

    func settings() -> ServerSettings {
        ServerSettings(configPath: directory.appendingPathComponent("absent.yaml").path, bundledIndexPath: directory.appendingPathComponent("no-bundled.json").path)
    }

    func environment(index: String, keys: Bool = true) -> [String: String] {
        var environment = [
            "LLMROUTER_MODEL_INDEX_URL": index,
            "LLMROUTER_PROVIDERS": "groq",
            "LLMROUTER_CACHE_DIR": directory.appendingPathComponent("cache").path,
        ]
        if keys { environment["GROQ_API_KEY"] = "gsk_TEST.KEY.catalog.0123" }
        return environment
    }

    @Test func noConfigFileServesTheCatalog() async throws {
        let path = try write(Self.index(["alpha", "beta"]), "index.json")
        let (configuration, origin) = try await ConfigurationSource.load(settings: settings(), environment: environment(index: path), fetcher: nil, logger: logger)
        #expect(origin == .catalog(CatalogSource(kind: .file, location: path)))
        #expect(configuration.providers.map(\.name) == ["groq/alpha", "groq/beta"])
        #expect(configuration.providers.map(\.model) == ["up-alpha", "up-beta"])
    }

    @Test func noKeysServeTheEmbeddedEcho() async throws {
        let path = try write(Self.index(["alpha"]), "index.json")
        let (configuration, origin) = try await ConfigurationSource.load(
            settings: settings(), environment: environment(index: path, keys: false), fetcher: nil, logger: logger
        )
        #expect(origin == .embeddedDefault)
        #expect(configuration == .embeddedDefault)
    }

    /// A user who set a key the catalog cannot use learns which key and why, and the hint names
    /// every provider's key variable.
    @Test func aKeyThatServesNothingIsNamedWithTheReason() async throws {
        let path = try write(Self.index(["alpha"]), "index.json")
        let logs = InMemoryLogHandler()
        let environment = ["LLMROUTER_MODEL_INDEX_URL": path, "GEMINI_API_KEY": "AIza-TEST.KEY.startup", "LLMROUTER_CACHE_DIR": directory.path]
        let (_, origin) = try await ConfigurationSource.load(
            settings: settings(), environment: environment, fetcher: nil, logger: Logger(label: "t", factory: { _ in logs })
        )
        #expect(origin == .embeddedDefault)
        let idle = try #require(logs.entries.first { $0.message.description == "provider key serves nothing" })
        #expect(idle.level == .warning)
        #expect(idle.metadata["variable"]?.description == "GEMINI_API_KEY")
        #expect(idle.metadata["reason"]?.description == "the catalog has no gemini models")
        let echo = try #require(logs.entries.first { $0.message.description == "serving the embedded local-echo provider" })
        #expect(echo.metadata["llmrouter.reason"]?.description == "the keys set serve no catalog model: GEMINI_API_KEY (gemini): the catalog has no gemini models")
        let hint = echo.metadata["llmrouter.hint"]?.description ?? ""
        for variable in ["GROQ_API_KEY", "OPENROUTER_API_KEY", "NVIDIA_NIM_KEY", "CEREBRAS_API_KEY", "GEMINI_API_KEY", "MISTRAL_API_KEY", "GITHUB_TOKEN", "HUGGINGFACE_API_TOKEN"] {
            #expect(hint.contains(variable), "\(variable)")
        }
        #expect(!logs.entries.map { "\($0.message) \($0.metadata)" }.joined().contains("AIza-TEST.KEY.startup"))
    }

    @Test func brokenCatalogAndNoFallbackServeTheEmbeddedEcho() async throws {
        let path = try write("{ not an index", "index.json")
        let (configuration, origin) = try await ConfigurationSource.load(settings: settings(), environment: environment(index: path), fetcher: nil, logger: logger)
        #expect(origin == .embeddedDefault)
        #expect(configuration == .embeddedDefault)
    }

    @Test func aConfigFileWinsOverTheCatalog() async throws {
        let path = try write(Self.index(["alpha"]), "index.json")
        let config = try write("providers:\n  - {name: mine, type: echo}", "providers.yaml")
        var settings = settings()
        settings.configPath = config
        let (configuration, origin) = try await ConfigurationSource.load(settings: settings, environment: environment(index: path), fetcher: nil, logger: logger)
        #expect(origin == .file(config))
        #expect(configuration.providers.map(\.name) == ["mine"])
    }

    @Test func anExplicitMissingConfigIsAnError() async throws {
        var settings = settings()
        settings.configPathIsExplicit = true
        await #expect(throws: ConfigurationError.self) {
            _ = try await ConfigurationSource.load(settings: settings, environment: [:], fetcher: nil, logger: logger)
        }
    }

    @Test func refreshSwapsTheTableAndKeepsHealthOfUnchangedProviders() async throws {
        let path = try write(Self.index(["alpha"]), "index.json")
        let environment = environment(index: path)
        let (configuration, _) = try await ConfigurationSource.load(settings: settings(), environment: environment, fetcher: nil, logger: logger)
        let makeTable: @Sendable (RouterConfiguration) -> RoutingTable = { configuration in
            // Stands in for the HTTP adapters: every catalog provider answers like echo.
            RoutingTable(registry: ProviderRegistry(configuration: configuration, makeRemote: { _ in .success(EchoProvider()) }))
        }
        let application = RouterApplication(table: makeTable(configuration), settings: settings())
        _ = application.state.admit("groq/alpha")
        application.state.settle("groq/alpha", .answered(latency: .milliseconds(3), report: .init(), tokens: 0))

        _ = try write(Self.index(["alpha", "gamma"]), "index.json")
        let refresh = CatalogRefreshService(
            interval: .seconds(60), settings: settings(), environment: environment, fetcher: nil,
            application: application, makeTable: makeTable, logger: logger
        )
        #expect(await refresh.refreshOnce())
        #expect(application.tables.current.routes.map(\.configuration.name) == ["groq/alpha", "groq/gamma"])
        #expect(application.state.snapshot("groq/alpha")?.successes == 1, "unchanged provider kept its health")
        #expect(application.state.snapshot("groq/gamma")?.requests == 0)
        try await Application(router: application.buildRouter()).test(.router) { client in
            let response = try await client.chat(model: "gamma-alias")
            #expect(response.status == .ok)
            #expect(response.headers[.provider] == "groq/gamma")
        }

        // A refresh that finds nothing usable keeps the current table.
        _ = try write("{ broken", "index.json")
        try? FileManager.default.removeItem(at: directory.appendingPathComponent("cache"))
        #expect(await refresh.refreshOnce() == false)
        #expect(application.tables.current.routes.count == 2)
    }
}
