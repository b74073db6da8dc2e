import Foundation
import Hummingbird
import HummingbirdTesting
import LLMRouterCatalog
import LLMRouterConfig
import LLMRouterCore
import LLMRouterProviders
import LLMRouterServer
import Logging
import Testing

/// `/v1/models` shows each model's tier and quality rank: the catalog's, or a YAML provider's own.
struct ModelRankingListTests {
    @Test func theCatalogRanksShowOnTheModelList() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("llmrouter-ranks-\(UInt64.random(in: 0...UInt64.max))")
        let settings = ServerSettings(configPath: directory.appendingPathComponent("absent.yaml").path)
        let environment = ["GROQ_API_KEY": "gsk_TEST.KEY.ranks", "LLMROUTER_CACHE_DIR": directory.path]
        let loaded = try await ConfigurationSource.loadDetailed(settings: settings, environment: environment, fetcher: nil, logger: Logger(label: "t"))
        let registry = ProviderRegistry(configuration: loaded.configuration, makeRemote: { _ in .failure(ProviderUnavailable(reason: "no network in this test")) })
        let table = RoutingTable(registry: registry, routing: loaded.configuration.routing)
        let app = Application(router: RouterApplication(table: table, settings: ServerSettings()).buildRouter(), server: RouterApplication<ContinuousClock>.httpServer)
        try await app.test(.router) { client in
            let list = try #require(try await client.getJSON("/v1/models")["data"] as? [[String: Any]])
            let gpt = try #require(list.first { $0["id"] as? String == "gpt-oss-120b" })
            #expect(gpt["tier"] as? String == "reasoning")
            #expect(gpt["quality"] as? Int == 58)
            #expect(list.first { $0["id"] as? String == "llama-3.1-8b" }?["tier"] as? String == "simple")
            #expect(list.first { $0["id"] as? String == "auto" }?["tier"] == nil, "auto has no tier of its own")
        }
    }

    @Test func aYAMLProviderOverridesTheRanks() async throws {
        let app = try TestApp(yaml: """
            providers:
              - {name: local, type: echo, model: small-echo, tier: code, quality: 77}
              - {name: plain, type: echo, model: plain-echo}
            """)
        try await app.test { client in
            let model = try await client.getJSON("/v1/models/small-echo")
            #expect(model["tier"] as? String == "code")
            #expect(model["quality"] as? Int == 77)
            let plain = try await client.getJSON("/v1/models/plain-echo")
            #expect(plain["tier"] == nil && plain["quality"] == nil, "unknown ranks are left out")
        }
        #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader().parse(yaml: "providers:\n  - {name: x, type: echo, tier: fast}\n", file: "p.yaml")
        }
        #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader().parse(yaml: "providers:\n  - {name: x, type: echo, quality: 0}\n", file: "p.yaml")
        }
    }
}
