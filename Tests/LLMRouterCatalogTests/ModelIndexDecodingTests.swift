import Foundation
import LLMRouterCatalog
import LLMRouterCore
import Testing

struct ModelIndexDecodingTests {
    /// The shape the original Python llmrouter writes: no schema_version or generated_at, the
    /// canonical name repeated in aliases, its own key variables, `null` base URLs, a two-field
    /// breaker, and OpenRouter ids without `:free` in `provider_catalogs`.
    static let pythonIndex = """
        {
          "providers": ["groq", "openrouter", "nvidia_nim", "huggingface"],
          "models": [
            {
              "canonical": "llama-3.3-70b",
              "aliases": ["llama-3.3-70b", "meta-llama/llama-3.3-70b"],
              "providers": {
                "groq": {"model": "llama-3.3-70b-versatile", "api_key_env": "PROVIDER_KEY_GROQ", "base_url": null,
                         "extra_headers": {}, "allow_paid": false, "priority_offset": 0,
                         "circuit_breaker": {"failure_threshold": 3, "recovery_time_seconds": 15}, "mock_failure_rate": 0.0},
                "openrouter": {"model": "meta-llama/llama-3.3-70b-instruct:free", "api_key_env": "PROVIDER_KEY_OPENROUTER",
                               "base_url": null, "extra_headers": {"HTTP-Referer": "https://example.org", "X-Title": "llmrouter"},
                               "allow_paid": false, "priority_offset": 0,
                               "circuit_breaker": {"failure_threshold": 3, "recovery_time_seconds": 15}, "mock_failure_rate": 0.0},
                "nvidia_nim": {"model": "meta/llama-3.3-70b-instruct", "api_key_env": "PROVIDER_KEY_NVIDIA_NIM", "base_url": null,
                               "extra_headers": {}, "allow_paid": false, "priority_offset": 0,
                               "circuit_breaker": {"failure_threshold": 3, "recovery_time_seconds": 15}, "mock_failure_rate": 0.0},
                "huggingface": {"model": "meta-llama/Meta-Llama-3.3-70B-Instruct", "api_key_env": "PROVIDER_KEY_HUGGINGFACE",
                                "base_url": null, "extra_headers": {}, "allow_paid": false, "priority_offset": 0,
                                "circuit_breaker": {"failure_threshold": 3, "recovery_time_seconds": 15}, "mock_failure_rate": 0.0}
              }
            }
          ],
          "provider_catalogs": {
            "groq": ["llama-3.3-70b-versatile"],
            "openrouter": ["meta-llama/llama-3.3-70b-instruct"],
            "nvidia_nim": ["meta/llama-3.3-70b-instruct"]
          }
        }
        """

    private func decode(_ json: String) throws -> ModelIndex {
        try ModelIndex.decode(Data(json.utf8), source: "index.json")
    }

    private func error(_ json: String) -> IndexError? {
        #expect(throws: IndexError.self) { try decode(json) }
    }

    @Test func acceptsThePythonLLMRouterFormat() throws {
        let index = try decode(Self.pythonIndex)
        #expect(index.schemaVersion == nil)
        #expect(index.generatedAt == nil)
        #expect(index.providers == ["groq", "openrouter", "nvidia_nim", "huggingface"])
        let entry = try #require(index.models.first)
        #expect(entry.canonical == "llama-3.3-70b")
        #expect(entry.autoMatched == false)
        #expect(entry.providers["groq"]?.apiKeyEnv == "PROVIDER_KEY_GROQ")
        #expect(entry.providers["groq"]?.circuitBreaker == CircuitBreakerSettings(failureThreshold: 3, recoveryTimeSeconds: 15))
        #expect(entry.providers["openrouter"]?.extraHeaders["X-Title"] == "llmrouter")
        // Python stored OpenRouter ids without `:free`; both spellings count as listed.
        #expect(index.isListedFree("meta-llama/llama-3.3-70b-instruct:free", provider: "openrouter"))
    }

    @Test func ourOwnFilesRoundTrip() throws {
        let index = ModelIndex(
            generatedAt: "2026-01-01T00:00:00Z", providers: ["groq"],
            models: [.init(canonical: "m", aliases: ["a"], providers: [
                "groq": .init(model: "x/m", apiKeyEnv: "GROQ_API_KEY", baseURL: "http://127.0.0.1:1/v1", extraHeaders: ["H": "v"],
                              allowPaid: true, priorityOffset: -3, circuitBreaker: .init(failureThreshold: 5, windowSeconds: 30.5),
                              mockFailureRate: 0.25, paid: true),
            ], autoMatched: true)],
            providerCatalogs: ["groq": ["x/m"]]
        )
        for pretty in [true, false] {
            #expect(try ModelIndex.decode(index.encoded(pretty: pretty), source: "memory") == index)
        }
    }

