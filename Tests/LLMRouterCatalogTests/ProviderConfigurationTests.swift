import Foundation
import LLMRouterCatalog
import LLMRouterCore
import Testing

struct ProviderConfigurationTests {
    static let allKeys = Fixtures.keys

    private func newestIndex() throws -> ModelIndex {
        let builder = CatalogBuilder(options: .init(providers: [.groq, .openrouter, .nvidiaNIM]))
        return builder.build(seed: try Fixtures.seed(), listings: try Fixtures.listings(Fixtures.newest), generatedAt: nil).index
    }

    @Test func selectionDefaultAndParsing() {
        #expect(ProviderSelection.parse(environment: [:]) == .anyKeyed)
        #expect(ProviderSelection.parse(environment: ["LLMROUTER_PROVIDERS": " "]) == .anyKeyed)
        #expect(ProviderSelection.parse(environment: ["LLMROUTER_PROVIDERS": "Groq, nvidia_nim,groq"]) == .all(["groq", "nvidia_nim"]))
    }

    /// The default: a model is served when any provider with a key offers it. With only a Groq
    /// key, llama-3.3-70b is served (it answered 404 under the old all-three rule).
    @Test func byDefaultAnyProviderWithAKeyServesAModel() throws {
        let index = try newestIndex()
        let groqOnly = index.providerConfigurations(selection: .anyKeyed, environment: ["GROQ_API_KEY": "gsk_TEST.KEY.groq.0123.abcdef"])
        #expect(groqOnly.enabledModels.contains("llama-3.3-70b"))
        #expect(groqOnly.enabledModels.count > 1)
        let llama = groqOnly.providers.filter { $0.canonicalModel == "llama-3.3-70b" }
        #expect(llama.map(\.name) == ["groq/llama-3.3-70b", "nvidia_nim/llama-3.3-70b", "huggingface/llama-3.3-70b"], "every offering provider joins, keyless ones disabled")
        #expect(groqOnly.disabledProviders.contains { $0.name == "nvidia_nim/llama-3.3-70b" })
        // Models no keyed provider offers are not served (nemotron-3-super: OpenRouter and NIM only).
        #expect(index.entry(named: "nemotron-3-super-120b-a12b") != nil)
        #expect(!groqOnly.enabledModels.contains("nemotron-3-super-120b-a12b"))
        #expect(groqOnly.skippedModels.contains { $0.canonical == "nemotron-3-super-120b-a12b" && $0.missingProviders.isEmpty })

        let allKeys = index.providerConfigurations(selection: .anyKeyed, environment: Self.allKeys)
        let explicit = index.providerConfigurations(selection: .all(["groq", "openrouter", "nvidia_nim"]), environment: Self.allKeys)
        #expect(allKeys.enabledModels.count == index.models.count, "with every key, every catalog model is served")
        #expect(explicit.enabledModels == ["gpt-oss-20b"], "an explicit LLMROUTER_PROVIDERS keeps the original rule")
    }

    @Test func aModelIsEnabledOnlyWhenEveryRequiredProviderOffersIt() throws {
        let index = try newestIndex()
        let all = index.providerConfigurations(selection: .all(["groq", "openrouter", "nvidia_nim"]), environment: Self.allKeys)
        // In the newest captures only gpt-oss-20b is free on all three.
        #expect(all.enabledModels == ["gpt-oss-20b"])
        #expect(all.providers.map(\.name) == ["groq/gpt-oss-20b", "openrouter/gpt-oss-20b", "nvidia_nim/gpt-oss-20b", "huggingface/gpt-oss-20b"])
        #expect(all.skippedModels.first { $0.canonical == "llama-3.3-70b" }?.missingProviders == ["openrouter"])

        let two = index.providerConfigurations(selection: .all(["groq", "nvidia_nim"]), environment: Self.allKeys)
        #expect(two.enabledModels == ["llama-3.3-70b", "llama-3.1-8b", "gpt-oss-120b", "gpt-oss-20b", "llama-4-maverick"])
        // The list is a requirement, not a filter: OpenRouter still serves gpt-oss-20b.
        #expect(two.providers.contains { $0.name == "openrouter/gpt-oss-20b" })
    }

    @Test func entriesCarryTheMappingAndCatalogPriority() throws {
        let index = try newestIndex()
        let result = index.providerConfigurations(selection: .all(["groq", "nvidia_nim"]), environment: Self.allKeys)
        let byName = Dictionary(uniqueKeysWithValues: result.providers.map { ($0.name, $0) })
        let groq = try #require(byName["groq/llama-3.3-70b"])
        #expect(groq.kind == .groq)
        #expect(groq.model == "llama-3.3-70b-versatile")
        #expect(groq.canonicalModel == "llama-3.3-70b")
        #expect(groq.aliases == ["meta-llama/llama-3.3-70b-instruct", "llama-3.3-70b-instruct"])
        #expect(groq.apiKeyVariable == "GROQ_API_KEY")
        #expect(groq.priority == 0)
        #expect(byName["nvidia_nim/llama-3.3-70b"]?.priority == 0)
        #expect(byName["groq/gpt-oss-20b"]?.priority == 30)
        // OpenRouter's priority_offset of 5 makes it the later fallback of its model.
        let openRouter = try #require(byName["openrouter/gpt-oss-20b"])
        #expect(openRouter.priority == 35)
        #expect(openRouter.extraHeaders == ["X-Title": "llmrouter"])
    }

