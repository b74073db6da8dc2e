import Foundation
import LLMRouterCatalog
import LLMRouterCore
import Testing

/// A key that is set but serves nothing is named with the reason.
struct IdleKeyTests {
    static let index = ModelIndex(providers: ["groq", "mistral"], models: [
        .init(canonical: "alpha", providers: [
            "groq": .init(model: "a"),
            "mistral": .init(model: "a-m", quarantine: .init(reason: "HTTP 404 on the test call", at: "2026-12-01T00:00:00Z")),
        ]),
        .init(canonical: "beta", providers: [
            "mistral": .init(model: "b-m", quarantine: .init(reason: "HTTP 401 on the test call", at: "2026-12-01T00:00:00Z")),
        ]),
    ])

    private func idle(_ environment: [String: String], selection: ProviderSelection = .anyKeyed, index: ModelIndex = Self.index) -> [IdleKey] {
        let conversion = index.providerConfigurations(selection: selection, environment: environment)
        return index.idleKeys(conversion: conversion, selection: selection, environment: environment)
    }

    @Test func eachReasonNamesTheVariableThatIsSet() {
        let keys = ["GROQ_API_KEY": "gsk_TEST", "MISTRAL_API_KEY": "m-TEST", "GOOGLE_API_KEY": "AIza-TEST", "HF_TOKEN": " "]
        #expect(idle(keys) == [
            IdleKey(provider: "gemini", variable: "GOOGLE_API_KEY", reason: "the catalog has no gemini models"),
            IdleKey(provider: "mistral", variable: "MISTRAL_API_KEY", reason: "all 2 mistral routes are quarantined (HTTP 404 on the test call, since 2026-12-01T00:00:00Z)"),
        ], "groq serves alpha; a blank HF_TOKEN is not a key")
    }

    @Test func aKeyListCountsAsAKey() {
        #expect(idle(["GROQ_API_KEY": "gsk_TEST", "GEMINI_API_KEYS": "k1,k2"]).map(\.variable) == ["GEMINI_API_KEYS"])
    }

    @Test func keysThatServeSomethingAreNotNamed() {
        #expect(idle(["GROQ_API_KEY": "gsk_TEST"]).isEmpty)
        #expect(idle([:]).isEmpty)
    }

    @Test func refusedRoutesAndTheRequiredProvidersAreReasonsToo() {
        let paid = ModelIndex(providers: ["openrouter"], models: [
            .init(canonical: "m", providers: ["openrouter": .init(model: "x/m", paid: true), "groq": .init(model: "m")]),
        ])
        #expect(idle(["OPENROUTER_API_KEY": "sk-or-TEST"], index: paid).map(\.reason) == [
            "all 1 openrouter routes are refused (paid model and allow_paid is not set)",
        ])
        let required = idle(["GROQ_API_KEY": "gsk_TEST"], selection: .all(["groq", "cerebras"]))
        #expect(required.map(\.reason) == ["none of its 1 models is offered by every provider of LLMROUTER_PROVIDERS=groq,cerebras"])
    }

    /// `debug-models` shows the reason next to the key, in the table and in the JSON.
    @Test func debugModelsShowsKeysThatServeNothing() throws {
        let environment = ["GROQ_API_KEY": "gsk_TEST.KEY.idle", "GEMINI_API_KEY": "AIza-TEST.KEY.idle"]
        let report = ModelsReport.make(index: Self.index, source: nil, options: .init(requiredProviders: []), environment: environment)
        #expect(report.credentials["gemini"] == .init(variable: "GEMINI_API_KEY", status: "set", servesNothing: "the catalog has no gemini models"))
        #expect(report.credentials["groq"]?.servesNothing == nil)
        #expect(report.table().contains("Key serves nothing: GEMINI_API_KEY (gemini): the catalog has no gemini models"))
        let json = try report.json()
        #expect(json.contains(#""serves_nothing": "the catalog has no gemini models""#))
        #expect(!json.contains("AIza-TEST.KEY.idle"))
    }

    @Test func theHintVariablesNameEveryProvider() {
        #expect(ProviderKind.catalogKeyVariables == [
            "GROQ_API_KEY", "OPENROUTER_API_KEY", "NVIDIA_NIM_KEY", "HUGGINGFACE_API_TOKEN", "CEREBRAS_API_KEY", "GEMINI_API_KEY",
            "MISTRAL_API_KEY", "GITHUB_TOKEN",
        ])
    }
}