    @Test func toleratesMissingOptionalFieldsNullsAndUnknownKeys() throws {
        let index = try decode("""
            {"schema_version": "1", "future_field": {"x": 1},
             "models": [{"canonical": "m", "aliases": "single-alias", "providers": {"groq": {"model": "x", "api_key_env": null,
               "circuit_breaker": null, "priority_offset": 2.0, "note": "unknown"}}}]}
            """)
        #expect(index.schemaVersion == 1)
        #expect(index.providers == ["groq"])
        #expect(index.models[0].aliases == ["single-alias"])
        #expect(index.models[0].providers["groq"]?.priorityOffset == 2)
        #expect(index.providerCatalogs.isEmpty)
    }

    @Test func errorsNameTheField() {
        #expect(error("[1, 2]")?.description == "index.json: expected a JSON object with a 'models' list, got a list")
        #expect(error(#"{"providers": []}"#)?.field == "models")
        #expect(error(#"{"models": []}"#)?.message == "is empty; the index lists no model")
        #expect(error(#"{"models": [{"canonical": "ok", "providers": {}}, {"providers": {}}]}"#)?.field == "models[1].canonical")
        #expect(error(#"{"models": [{"canonical": "m", "providers": {"groq": {"api_key_env": "K"}}}]}"#)?.description
            == "index.json: field 'models[0].providers.groq.model': missing; must be a non-empty string")
        #expect(error(#"{"models": [{"canonical": "m", "providers": {"groq": {"model": "x", "mock_failure_rate": 2}}}]}"#)?.field
            == "models[0].providers.groq.mock_failure_rate")
        #expect(error(#"{"models": [{"canonical": "m", "providers": {"groq": {"model": "x", "circuit_breaker": {"failure_threshold": "three"}}}}]}"#)?.field
            == "models[0].providers.groq.circuit_breaker.failure_threshold")
        #expect(error(#"{"models": [{"canonical": "m", "providers": {"groq": {"model": "x", "base_url": "ftp://x"}}}]}"#)?.field
            == "models[0].providers.groq.base_url")
        #expect(error(#"{"models": [{"canonical": "M", "providers": {}}, {"canonical": "m", "providers": {}}]}"#)?.message
            == "duplicate canonical name 'm' (also models[0])")
        #expect(error(#"{"models": [{"canonical": "m", "providers": {"groq": "x"}}]}"#)?.field == "models[0].providers.groq")
    }

    @Test func refusesNewerSchemasAndNonJSON() {
        let newer = error(#"{"schema_version": 4, "models": [{"canonical": "m", "providers": {}}]}"#)
        #expect(newer?.kind == .unsupportedSchema)
        #expect(newer?.field == "schema_version")
        #expect(error("{not json")?.kind == .malformedJSON)
        #expect(error("")?.kind == .malformedJSON)
    }

    /// Schema 2's route facts round-trip through the encoder, and are checked on the way in.
    @Test func schemaTwoRouteFactsRoundTrip() throws {
        let mapping = ModelIndex.ProviderMapping(
            model: "x",
            limits: RateLimitConfiguration(scope: .pool("openrouter-free"), requestsPerMinute: 20, requestsPerDay: 50, dailyReset: .timeZone("America/Los_Angeles")),
            capabilities: RouteCapabilities(tools: true, vision: false, jsonMode: nil, contextLength: 131072, maxOutputTokens: 8192),
            price: .free,
            quarantine: .init(reason: "HTTP 404 on the test call", at: "2026-11-22T00:00:00Z"),
            verification: .init(at: "2026-11-22T00:00:00Z", latencyMilliseconds: 210, rateLimitHeaders: ["x-ratelimit-limit-requests": "1000"])
        )
        let index = ModelIndex(generatedAt: "2026-11-22T00:00:00Z", providers: ["openrouter"], models: [.init(canonical: "m", providers: ["openrouter": mapping])])
        let data = try index.encoded(pretty: true)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""scope": "pool""#))
        #expect(text.contains(#""daily_reset": "America/Los_Angeles""#))
        #expect(try ModelIndex.decode(data, source: "round-trip") == index)
        // A v1 mapping writes none of the new keys.
        let plain = String(decoding: try ModelIndex(providers: ["groq"], models: [.init(canonical: "m", providers: ["groq": .init(model: "x")])]).encoded(pretty: false), as: UTF8.self)
        #expect(!plain.contains("limits") && !plain.contains("capabilities") && !plain.contains("quarantine"))
        #expect(error(#"{"models": [{"canonical": "m", "providers": {"groq": {"model": "x", "limits": {"rpm": -1}}}}]}"#)?.field
            == "models[0].providers.groq.limits.rpm")
        #expect(error(#"{"models": [{"canonical": "m", "providers": {"groq": {"model": "x", "limits": {"scope": "pool"}}}}]}"#)?.field
            == "models[0].providers.groq.limits.scope")
        #expect(error(#"{"models": [{"canonical": "m", "providers": {"groq": {"model": "x", "limits": {"daily_reset": "noon"}}}}]}"#)?.field
            == "models[0].providers.groq.limits.daily_reset")
    }
}
