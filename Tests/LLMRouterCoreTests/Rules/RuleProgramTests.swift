import Foundation
@testable import LLMRouterCore
import Testing

/// The router tries its rules compiled into one ``RuleProgram``: the texts of every rule in one
/// buffer, header names and zones shared. It must decide as each rule would on its own.
struct RuleProgramTests {
    static let tokyo = TimeZone(identifier: "Asia/Tokyo")!

    /// Rules whose texts, header names and zones overlap, so a wrong offset into the shared
    /// buffers would match another rule's pattern.
    static let rules: [RoutingRule] = [
        RoutingRule(name: "claude", when: RuleConditions(models: [GlobPattern("claude-*")]), then: RuleDecision(rule: "")),
        RoutingRule(name: "gpu-team", when: RuleConditions(headers: [HeaderCondition(name: "X-Team", value: GlobPattern("gpu-*"))]), then: RuleDecision(rule: "")),
        RoutingRule(
            name: "acme-web",
            when: RuleConditions(headers: [HeaderCondition(name: "x-tenant", value: GlobPattern("acme*")), HeaderCondition(name: "x-team", value: GlobPattern("web"))]),
            then: RuleDecision(rule: "")
        ),
        RoutingRule(name: "interns", when: RuleConditions(keys: ["intern-1", "intern-2"]), then: RuleDecision(rule: "")),
        RoutingRule(name: "tokyo-morning", when: RuleConditions(time: TimeWindowTests.window("09:00-12:00", zone: tokyo)), then: RuleDecision(rule: "")),
        RoutingRule(name: "berlin-evening", when: RuleConditions(endpoints: ["messages"], time: TimeWindowTests.window("18:00-23:00")), then: RuleDecision(rule: "")),
        RoutingRule(name: "tokyo-nights", when: RuleConditions(time: TimeWindowTests.window("22:00-06:00", days: 0b001_0000, zone: tokyo)), then: RuleDecision(rule: "")),
        RoutingRule(name: "long", when: RuleConditions(minPromptTokens: 8000, tools: true), then: RuleDecision(rule: "")),
        RoutingRule(name: "small-json", when: RuleConditions(models: [GlobPattern("llama-*"), GlobPattern("auto")], maxPromptTokens: 100, json: true), then: RuleDecision(rule: "")),
        RoutingRule(name: "vision", when: RuleConditions(endpoints: ["chat", "responses"], vision: true), then: RuleDecision(rule: "")),
    ]

    static func table(_ rules: [RoutingRule]) -> RoutingTable {
        var routing = RoutingConfiguration()
        routing.rules = rules
        return RoutingTable(routes: [], routing: routing)
    }

    static var everyFacts: [RequestFacts] {
        let models: [String?] = [nil, "claude-3-haiku", "llama-3.3-70b", "gpt-4o"]
        let endpoints = ["chat", "messages", "embeddings"]
        let keys: [String?] = [nil, "intern-2", "intern-10"]
        let headers: [RuleHeaders] = [[:], ["x-team": "GPU-a"], ["x-team": "web", "x-tenant": "Acme Corp"], ["x-team": "web"]]
        let needs = [RequestNeeds(estimatedPromptTokens: 50), RequestNeeds(tools: true, estimatedPromptTokens: 9000), RequestNeeds(jsonMode: true, estimatedPromptTokens: 80), RequestNeeds(vision: true)]
        let times = ["2026-03-30T01:00:00Z", "2026-03-30T17:30:00Z", "2026-04-03T14:00:00Z", "2026-04-03T20:30:00Z"].map(wallTime)
        var all: [RequestFacts] = []
        for model in models { for endpoint in endpoints { for key in keys { for header in headers { for need in needs { for time in times {
            all.append(RequestFacts(model: model, endpoint: endpoint, keyName: key, headers: header, needs: need, wallTime: time))
        } } } } } }
        return all
    }

    @Test func theCompiledRulesDecideAsEachRuleAlone() {
        let table = Self.table(Self.rules)
        var decided: Set<String> = []
        for facts in Self.everyFacts {
            let alone = Self.rules.first { $0.when.hold(for: facts) }?.name
            #expect(table.decide(facts)?.rule == alone, "\(facts.model ?? "auto") \(facts.endpoint) \(facts.keyName ?? "-") \(facts.headers) \(facts.wallTime)")
            if let alone { decided.insert(alone) }
        }
        // Every rule decided some request: none of them is shadowed out of the comparison.
        #expect(decided == Set(Self.rules.map(\.name)))
    }

    @Test func noRulesDecideNothing() {
        let table = Self.table([])
        #expect(table.decide(RequestFacts(model: "m", endpoint: "chat", wallTime: 0)) == nil)
    }
}
