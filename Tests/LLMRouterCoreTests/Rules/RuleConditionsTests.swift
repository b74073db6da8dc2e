import LLMRouterCore
import Testing

struct RuleConditionsTests {
    static let noon = wallTime("2026-03-30T10:00:00Z")

    static func facts(
        model: String? = "llama-3.3-70b", endpoint: String = "chat", key: String? = "team-a",
        headers: RuleHeaders = [:], needs: RequestNeeds = .init(estimatedPromptTokens: 100), at wall: Int64 = noon
    ) -> RequestFacts {
        RequestFacts(model: model, endpoint: endpoint, keyName: key, headers: headers, needs: needs, wallTime: wall)
    }

    static func holds(_ conditions: RuleConditions, _ facts: RequestFacts) -> Bool {
        RoutingRule(name: "r", when: conditions, then: RuleDecision(rule: "")).decide(facts) != nil
    }

    @Test func noConditionsAlwaysHold() {
        #expect(Self.holds(RuleConditions(), Self.facts()))
    }

    @Test func modelGlobsAreCaseInsensitiveAndAnyOfTheList() {
        let conditions = RuleConditions(models: [GlobPattern("LLAMA-*-70b"), GlobPattern("qwen*")])
        #expect(Self.holds(conditions, Self.facts()))
        #expect(Self.holds(conditions, Self.facts(model: "Qwen3-32B")))
        #expect(!Self.holds(conditions, Self.facts(model: "llama-3.1-8b")))
        // A request naming no model is `auto`.
        #expect(Self.holds(RuleConditions(models: [GlobPattern("auto")]), Self.facts(model: nil)))
    }

    @Test func endpointAndKey() {
        #expect(Self.holds(RuleConditions(endpoints: ["messages", "chat"]), Self.facts()))
        #expect(!Self.holds(RuleConditions(endpoints: ["embeddings"]), Self.facts()))
        #expect(Self.holds(RuleConditions(keys: ["team-a"]), Self.facts()))
        #expect(!Self.holds(RuleConditions(keys: ["team-b"]), Self.facts()))
        #expect(!Self.holds(RuleConditions(keys: ["team-a"]), Self.facts(key: nil)))
    }

    @Test func headersMustAllBePresentAndMatch() {
        let conditions = RuleConditions(headers: [HeaderCondition(name: "X-Team", value: GlobPattern("data-*")), HeaderCondition(name: "x-tier", value: GlobPattern("gold"))])
        #expect(Self.holds(conditions, Self.facts(headers: ["x-team": "Data-Science", "x-tier": "gold"])))
        #expect(!Self.holds(conditions, Self.facts(headers: ["x-team": "data-science"])))
        #expect(!Self.holds(conditions, Self.facts(headers: ["x-team": "web", "x-tier": "gold"])))
    }

    @Test func promptTokensBounds() {
        let conditions = RuleConditions(minPromptTokens: 100, maxPromptTokens: 200)
        #expect(Self.holds(conditions, Self.facts(needs: .init(estimatedPromptTokens: 100))))
        #expect(Self.holds(conditions, Self.facts(needs: .init(estimatedPromptTokens: 200))))
        #expect(!Self.holds(conditions, Self.facts(needs: .init(estimatedPromptTokens: 99))))
        #expect(!Self.holds(conditions, Self.facts(needs: .init(estimatedPromptTokens: 201))))
    }

    @Test func needs() {
        let tools = RequestNeeds(tools: true), vision = RequestNeeds(vision: true), json = RequestNeeds(jsonMode: true)
        #expect(Self.holds(RuleConditions(tools: true), Self.facts(needs: tools)))
        #expect(!Self.holds(RuleConditions(tools: true), Self.facts(needs: vision)))
        #expect(Self.holds(RuleConditions(tools: false), Self.facts(needs: vision)))
        #expect(Self.holds(RuleConditions(vision: true), Self.facts(needs: vision)))
        #expect(!Self.holds(RuleConditions(vision: true), Self.facts(needs: json)))
        #expect(Self.holds(RuleConditions(json: true), Self.facts(needs: json)))
        #expect(!Self.holds(RuleConditions(json: true), Self.facts(needs: tools)))
    }

    @Test func timeIsOneMoreCondition() {
        let span = TimeWindow.parseHours("09:00-18:00")!
        let window = TimeWindow(days: 0b001_1111, startMinute: span.start, endMinute: span.end, zone: TimeWindowTests.berlin)
        #expect(Self.holds(RuleConditions(time: window), Self.facts()))
        #expect(!Self.holds(RuleConditions(time: window), Self.facts(at: wallTime("2026-03-30T17:00:00Z"))))
    }

    @Test func everyConditionMustHold() {
        let conditions = RuleConditions(models: [GlobPattern("llama-*")], endpoints: ["chat"], keys: ["team-a"], minPromptTokens: 500)
        #expect(!Self.holds(conditions, Self.facts()))
        #expect(Self.holds(conditions, Self.facts(needs: .init(estimatedPromptTokens: 600))))
    }

    @Test func selectorsPickByNameFamilyOrTag() {
        var route = ProviderConfiguration(name: "groq#2", kind: .groq)
        route.keySlot = ProviderKeySlot(name: "groq#2", number: 2, family: "groq")
        route.tags = ["gpu", "fast"]
        #expect(RouteSelector("groq").matches(route))
        #expect(RouteSelector("groq#2").matches(route))
        #expect(RouteSelector("tag:GPU").matches(route))
        #expect(RouteSelector(" tag: fast ") == .tag("fast"))
        #expect(!RouteSelector("tag:eu").matches(route))
        #expect(!RouteSelector("cerebras").matches(route))
    }
}