    @Test func providersWithoutTheirKeyAreDisabled() throws {
        let index = try newestIndex()
        var environment = Self.allKeys
        environment["OPENROUTER_API_KEY"] = nil
        let result = index.providerConfigurations(selection: .all(["groq", "openrouter", "nvidia_nim"]), environment: environment)
        // The keyless provider stays listed (the router shows it disabled) but is not usable.
        #expect(result.providers.map(\.name) == ["groq/gpt-oss-20b", "openrouter/gpt-oss-20b", "nvidia_nim/gpt-oss-20b", "huggingface/gpt-oss-20b"])
        #expect(result.providers[1].apiKeyVariable == "OPENROUTER_API_KEY")
        #expect(result.usableProviderCount == 3)
        #expect(result.disabledProviders == [.init(name: "openrouter/gpt-oss-20b", reason: "key variable OPENROUTER_API_KEY is not set")])

        let none = index.providerConfigurations(selection: .all(["groq"]), environment: [:])
        #expect(!none.providers.isEmpty)
        #expect(none.usableProviderCount == 0)
        #expect(none.configuration == nil)
    }

    @Test func pythonIndexHonoursItsKeyVariablesWithDefaultFallback() throws {
        let index = try ModelIndex.decode(Data(ModelIndexDecodingTests.pythonIndex.utf8), source: "python.json")
        let environment = ["PROVIDER_KEY_GROQ": "gsk_TEST.KEY.python.0123", "OPENROUTER_API_KEY": "sk-or-v1-TESTKEY0123456789"]
        let result = index.providerConfigurations(selection: .all(["groq", "openrouter", "nvidia_nim"]), environment: environment)
        let byName = Dictionary(uniqueKeysWithValues: result.providers.map { ($0.name, $0) })
        #expect(byName["groq/llama-3.3-70b"]?.apiKeyVariable == "PROVIDER_KEY_GROQ")
        #expect(byName["openrouter/llama-3.3-70b"]?.apiKeyVariable == "OPENROUTER_API_KEY")
        #expect(byName["groq/llama-3.3-70b"]?.circuitBreaker.failureThreshold == 3)
        #expect(byName["groq/llama-3.3-70b"]?.circuitBreaker.recoveryTime == .seconds(15))
        // The canonical name repeated among Python's aliases is not an alias of itself.
        #expect(byName["groq/llama-3.3-70b"]?.aliases == ["meta-llama/llama-3.3-70b"])
        #expect(Set(result.disabledProviders.map(\.name)) == ["nvidia_nim/llama-3.3-70b", "huggingface/llama-3.3-70b"])
        #expect(result.disabledProviders.first { $0.name == "nvidia_nim/llama-3.3-70b" }?.reason
            == "key variable NVIDIA_NIM_KEY or PROVIDER_KEY_NVIDIA_NIM is not set")
        // The result routes: the resolver finds the model by alias.
        let configuration = try #require(result.configuration)
        let resolver = ModelResolver(providers: configuration.providers)
        #expect(resolver.resolve("meta-llama/llama-3.3-70b") == .providers(Array(configuration.providers.indices)))
        #expect(configuration.providers.count == 4, "groq and openrouter usable, nvidia_nim and huggingface listed as disabled")
    }

    @Test func paidMappingsNeedAllowPaid() throws {
        let index = ModelIndex(providers: ["groq", "openrouter"], models: [
            .init(canonical: "a", providers: ["groq": .init(model: "a"), "openrouter": .init(model: "x/a", paid: true)]),
            .init(canonical: "b", providers: ["groq": .init(model: "b"), "openrouter": .init(model: "x/b", allowPaid: true, paid: true)]),
        ])
        let result = index.providerConfigurations(selection: .all(["groq", "openrouter"]), environment: Self.allKeys)
        #expect(result.enabledModels == ["b"])
        #expect(result.providers.first { $0.name == "openrouter/b" }?.allowPaid == true)
        let relaxed = index.providerConfigurations(selection: .all(["groq"]), environment: Self.allKeys)
        #expect(relaxed.providers.map(\.name) == ["groq/a", "groq/b", "openrouter/b"])
        #expect(relaxed.disabledProviders.map(\.reason) == ["paid model and allow_paid is not set"])
    }

    @Test func mappingFieldsReachTheConfiguration() throws {
        let index = ModelIndex(providers: ["nvidia_nim"], models: [
            .init(canonical: "m", providers: ["nvidia_nim": .init(
                model: "v/m", apiKeyEnv: "MY_NIM_KEY", baseURL: "http://127.0.0.1:9/v1", extraHeaders: ["X": "y"],
                priorityOffset: -7, circuitBreaker: .init(minRequests: 4), mockFailureRate: 0.5
            )]),
        ])
        let result = index.providerConfigurations(selection: .all(["nvidia_nim"]), environment: ["MY_NIM_KEY": "nvapi-abcdefgh"])
        let provider = try #require(result.providers.first)
        #expect(provider.apiKeyVariable == "MY_NIM_KEY")
        #expect(provider.baseURL == "http://127.0.0.1:9/v1")
        #expect(provider.extraHeaders == ["X": "y"])
        #expect(provider.priority == 0)
        #expect(provider.circuitBreaker == BreakerConfiguration(minimumRequests: 4))
        #expect(provider.mockFailureRate == 0.5)
    }
}
