import LLMRouterCore
import LLMRouterTesting
import Testing

/// Several keys of one provider entry: a route per key, tried one after the other, each with
/// its own state until the keys turn out to share one account's limits.
struct MultiKeyRoutingTests {
    /// Key `number` of the entry `family`, read from item `number` of `GEMINI_API_KEYS`.
    static func key(_ number: Int, of family: String = "gemini", priority: Int = 1) -> @Sendable (inout ProviderConfiguration) -> Void {
        { configuration in
            configuration.priority = priority
            configuration.apiKeyVariable = "GEMINI_API_KEYS"
            configuration.apiKeyItem = number
            configuration.keySlot = ProviderKeySlot(name: ProviderConfiguration.keyName(family, number: number), number: number, family: family)
        }
    }

    @Test func anEntryWithSeveralKeysBecomesARoutePerKey() {
        var entry = ProviderConfiguration(name: "gemini", kind: .gemini, model: "gemini-2.5-flash")
        entry.rateLimit = RateLimitConfiguration(scope: .pool("free"), requestsPerMinute: 10)
        let keys = [APIKeySource(variable: "GEMINI_API_KEY"), APIKeySource(variable: "GEMINI_API_KEY_2")]
        let routes = entry.oneRoutePerKey(keys, keyBase: "gemini")
        #expect(routes.map(\.name) == ["gemini", "gemini#2"])
        #expect(routes.map(\.apiKeyVariable) == ["GEMINI_API_KEY", "GEMINI_API_KEY_2"])
        #expect(routes.map(\.keySlot) == [.init(name: "gemini", number: 1, family: "gemini"), .init(name: "gemini#2", number: 2, family: "gemini")])
        #expect(routes.allSatisfy { $0.model == "gemini-2.5-flash" && $0.rateLimit == entry.rateLimit })

        let specs = routes.map { RouteSpec($0) }
        #expect(specs.map(\.account) == ["account:gemini:GEMINI_API_KEY", "account:gemini:GEMINI_API_KEY_2"])
        #expect(specs.map(\.limitScope) == ["pool:free", "pool:free@GEMINI_API_KEY_2"], "a named pool is counted per key")
        #expect(specs.map(\.key) == ["gemini", "gemini#2"])

        let catalog = ProviderConfiguration(name: "groq/llama-3.3-70b", kind: .groq)
            .oneRoutePerKey([1, 2, 3].map { APIKeySource(variable: "GROQ_API_KEYS", item: $0) }, keyBase: "groq") { "\($0)/llama-3.3-70b" }
        #expect(catalog.map(\.name) == ["groq/llama-3.3-70b", "groq#2/llama-3.3-70b", "groq#3/llama-3.3-70b"])
        #expect(catalog.map { RouteSpec($0).limitScope } == ["route:groq/llama-3.3-70b", "route:groq#2/llama-3.3-70b", "route:groq#3/llama-3.3-70b"])
        #expect(catalog.map { RouteSpec($0).account } == ["account:groq:GROQ_API_KEYS[1]", "account:groq:GROQ_API_KEYS[2]", "account:groq:GROQ_API_KEYS[3]"])
        #expect(Set(catalog.map(\.keySlot?.family)) == ["groq/llama-3.3-70b"])

        let single = entry.oneRoutePerKey([APIKeySource(variable: "GEMINI_API_KEY")], keyBase: "gemini")
        #expect(single.map(\.name) == ["gemini"])
        #expect(single.first?.keySlot == nil, "one key behaves as before")
    }

    @Test func aKeyIsReadFromItsVariableOrItsPlaceInAList() {
        let environment = ["ONE": "  k-one  ", "LIST": "k-a, ,k-b,", "BLANK": "  "]
        #expect(APIKeySource(variable: "ONE").value(in: environment) == "k-one")
        #expect(APIKeySource(variable: "LIST", item: 2).value(in: environment) == "k-b", "empty items are not keys")
        #expect(APIKeySource(variable: "LIST", item: 3).value(in: environment) == nil)
        #expect(APIKeySource(variable: "BLANK").value(in: environment) == nil)
        #expect(APIKeySource.list("LIST", in: environment).map(\.description) == ["LIST[1]", "LIST[2]"])
        #expect(APIKeySource.list("UNSET", in: environment).isEmpty)
    }

