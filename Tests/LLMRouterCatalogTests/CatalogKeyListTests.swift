import Foundation
import LLMRouterCatalog
import LLMRouterCore
import LLMRouterProviders
import Testing

/// `GROQ_API_KEYS=k1,k2` and the other list forms: a catalog route per key and model.
struct CatalogKeyListTests {
    static let index = """
        {"schema_version": 2, "generated_at": "2030-01-01T00:00:00Z", "providers": ["groq", "openrouter"], "models": [
          {"canonical": "llama-3.3-70b", "providers": {
            "groq": {"model": "llama-3.3-70b-versatile", "limits": {"rpm": 30, "rpd": 1000}},
            "openrouter": {"model": "meta-llama/llama-3.3-70b-instruct:free", "limits": {"scope": "pool", "pool": "openrouter-free", "rpd": 50}}}},
          {"canonical": "gpt-oss-20b", "providers": {"groq": {"model": "openai/gpt-oss-20b"}}}
        ]}
        """
    static let keys = ["gsk_first.key.value.000001", "gsk_second.key.value.00002", "sk-or-v1-first.router.key.01", "sk-or-v1-second.router.key.2"]

    func convert(_ environment: [String: String]) throws -> CatalogProviders {
        let index = try ModelIndex.decode(Data(Self.index.utf8), source: "keys.json")
        return index.providerConfigurations(selection: .anyKeyed, environment: environment)
    }

    @Test func aListOfKeysMakesARoutePerKeyAndModel() throws {
        let result = try convert(["GROQ_API_KEYS": "\(Self.keys[0]),\(Self.keys[1])", "OPENROUTER_API_KEYS": "\(Self.keys[2]) , \(Self.keys[3])"])
        #expect(result.providers.map(\.name) == [
            "groq/llama-3.3-70b", "groq#2/llama-3.3-70b", "openrouter/llama-3.3-70b", "openrouter#2/llama-3.3-70b",
            "groq/gpt-oss-20b", "groq#2/gpt-oss-20b",
        ])
        #expect(result.usableProviderCount == 6)
        #expect(result.enabledModels == ["llama-3.3-70b", "gpt-oss-20b"])
        let llama = result.providers.filter { $0.canonicalModel == "llama-3.3-70b" }
        #expect(llama.map { $0.apiKeySource?.description } == ["GROQ_API_KEYS[1]", "GROQ_API_KEYS[2]", "OPENROUTER_API_KEYS[1]", "OPENROUTER_API_KEYS[2]"])
        #expect(Set(llama.map(\.priority)).count == 1, "the keys of one model share its priority")
        #expect(llama.map(\.keySlot?.name) == ["groq", "groq#2", "openrouter", "openrouter#2"])
        #expect(llama.map(\.keySlot?.family) == ["groq/llama-3.3-70b", "groq/llama-3.3-70b", "openrouter/llama-3.3-70b", "openrouter/llama-3.3-70b"])
        #expect(llama[1].model == "llama-3.3-70b-versatile" && llama[1].rateLimit?.requestsPerMinute == 30)

        // Separate limit scopes: each key is its own account, with its own share of a named pool.
        let specs = llama.map { RouteSpec($0, defaultAPIKeyVariable: Vendor.for($0.kind).defaultAPIKeyVariable) }
        #expect(specs.map(\.limitScope) == [
            "route:groq/llama-3.3-70b", "route:groq#2/llama-3.3-70b",
            "pool:openrouter-free", "pool:openrouter-free@OPENROUTER_API_KEYS[2]",
        ])
        #expect(Set(specs.map(\.account)).count == 4)

        // Every route reads its own key; the configuration holds references only.
        let environment = ["GROQ_API_KEYS": "\(Self.keys[0]),\(Self.keys[1])", "OPENROUTER_API_KEYS": "\(Self.keys[2]),\(Self.keys[3])"]
        #expect(llama.map { $0.effectiveAPIKeySource?.value(in: environment) } == Self.keys)
        let text = "\(result.providers) \(result.disabledProviders) \(result.skippedModels)"
        for key in Self.keys { #expect(!text.contains(key)) }
    }

    @Test func theSingleVariableIsTheFirstKeyAndTheListAddsTheRest() throws {
        let result = try convert(["GROQ_API_KEY": Self.keys[0], "GROQ_API_KEYS": "\(Self.keys[0]),\(Self.keys[1])"])
        let groq = result.providers.filter { $0.kind == .groq && $0.canonicalModel == "gpt-oss-20b" }
        #expect(groq.map(\.name) == ["groq/gpt-oss-20b", "groq#2/gpt-oss-20b"], "the repeated first key is not a third route")
        #expect(groq.map { $0.apiKeySource?.description } == ["GROQ_API_KEY", "GROQ_API_KEYS[2]"])
        // OpenRouter has no key: its route is listed, disabled, named as before.
        #expect(result.disabledProviders.map(\.name) == ["openrouter/llama-3.3-70b"])
    }

    /// `debug-models` counts a key list as the provider's key, and shows no value.
    @Test func theModelsReportCountsAKeyListAsSet() throws {
        let index = try ModelIndex.decode(Data(Self.index.utf8), source: "keys.json")
        let report = ModelsReport.make(index: index, source: nil, options: .init(requiredProviders: []), environment: ["GROQ_API_KEYS": "\(Self.keys[0]),\(Self.keys[1])"])
        #expect(report.credentials["groq"]?.status == "set")
        #expect(report.credentials["openrouter"]?.status == "missing")
        let llama = try #require(report.models.first { $0.canonical == "llama-3.3-70b" })
        #expect(llama.providers["groq"]?.key == "set")
        #expect(llama.servedBy == ["groq"])
        let text = "\(report)"
        for key in Self.keys { #expect(!text.contains(key)) }
    }

    @Test func oneKeyInAListIsOneRouteUnderTodaysName() throws {
        let result = try convert(["GROQ_API_KEYS": Self.keys[0]])
        let groq = result.providers.filter { $0.kind == .groq }
        #expect(groq.map(\.name) == ["groq/llama-3.3-70b", "groq/gpt-oss-20b"])
        #expect(groq.allSatisfy { $0.keySlot == nil && $0.apiKeySource?.description == "GROQ_API_KEYS[1]" })
    }
}
