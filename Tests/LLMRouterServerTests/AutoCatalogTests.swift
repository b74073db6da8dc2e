import Foundation
import LLMRouterCatalog
import LLMRouterCore
import LLMRouterProviders
import LLMRouterServer
import Logging
import Testing

/// `auto` on the compiled-in catalog: every tier's list comes from the seed's tiers and quality
/// ranks, carried through the index onto the routes, restricted to the providers with a key.
struct AutoCatalogTests {
    @Test func withOnlyAGroqKeyEachTierStartsWithItsBestGroqModel() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("llmrouter-auto-\(UInt64.random(in: 0...UInt64.max))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["GROQ_API_KEY": "gsk_TEST.KEY.auto.0123", "LLMROUTER_CACHE_DIR": directory.appendingPathComponent("cache").path]
        let settings = ServerSettings(configPath: directory.appendingPathComponent("absent.yaml").path)
        let loaded = try await ConfigurationSource.loadDetailed(settings: settings, environment: environment, fetcher: nil, logger: Logger(label: "t"))
        let registry = ProviderRegistry(configuration: loaded.configuration) { provider in
            environment[provider.effectiveAPIKeyVariable ?? ""] != nil ? .success(EchoProvider()) : .failure(.missingKey(provider.effectiveAPIKeyVariable ?? "?"))
        }
        let table = RoutingTable(registry: registry, routing: loaded.configuration.routing)
        let auto = table.auto
        #expect(auto.isActive)
        #expect(auto.models[.simple]?.first == "llama-3.1-8b")
        #expect(auto.models[.code]?.first == "kimi-k2")
        #expect(auto.models[.reasoning]?.prefix(2) == ["gpt-oss-120b", "gpt-oss-20b"])
        #expect(auto.models[.longContext]?.first == "llama-4-scout")
        let byModel = Dictionary(grouping: table.routes.filter(\.isEnabled), by: { $0.configuration.canonicalModel ?? "" })
        for tier in AutoTier.allCases {
            let models = try #require(auto.models[tier], "\(tier) has models")
            // Every listed model has a route with a key, and the tier's own models come best first.
            #expect(models.allSatisfy { byModel[$0]?.contains { $0.configuration.name.hasPrefix("groq/") } == true })
            let own = models.prefix { byModel[$0]?.first?.configuration.tier == tier.modelTier }
            let qualities = own.compactMap { byModel[$0]?.compactMap(\.configuration.quality).first }
            #expect(!own.isEmpty && qualities == qualities.sorted(by: >), "\(tier): \(own) \(qualities)")
        }
        let hello = try ChatRequest(json: Array(#"{"model":"auto","messages":[{"role":"user","content":"Write a SQL query that finds duplicate emails"}]}"#.utf8))
        #expect(auto.preview(hello, table: table)?.tier == .code)
        #expect(auto.preview(hello, table: table)?.models.first == "kimi-k2")
    }
}