    @Test func theKeysOfOneEntryStayTogetherInThePolicysOrder() {
        func route(_ name: String, _ slot: (Int, String)? = nil) -> Route {
            var configuration = ProviderConfiguration(name: name, kind: .groq)
            if let (number, family) = slot { configuration.keySlot = ProviderKeySlot(name: name, number: number, family: family) }
            return Route(configuration: configuration, provider: nil)
        }
        let groq = route("groq", (1, "groq")), groq2 = route("groq#2", (2, "groq")), groq3 = route("groq#3", (3, "groq"))
        let cerebras = route("cerebras")
        func names(_ order: [Route]) -> [String] { order.keepingKeysTogether().map(\.name) }
        #expect(names([groq, cerebras, groq2]) == ["groq", "groq#2", "cerebras"])
        #expect(names([groq2, cerebras, groq]) == ["groq#2", "groq", "cerebras"])
        #expect(names([cerebras, groq3, groq, groq2]) == ["cerebras", "groq#3", "groq", "groq#2"])
        #expect(names([cerebras]) == ["cerebras"])
    }

    /// File order puts `other` between the two keys; still, key 1's 429 moves to key 2 first.
    @Test func a429OnTheFirstKeyMovesToTheSecondBeforeTheNextProvider() async throws {
        let harness = RouterHarness([
            ("gemini", Self.key(1), Scripts.rateLimited(after: .seconds(30))),
            ("other", { $0.priority = 1 }, Scripts.ok),
            ("gemini#2", Self.key(2), Scripts.ok),
        ])
        let outcome = try await harness.send()
        #expect(outcome.answeredBy == "gemini#2")
        #expect(harness.calls("gemini") == 1 && harness.calls("other") == 0)
        // Each key has its own state: the first cools, the second does not.
        #expect(harness.state.snapshot("gemini")?.coolDown?.scope == "route:gemini")
        #expect(harness.state.snapshot("gemini#2")?.coolDown == nil)
        #expect(harness.state.snapshot("gemini#2")?.key == "gemini#2")
        #expect(harness.state.snapshot("gemini#2")?.limits?.account == "account:openrouter:GEMINI_API_KEYS[2]")
        #expect(harness.state.snapshot("gemini")?.keyPool == nil, "keys that did not cool together are not pooled")
        let attempts = harness.recorded.withLock { $0.last?.attempts.map(\.provider) }
        #expect(attempts == ["gemini", "gemini#2"])
    }

    /// Both keys refused on one reset: from then on they are one account, and a 429 on the
    /// first cools the second without a call. (Key 2 has a later priority here only so that
    /// every request starts with key 1 instead of taking turns.)
    @Test func keysThatCoolTogetherArePooledAndShareLaterCoolDowns() async throws {
        let harness = RouterHarness([
            ("gemini", Self.key(1), Scripts.rateLimited(after: .seconds(60))),
            ("gemini#2", Self.key(2, priority: 2), { call, _ in
                if call == 1 { throw UpstreamFailure(kind: .rateLimited, message: "slow down", status: 429, retryAfter: .seconds(60)) }
                return UpstreamReport()
            }),
            ("other", { $0.priority = 3 }, Scripts.ok),
        ])
        #expect(try await harness.send().answeredBy == "other")
        let pool = try #require(harness.state.snapshot("gemini")?.keyPool)
        #expect(pool.keys == ["gemini", "gemini#2"])
        #expect(pool.reason == "rate_limited:short_window")
        #expect(harness.state.snapshot("gemini#2")?.keyPool?.keys == ["gemini", "gemini#2"])

        harness.clock.advance(by: .seconds(61))
        #expect(try await harness.send().answeredBy == "other")
        #expect(harness.calls("gemini") == 2)
        #expect(harness.calls("gemini#2") == 1, "the pooled key was cooled by the first key's 429, not called")
        #expect(harness.state.snapshot("gemini#2")?.coolDown?.scope == "route:gemini#2")

        // A new configuration keeps what was learned about the keys.
        harness.state.replaceRoutes(harness.table.specs)
        #expect(harness.state.snapshot("gemini#2")?.keyPool?.keys == ["gemini", "gemini#2"])
    }

    /// Refusals that name no reset, or an upstream's own congestion, say nothing about accounts.
    @Test(arguments: [Scripts.rateLimited(after: nil), Scripts.rateLimited(.upstreamCongestion, after: .seconds(3))])
    func keysRefusedWithoutAnAccountResetAreNotPooled(_ refusal: @escaping RouterHarness.Script) async throws {
        let harness = RouterHarness([
            ("gemini", Self.key(1), refusal),
            ("gemini#2", Self.key(2, priority: 2), refusal),
            ("other", { $0.priority = 3 }, Scripts.ok),
        ])
        #expect(try await harness.send().answeredBy == "other")
        #expect(harness.calls("gemini") == 1 && harness.calls("gemini#2") == 1)
        #expect(harness.state.snapshot("gemini")?.keyPool == nil)
        #expect(harness.state.snapshot("gemini#2")?.keyPool == nil)
    }
}
