import LLMRouterConfig
import LLMRouterCore
import LLMRouterProviders
import Testing

/// `api_key_env: [A, B]`: a route per key, named `name`, `name#2`; a single string as before.
struct APIKeyListTests {
    func parse(_ yaml: String) throws(ConfigurationError) -> RouterConfiguration {
        try ConfigurationLoader().parse(yaml: yaml, file: "providers.yaml").configuration
    }

    @Test func aListOfKeyVariablesMakesARoutePerKey() throws {
        let configuration = try parse(
            """
            providers:
              - name: gemini
                type: gemini
                model: gemini-2.5-flash
                priority: 5
                api_key_env: [GEMINI_API_KEY, GEMINI_API_KEY_2, GEMINI_TEAM_KEY]
                rate_limit: {scope: provider, rpm: 10}
              - {name: groq, type: groq, api_key_env: GROQ_API_KEY}
              - {name: cerebras, type: cerebras}
            """
        )
        let names = configuration.providers.map(\.name)
        #expect(names == ["gemini", "gemini#2", "gemini#3", "groq", "cerebras"])
        let gemini = Array(configuration.providers.prefix(3))
        #expect(gemini.map(\.apiKeyVariable) == ["GEMINI_API_KEY", "GEMINI_API_KEY_2", "GEMINI_TEAM_KEY"])
        #expect(gemini.map(\.keySlot?.name) == ["gemini", "gemini#2", "gemini#3"])
        #expect(gemini.allSatisfy { $0.keySlot?.family == "gemini" && $0.priority == 5 && $0.model == "gemini-2.5-flash" })
        // Limits scoped to the provider are kept per key: each key is its own account.
        #expect(gemini.map { RouteSpec($0).limitScope } == ["account:gemini:GEMINI_API_KEY", "account:gemini:GEMINI_API_KEY_2", "account:gemini:GEMINI_TEAM_KEY"])
        let groq = try #require(configuration.providers.first { $0.name == "groq" })
        #expect(groq.apiKeyVariable == "GROQ_API_KEY" && groq.keySlot == nil, "a single string keeps working")
        #expect(configuration.providers.last?.effectiveAPIKeyVariable == "CEREBRAS_API_KEY")
    }

    @Test func badKeyListsNameTheField() {
        let cases: [(yaml: String, fragment: String)] = [
            ("  - {name: g, type: gemini, api_key_env: []}", "at least one variable"),
            ("  - {name: g, type: gemini, api_key_env: [A, {b: c}]}", "list of non-empty strings"),
            ("  - {name: g, type: gemini, api_key_env: {a: b}}", "list of strings"),
        ]
        for (entry, fragment) in cases {
            do {
                _ = try parse("providers:\n\(entry)")
                Issue.record("accepted: \(entry)")
            } catch {
                #expect(error.field == "api_key_env", "\(error)")
                #expect(error.message.contains(fragment), "\(error)")
            }
        }
    }

    @Test func aKeyRouteNamedLikeAnotherEntryIsADuplicate() {
        do {
            _ = try parse("providers:\n  - {name: g, type: gemini, api_key_env: [A, B]}\n  - {name: g#2, type: echo}")
            Issue.record("a clash between g#2 and the second key of g was accepted")
        } catch {
            #expect(error.provider == "g#2")
            #expect(error.message.contains("duplicate provider name"))
        }
    }

    @Test func theUpstreamEndpointReadsTheKeyOfItsRoute() throws {
        let configuration = try parse("providers:\n  - {name: g, type: gemini, api_key_env: [KEY_ONE, KEY_TWO]}")
        let environment = ["KEY_ONE": "first-key-value-000", "KEY_TWO": "second-key-value-00"]
        let endpoints = try configuration.providers.map { try UpstreamEndpoint.resolve($0, environment: environment) }
        #expect(endpoints.map(\.apiKey) == ["first-key-value-000", "second-key-value-00"])
        let missing = try UpstreamEndpoint.resolve(configuration.providers[1], environment: ["KEY_ONE": "first-key-value-000"])
        #expect(missing.disabledReason == "missing KEY_TWO")
    }
}
