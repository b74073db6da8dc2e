import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InMemoryLogging
import LLMRouterCatalog
import LLMRouterCore
import LLMRouterConfig
import LLMRouterProviders
import LLMRouterServer
import Logging
import NIOCore
import Testing

/// The catalog works out of the box: the compiled-in index, a missing LLMROUTER_CONFIG, aliases
/// on `/v1/models/{id}`, and `--default-model` checked at startup.
struct CatalogOutOfTheBoxTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("llmrouter-ootb-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    var environment: [String: String] {
        ["GROQ_API_KEY": "gsk_TEST.KEY.ootb.0123", "LLMROUTER_CACHE_DIR": directory.appendingPathComponent("cache").path]
    }

    /// No file anywhere: the index compiled into the binary is served, with only a Groq key,
    /// including llama-3.3-70b (it answered 404 before, under the all-three-providers rule).
    @Test func theEmbeddedCatalogIsServedWithoutAnyFile() async throws {
        let settings = ServerSettings(configPath: directory.appendingPathComponent("absent.yaml").path)
        let loaded = try await ConfigurationSource.loadDetailed(settings: settings, environment: environment, fetcher: nil, logger: Logger(label: "t"))
        #expect(loaded.origin == .catalog(CatalogSource(kind: .bundled, location: EmbeddedModelIndex.location)))
        let names = loaded.configuration.providers.map(\.name)
        #expect(names.contains("groq/llama-3.3-70b"))
        let groq = try #require(loaded.configuration.providers.first { $0.name == "groq/llama-3.3-70b" })
        #expect(groq.rateLimit?.requestsPerDay == 1000, "the seed's documented Groq limits reach the route")
        #expect(groq.price == .free)
        let openRouter = loaded.configuration.providers.first { $0.name.hasPrefix("openrouter/") }
        #expect(openRouter?.rateLimit?.scope == .pool("openrouter-free"), "OpenRouter's free models share one pool")
    }

    /// Claude Code on the catalog with one variable: its model names reach catalog models.
    @Test func theModelMapVariableServesClaudeNamesFromTheCatalog() async throws {
        var environment = environment
        environment["LLMROUTER_MODEL_MAP"] = "claude-*haiku*=llama-3.1-8b,claude-*=llama-3.3-70b"
        let settings = ServerSettings(configPath: directory.appendingPathComponent("absent.yaml").path)
        let loaded = try await ConfigurationSource.loadDetailed(settings: settings, environment: environment, fetcher: nil, logger: Logger(label: "t"))
        #expect(loaded.configuration.routing.mappedModel("claude-sonnet-4-5-20250929") == "llama-3.3-70b")
        #expect(loaded.configuration.routing.mappedModel("claude-3-5-haiku-latest") == "llama-3.1-8b")
        environment["LLMROUTER_MODEL_MAP"] = "claude-*"
        await #expect(throws: ConfigurationError.self) {
            try await ConfigurationSource.loadDetailed(settings: settings, environment: environment, fetcher: nil, logger: Logger(label: "t"))
        }
    }

    /// With a NIM key, the compiled-in catalog's NIM embedding models are routes of kind
    /// embeddings, and `/v1/models` says so.
    @Test func theEmbeddedCatalogListsEmbeddingModelsWithTheirKind() async throws {
        var environment = environment
        environment["NVIDIA_NIM_KEY"] = "nvapi-TEST.KEY.ootb.0123"
        let settings = ServerSettings(configPath: directory.appendingPathComponent("absent.yaml").path)
        let loaded = try await ConfigurationSource.loadDetailed(settings: settings, environment: environment, fetcher: nil, logger: Logger(label: "t"))
        let embedder = try #require(loaded.configuration.providers.first { $0.name == "nvidia_nim/nv-embedqa-e5-v5" })
        #expect(embedder.routeKind == .embeddings)
        let registry = ProviderRegistry(configuration: loaded.configuration, makeRemote: { _ in .failure(ProviderUnavailable(reason: "no network in this test")) })
        let table = RoutingTable(registry: registry, routing: loaded.configuration.routing)
        let app = Application(router: RouterApplication(table: table, settings: ServerSettings()).buildRouter(), server: RouterApplication<ContinuousClock>.httpServer)
        try await app.test(.router) { client in
            let list = try #require(try await client.getJSON("/v1/models")["data"] as? [[String: Any]])
            #expect(list.first { $0["id"] as? String == "nv-embedqa-e5-v5" }?["kind"] as? String == "embeddings")
            #expect(list.first { $0["id"] as? String == "bge-m3" }?["kind"] as? String == "embeddings")
            #expect(list.first { $0["id"] as? String == "gpt-oss-20b" }?["kind"] as? String == "chat")
            let auto = try #require(list.first { $0["id"] as? String == "auto" }?["providers"] as? [[String: Any]])
            #expect(!auto.contains { $0["name"] as? String == "nvidia_nim/nv-embedqa-e5-v5" }, "auto lists chat routes only")
        }
    }

    @Test func aMissingConfigFromTheEnvironmentWarnsAndServesTheCatalog() async throws {
        var settings = ServerSettings(configPath: directory.appendingPathComponent("providers.yaml").path)
        settings.configPathFromEnvironment = true
        let logs = InMemoryLogHandler()
        let loaded = try await ConfigurationSource.loadDetailed(
            settings: settings, environment: environment, fetcher: nil, logger: Logger(label: "t", factory: { _ in logs })
        )
        #expect(loaded.origin == .catalog(CatalogSource(kind: .bundled, location: EmbeddedModelIndex.location)))
        let warning = try #require(logs.entries.first { $0.level == .warning && $0.message.description.contains("config file not found") })
        #expect(warning.metadata["llmrouter.config"]?.description == settings.configPath)
        #expect(warning.metadata["llmrouter.variable"]?.description == "LLMROUTER_CONFIG")

        // --config naming a missing file stays an error.
        settings.configPathFromEnvironment = false
        settings.configPathIsExplicit = true
        await #expect(throws: ConfigurationError.self) {
            _ = try await ConfigurationSource.loadDetailed(settings: settings, environment: environment, fetcher: nil, logger: Logger(label: "t"))
        }
    }

    static let yaml = """
        providers:
          - {name: groq-llama, type: groq, model: llama-3.3-70b-versatile, canonical_model: llama-3.3-70b, aliases: [llama3.3], api_key_env: LLMROUTER_TEST_UNSET_KEY}
          - {name: local, type: echo, model: small-echo}
          - {name: router-style, type: echo, model: meta-llama/llama-3.3-70b-instruct:free, canonical_model: llama-3.3-70b}
          - {name: embedder, type: echo, kind: embeddings, model: nomic-embed-text}
        """

    @Test func modelIdsWithSlashesResolvePlainAndPercentEncoded() async throws {
        let app = try TestApp(yaml: Self.yaml)
        try await app.test { client in
            for path in ["meta-llama/llama-3.3-70b-instruct:free", "meta-llama%2Fllama-3.3-70b-instruct%3Afree"] {
                let response = try await client.execute(uri: "/v1/models/\(path)", method: .get)
                #expect(response.status == .ok, "\(path)")
                #expect(try response.jsonObject()["id"] as? String == "llama-3.3-70b", "\(path)")
            }
            let missing = try await client.execute(uri: "/v1/models/org%2Fno-such-model", method: .get)
            #expect(missing.status == .notFound)
            #expect((try missing.openAIError()["message"] as? String)?.contains("'org/no-such-model'") == true)
            let embedder = try await client.getJSON("/v1/models/nomic-embed-text")
            #expect(embedder["kind"] as? String == "embeddings")
            let list = try #require(try await client.getJSON("/v1/models")["data"] as? [[String: Any]])
            #expect(list.first { $0["id"] as? String == "llama-3.3-70b" }?["kind"] as? String == "chat")
            let auto = try #require(list.first { $0["id"] as? String == "auto" }?["providers"] as? [[String: Any]])
            #expect(!auto.contains { $0["name"] as? String == "embedder" }, "auto lists chat routes only")
        }
    }

    @Test func modelLookupResolvesAliasesLikeChat() async throws {
        let app = try TestApp(yaml: Self.yaml)
        try await app.test { client in
            for name in ["llama-3.3-70b", "llama3.3", "LLAMA3.3", "llama-3.3-70b-versatile"] {
                let response = try await client.execute(uri: "/v1/models/\(name)", method: .get)
                #expect(response.status == .ok, "\(name)")
                #expect(try response.jsonObject()["id"] as? String == "llama-3.3-70b")
            }
            let unknown = try await client.execute(uri: "/v1/models/no-such-model", method: .get)
            #expect(unknown.status == .notFound)
        }
    }

    @Test func defaultModelIsCheckedAtStartup() throws {
        let configuration = try ConfigurationLoader().parse(yaml: Self.yaml, file: "t.yaml").configuration
        let table = RoutingTable(registry: ProviderRegistry(configuration: configuration, makeRemote: { _ in .failure(.missingKey("LLMROUTER_TEST_UNSET_KEY")) }))
        #expect(DefaultModelCheck.check(nil, table: table, catalogIndex: nil) == .servable)
        #expect(DefaultModelCheck.check("small-echo", table: table, catalogIndex: nil) == .servable)
        guard case .reachableLater(let reason) = DefaultModelCheck.check("llama3.3", table: table, catalogIndex: nil) else {
            Issue.record("a model whose only provider lacks its key is reachable later")
            return
        }
        #expect(reason.contains("groq-llama"))
        guard case .never(let why) = DefaultModelCheck.check("gpt-typo", table: table, catalogIndex: nil) else {
            Issue.record("an unknown model can never be served")
            return
        }
        #expect(why.contains("no provider serves 'gpt-typo'"))
        // A catalog model without a keyed provider now may be served once a key is set.
        let index = ModelIndex(providers: ["groq"], models: [.init(canonical: "gpt-oss-20b", providers: ["groq": .init(model: "openai/gpt-oss-20b")])])
        if case .reachableLater = DefaultModelCheck.check("gpt-oss-20b", table: table, catalogIndex: index) {} else {
            Issue.record("a catalog model is reachable later")
        }
    }
}
