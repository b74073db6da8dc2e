import LLMRouterCore
import LLMRouterConfig
import LLMRouterProviders
import Testing

struct ConfigurationLoaderTests {
    let loader = ConfigurationLoader()

    func parse(_ yaml: String) throws(ConfigurationError) -> ConfigurationLoader.Loaded {
        try loader.parse(yaml: yaml, file: "providers.yaml")
    }

    func error(_ yaml: String) -> ConfigurationError? {
        do {
            _ = try parse(yaml)
            return nil
        } catch {
            return error
        }
    }

    @Test func readsEveryDocumentedField() throws {
        let loaded = try parse(
            """
            providers:
              - name: flaky-echo
                type: echo
                priority: 1
                mock_failure_rate: 0.3
                mock_latency_ms: 25
                model: meta-llama/llama-3.3-70b-instruct:free
                canonical_model: llama-3.3-70b
                aliases: [llama3.3, "Llama 3.3"]
                base_url: https://example.test/v1
                api_key_env: MY_KEY
                extra_headers: {X-Title: llmrouter}
                allow_paid: true
                circuit_breaker:
                  failure_threshold: 4
                  recovery_time_seconds: 2.5
                  window_seconds: 30
                  failure_rate_threshold: 0.25
                  min_requests: 8
                timeouts:
                  connect_seconds: 1
                  first_byte_seconds: 2
                  total_seconds: 3
              - name: groq
                type: groq
            """
        )
        #expect(loaded.warnings.isEmpty)
        let providers = loaded.configuration.providers
        #expect(providers.count == 2)
        let first = providers[0]
        #expect(first.name == "flaky-echo")
        #expect(first.kind == .echo)
        #expect(first.priority == 1)
        #expect(first.mockFailureRate == 0.3)
        #expect(first.mockLatency == .milliseconds(25))
        #expect(first.model == "meta-llama/llama-3.3-70b-instruct:free")
        #expect(first.canonicalModel == "llama-3.3-70b")
        #expect(first.aliases == ["llama3.3", "Llama 3.3"])
        #expect(first.baseURL == "https://example.test/v1")
        #expect(first.apiKeyVariable == "MY_KEY")
        #expect(first.extraHeaders == ["X-Title": "llmrouter"])
        #expect(first.allowPaid)
        #expect(
            first.circuitBreaker
                == BreakerConfiguration(
                    failureThreshold: 4, recoveryTime: .milliseconds(2500), window: .seconds(30),
                    failureRateThreshold: 0.25, minimumRequests: 8
                )
        )
        #expect(first.timeouts == UpstreamTimeouts(connect: .seconds(1), firstByte: .seconds(2), total: .seconds(3)))
        let second = providers[1]
        #expect(second.kind == .groq)
        #expect(second.priority == 100)
        #expect(second.isWildcard)
        #expect(second.effectiveAPIKeyVariable == "GROQ_API_KEY")
        #expect(second.circuitBreaker == BreakerConfiguration())
    }

    @Test func unknownKeysAreWarningsNotErrors() throws {
        let loaded = try parse(
            """
            version: 2
            providers:
              - name: a
                type: echo
                priorty: 3
                circuit_breaker: {failure_treshold: 2}
            """
        )
        #expect(loaded.configuration.providers.count == 1)
        let messages = loaded.warnings.map(\.description)
        #expect(messages.contains("providers.yaml: unknown top-level key 'version' ignored"))
        #expect(messages.contains("providers.yaml: provider 'a': unknown key 'priorty' ignored"))
        #expect(messages.contains("providers.yaml: provider 'a': unknown key 'circuit_breaker.failure_treshold' ignored"))
    }

    @Test(arguments: [
        ("providers:\n  - {name: a, type: claude}", "a", "type", "unknown type 'claude'"),
        ("providers:\n  - {name: a, type: echo}\n  - {name: a, type: echo}", "a", "name", "duplicate provider name"),
        ("providers:\n  - {name: a, type: echo, mock_failure_rate: 1.5}", "a", "mock_failure_rate", "between 0 and 1"),
        ("providers:\n  - {name: a, type: echo, mock_failure_rate: -0.1}", "a", "mock_failure_rate", "between 0 and 1"),
        ("providers:\n  - {name: a, type: echo, priority: -1}", "a", "priority", "must be ≥ 0"),
        ("providers:\n  - {name: a, type: echo, priority: high}", "a", "priority", "whole number"),
        ("providers:\n  - {name: a, type: echo, mock_latency_ms: -5}", "a", "mock_latency_ms", "must be ≥ 0"),
        ("providers:\n  - {name: a, type: echo, circuit_breaker: {recovery_time_seconds: -1}}", "a", "circuit_breaker.recovery_time_seconds", "must not be negative"),
        ("providers:\n  - {name: a, type: echo, circuit_breaker: {failure_threshold: 0}}", "a", "circuit_breaker.failure_threshold", "must be ≥ 1"),
        ("providers:\n  - {name: a, type: echo, circuit_breaker: {failure_rate_threshold: 2}}", "a", "circuit_breaker.failure_rate_threshold", "between 0 and 1"),
        ("providers:\n  - {name: a, type: echo, timeouts: {total_seconds: 0}}", "a", "timeouts.total_seconds", "greater than 0"),
        ("providers:\n  - {name: a, type: openai}", "a", "base_url", "required for type 'openai'"),
        ("providers:\n  - {name: a, type: groq, base_url: ftp://x}", "a", "base_url", "http:// or https://"),
        ("providers:\n  - {name: a, type: echo, aliases: {x: 1}}", "a", "aliases", "list of strings"),
        ("providers:\n  - {name: a, type: echo, allow_paid: maybe}", "a", "allow_paid", "true or false"),
        ("providers:\n  - {type: echo}", "#1", "name", "missing"),
        ("providers:\n  - {name: a, type: echo}\n  - {name: b}", "b", "type", "missing"),
        ("providers:\n  - just-a-string", "#1", nil, "must be a mapping"),
    ] as [(String, String, String?, String)])
    func rejectsInvalidProviderFields(yaml: String, provider: String, field: String?, fragment: String) throws {
        let failure = try #require(error(yaml))
        #expect(failure.file == "providers.yaml")
        #expect(failure.provider == provider)
        #expect(failure.field == field)
        #expect(failure.message.contains(fragment), "\(failure)")
    }

    @Test(arguments: [
        ("providers: []", "providers", "is empty"),
        ("other: 1", "providers", "missing"),
        ("providers: {a: 1}", "providers", "must be a list"),
    ])
    func rejectsMissingOrEmptyProviderList(yaml: String, field: String, fragment: String) throws {
        let failure = try #require(error(yaml))
        #expect(failure.provider == nil)
        #expect(failure.field == field)
        #expect(failure.message.contains(fragment))
    }

    @Test func rejectsMalformedYAML() throws {
        let failure = try #require(error("providers:\n  - name: a\n   type: [echo"))
        #expect(failure.description.hasPrefix("providers.yaml: malformed YAML"))
    }

    @Test func rejectsAScalarDocument() throws {
        let failure = try #require(error("just text"))
        #expect(failure.message.contains("expected a mapping"))
    }

    @Test func namesTheFileThatCannotBeRead() throws {
        do {
            _ = try loader.load(path: "/nonexistent/llmrouter/providers.yaml")
            Issue.record("loading a missing file succeeded")
        } catch {
            #expect(error.description == "/nonexistent/llmrouter/providers.yaml: no such file")
        }
    }

    @Test func errorDescriptionNamesFileProviderAndField() {
        let error = ConfigurationError(file: "c.yaml", provider: "groq", field: "priority", message: "must be ≥ 0, got -1")
        #expect(error.description == "c.yaml: provider 'groq' field 'priority': must be ≥ 0, got -1")
    }

    @Test func shippedExampleConfigLoads() throws {
        let path = String(#filePath).replacing("/Tests/LLMRouterConfigTests/ConfigurationLoaderTests.swift", with: "/config/providers.example.yaml")
        let loaded = try loader.load(path: path)
        #expect(loaded.warnings.isEmpty)
        #expect(loaded.configuration.providers.contains { $0.kind == .echo && $0.mockFailureRate > 0 })
        #expect(loaded.configuration.providers.contains { $0.kind == .echo && $0.mockFailureRate == 0 })
    }
}

