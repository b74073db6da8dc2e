import LLMRouterCore
import LLMRouterProviders
import Testing

struct UpstreamEndpointTests {
    @Test(arguments: [
        (ProviderKind.groq, "https://api.groq.com/openai/v1/chat/completions", "GROQ_API_KEY"),
        (.openrouter, "https://openrouter.ai/api/v1/chat/completions", "OPENROUTER_API_KEY"),
        (.nvidiaNIM, "https://integrate.api.nvidia.com/v1/chat/completions", "NVIDIA_NIM_KEY"),
        (.huggingface, "https://router.huggingface.co/v1/chat/completions", "HUGGINGFACE_API_TOKEN"),
    ])
    func kindDefaults(_ kind: ProviderKind, _ url: String, _ keyVariable: String) throws {
        let endpoint = try UpstreamEndpoint.resolve(ProviderConfiguration(name: "p", kind: kind), environment: [keyVariable: "k"])
        #expect(endpoint.chatCompletionsURL == url)
        #expect(endpoint.apiKeyVariable == keyVariable)
        #expect(endpoint.apiKey == "k")
        #expect(!endpoint.isMissingAPIKey)
    }

    @Test func environmentOverrideReplacesTheDefault() throws {
        let environment = ["GROQ_BASE_URL": "http://127.0.0.1:9999/v1/", "GROQ_API_KEY": "k"]
        let endpoint = try UpstreamEndpoint.resolve(ProviderConfiguration(name: "p", kind: .groq), environment: environment)
        #expect(endpoint.chatCompletionsURL == "http://127.0.0.1:9999/v1/chat/completions")
    }

    @Test func configuredBaseURLWinsOverTheEnvironment() throws {
        let configuration = ProviderConfiguration(name: "p", kind: .groq, baseURL: "https://proxy.example/v1")
        let endpoint = try UpstreamEndpoint.resolve(configuration, environment: ["GROQ_BASE_URL": "http://other/v1"])
        #expect(endpoint.chatCompletionsURL == "https://proxy.example/v1/chat/completions")
    }

    @Test(arguments: [
        ("https://api.groq.com/openai/v1", "https://api.groq.com/openai/v1/chat/completions"),
        ("https://openrouter.ai/api/v1/", "https://openrouter.ai/api/v1/chat/completions"),
        ("http://127.0.0.1:8000/v1/chat/completions", "http://127.0.0.1:8000/v1/chat/completions"),
        ("http://127.0.0.1:8000/v1/chat/completions/", "http://127.0.0.1:8000/v1/chat/completions"),
        ("http://localhost:11434", "http://localhost:11434/chat/completions"),
    ])
    func chatCompletionsSuffix(_ base: String, _ expected: String) {
        #expect(UpstreamEndpoint.chatCompletionsURL(forBase: base) == expected)
    }

    @Test func openAIRequiresABaseURL() throws {
        #expect(throws: EndpointResolutionError.self) {
            try UpstreamEndpoint.resolve(ProviderConfiguration(name: "local", kind: .openai), environment: [:])
        }
        let endpoint = try UpstreamEndpoint.resolve(
            ProviderConfiguration(name: "local", kind: .openai, baseURL: "http://127.0.0.1:8080/v1"),
            environment: [:]
        )
        // No key variable: a local server that needs no key is usable.
        #expect(endpoint.apiKeyVariable == nil)
        #expect(!endpoint.isMissingAPIKey)
        #expect(endpoint.disabledReason == nil)
    }

    @Test func echoHasNoEndpoint() {
        #expect(throws: EndpointResolutionError.self) {
            try UpstreamEndpoint.resolve(ProviderConfiguration(name: "e", kind: .echo), environment: [:])
        }
    }

    @Test func badOverrideIsRejected() {
        #expect(throws: EndpointResolutionError.self) {
            try UpstreamEndpoint.resolve(ProviderConfiguration(name: "p", kind: .groq), environment: ["GROQ_BASE_URL": "ftp://x"])
        }
    }

    @Test(arguments: [[String: String](), ["GROQ_API_KEY": ""], ["GROQ_API_KEY": "  "]])
    func missingKeyIsDetected(_ environment: [String: String]) throws {
        let endpoint = try UpstreamEndpoint.resolve(ProviderConfiguration(name: "p", kind: .groq), environment: environment)
        #expect(endpoint.isMissingAPIKey)
        #expect(endpoint.apiKey == nil)
        #expect(endpoint.disabledReason == "missing GROQ_API_KEY")
    }

    @Test func configuredKeyVariableIsUsed() throws {
        let configuration = ProviderConfiguration(name: "p", kind: .groq, apiKeyVariable: "GROQ_KEY_2")
        let missing = try UpstreamEndpoint.resolve(configuration, environment: ["GROQ_API_KEY": "default"])
        #expect(missing.disabledReason == "missing GROQ_KEY_2")
        let present = try UpstreamEndpoint.resolve(configuration, environment: ["GROQ_KEY_2": "second"])
        #expect(present.apiKey == "second")
    }
}
