import LLMRouterCore
import LLMRouterProviders
import Testing

/// Every vendor's key variables have a list form (`GROQ_API_KEYS=k1,k2`), read per item.
struct APIKeyListVariableTests {
    @Test(arguments: [
        (ProviderKind.groq, "GROQ_API_KEYS"),
        (.openrouter, "OPENROUTER_API_KEYS"),
        (.nvidiaNIM, "NVIDIA_NIM_KEYS"),
        (.cerebras, "CEREBRAS_API_KEYS"),
        (.gemini, "GEMINI_API_KEYS"),
        (.mistral, "MISTRAL_API_KEYS"),
        (.githubModels, "GITHUB_TOKENS"),
        (.huggingface, "HUGGINGFACE_API_TOKENS"),
    ])
    func everyVendorHasAListForm(_ kind: ProviderKind, _ list: String) {
        let vendor = Vendor.for(kind)
        #expect(vendor.apiKeyListVariables.first == list)
        #expect(vendor.apiKeyListVariables.count == vendor.acceptedAPIKeyVariables.filter { !$0.hasPrefix("PROVIDER_KEY_") }.count)
        let sources = vendor.apiKeySources(in: [list: "first-key-0001, second-key-0002"])
        #expect(sources.map(\.description) == ["\(list)[1]", "\(list)[2]"])
    }

    @Test func theSingleVariableComesFirstAndARepeatedValueCountsOnce() {
        let environment = ["GROQ_API_KEY": "key-a-000000", "GROQ_API_KEYS": "key-a-000000,key-b-000000", "PROVIDER_KEY_GROQ": "key-c-000000"]
        let sources = Vendor.groq.apiKeySources(in: environment)
        #expect(sources == [APIKeySource(variable: "GROQ_API_KEY"), APIKeySource(variable: "GROQ_API_KEYS", item: 2)])
        #expect(sources.map { $0.value(in: environment) } == ["key-a-000000", "key-b-000000"])
        #expect(Vendor.listVariable(for: "PROVIDER_KEY_GROQ") == nil)
        #expect(Vendor.groq.apiKeySources(in: [:]).isEmpty)
    }

    @Test func aRouteSendsTheItemItNames() throws {
        var configuration = ProviderConfiguration(name: "groq#2", kind: .groq, apiKeyVariable: "GROQ_API_KEYS")
        configuration.apiKeyItem = 2
        let environment = ["GROQ_API_KEYS": "key-a-000000, key-b-000000"]
        let endpoint = try UpstreamEndpoint.resolve(configuration, environment: environment)
        #expect(endpoint.apiKey == "key-b-000000")
        #expect(endpoint.apiKeyVariable == "GROQ_API_KEYS[2]")
        configuration.apiKeyItem = 3
        let missing = try UpstreamEndpoint.resolve(configuration, environment: environment)
        #expect(missing.disabledReason == "missing GROQ_API_KEYS[3]", "the reason names the place, never a value")
    }

    /// The catalog's listing calls have no route: with only a list set, its first key lists.
    @Test func aVendorWithOnlyAListSetListsWithItsFirstKey() throws {
        let endpoint = try UpstreamEndpoint.resolve(.gemini, environment: ["GEMINI_API_KEYS": "key-a-000000,key-b-000000"])
        #expect(endpoint.apiKey == "key-a-000000")
        #expect(endpoint.apiKeyVariable == "GEMINI_API_KEYS[1]")
        let unset = try UpstreamEndpoint.resolve(.gemini, environment: [:])
        #expect(unset.isMissingAPIKey && unset.apiKeyVariable == "GEMINI_API_KEY")
    }
}