struct RateLimitConfigurationTests {
    func parse(_ yaml: String) throws(ConfigurationError) -> RouterConfiguration {
        try ConfigurationLoader().parse(yaml: yaml, file: "providers.yaml").configuration
    }

    @Test func readsRateLimitsWeightsAndRouting() throws {
        let configuration = try parse("""
            routing:
              policy: headroom
              max_wait_seconds: 1.5
              max_waiting: 8
              models:
                llama: {policy: weighted}
            providers:
              - name: a
                type: echo
                weight: 2.5
                rate_limit: {scope: "pool:free", rpm: 20, rpd: 50, tpm: 1000, tpd: 9000, max_concurrency: 2, daily_reset: America/Los_Angeles}
              - name: b
                type: echo
                rate_limit: {scope: provider, daily_reset: rolling}
            """)
        #expect(configuration.routing == RoutingConfiguration(policy: .headroom, modelPolicies: ["llama": .weighted], maxWait: .milliseconds(1500), maxWaiting: 8))
        let limits = try #require(configuration.providers[0].rateLimit)
        #expect(limits == RateLimitConfiguration(scope: .pool("free"), requestsPerMinute: 20, requestsPerDay: 50, tokensPerMinute: 1000, tokensPerDay: 9000, maxConcurrency: 2, dailyReset: .timeZone("America/Los_Angeles")))
        #expect(configuration.providers[0].weight == 2.5)
        #expect(configuration.providers[1].rateLimit == RateLimitConfiguration(scope: .provider, dailyReset: .rolling))
    }

    @Test(arguments: [
        ("providers:\n  - {name: a, type: echo, rate_limit: {rpm: 0}}", "rate_limit.rpm"),
        ("providers:\n  - {name: a, type: echo, rate_limit: {scope: everywhere}}", "rate_limit.scope"),
        ("providers:\n  - {name: a, type: echo, rate_limit: {daily_reset: Mars/Olympus}}", "rate_limit.daily_reset"),
        ("providers:\n  - {name: a, type: echo, rate_limit: 30}", "rate_limit"),
        ("providers:\n  - {name: a, type: echo, weight: -1}", "weight"),
        ("routing: {policy: fastest}\nproviders:\n  - {name: a, type: echo}", "routing.policy"),
        ("routing: {max_wait_seconds: -2}\nproviders:\n  - {name: a, type: echo}", "routing.max_wait_seconds"),
        ("routing: [priority]\nproviders:\n  - {name: a, type: echo}", "routing"),
    ])
    func badValuesNameTheirField(yaml: String, field: String) {
        do {
            _ = try parse(yaml)
            Issue.record("expected an error naming \(field)")
        } catch {
            #expect(error.field == field, "\(error)")
        }
    }
}
