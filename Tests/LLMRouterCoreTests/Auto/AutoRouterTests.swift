@testable import LLMRouterCore
import LLMRouterTesting
import Logging
import Testing

/// `model: auto` through the router: the tier picks the model, which is then routed as if asked for.
struct AutoRouterTests {
    @Test func eachTierGoesToItsBestModel() async throws {
        let harness = AutoHarness()
        let cases: [(String, String, String)] = [
            ("hi", "small", "tier=simple; model=llama-3.1-8b"),
            (AutoHarness.codePrompt, "coder", "tier=code; model=kimi-k2"),
            (AutoHarness.mathPrompt, "thinker", "tier=reasoning; model=gpt-oss-120b"),
            (AutoHarness.chatPrompt, "big", "tier=default; model=llama-3.3-70b"),
        ]
        for (prompt, route, header) in cases {
            let (outcome, decision) = try await harness.send(prompt)
            #expect(outcome.content == "answer from \(route)")
            #expect(harness.called == [route])
            #expect(decision?.auto == header)
            #expect(decision?.cascade == nil)
        }
        #expect(harness.records.map(\.autoTier) == ["simple", "code", "reasoning", "default"])
        #expect(harness.records.map(\.requestedModel) == ["auto", "auto", "auto", "auto"])
    }

    @Test func noModelAtAllIsAutoToo() async throws {
        let harness = AutoHarness()
        let (outcome, decision) = try await harness.send(AutoHarness.codePrompt, model: nil)
        #expect(outcome.content == "answer from coder")
        #expect(decision?.auto == "tier=code; model=kimi-k2")
    }

    @Test func aNamedModelIsServedAsAskedWithoutATier() async throws {
        let harness = AutoHarness()
        let (outcome, decision) = try await harness.send(AutoHarness.codePrompt, model: "llama-3.1-8b")
        #expect(outcome.content == "answer from small")
        #expect(decision?.auto == nil)
        #expect(harness.records.first?.autoTier == nil)
    }

    @Test func aFailingModelFallsToTheNextOfTheListAndTheHeaderNamesTheOneThatAnswered() async throws {
        let harness = AutoHarness(failing: ["coder"])
        let (outcome, decision) = try await harness.send(AutoHarness.codePrompt)
        // The code tier's own models, then the default tier's.
        #expect(harness.called == ["coder", "big"])
        #expect(outcome.content == "answer from big")
        #expect(decision?.auto == "tier=code; model=llama-3.3-70b")
    }

    @Test func needsLeaveOutModelsThatCannotServe() async throws {
        let harness = AutoHarness(capabilities: ["coder": RouteCapabilities(tools: false)])
        let tools = #""tools":[{"type":"function","function":{"name":"run","parameters":{"type":"object"}}}]"#
        let (outcome, decision) = try await harness.send(AutoHarness.codePrompt, extra: tools)
        #expect(harness.called == ["big"])
        #expect(outcome.content == "answer from big")
        #expect(decision?.auto == "tier=code; model=llama-3.3-70b")
        // Nothing was skipped for a capability: the model was never a candidate.
        if case .answered(let answer) = outcome { #expect(answer.attempts.count == 1) }
    }

    @Test func aRuleThatServesAutoGetsATier() async throws {
        let harness = AutoHarness()
        // `routing.model_map` to auto counts as asking for auto.
        var routing = harness.table.routing
        routing.modelMap = [ModelMapping(pattern: "claude-*", target: "auto")]
        let table = RoutingTable(routes: harness.table.routes, routing: routing)
        let request = AutoHarness.request(AutoHarness.mathPrompt, model: "claude-sonnet-4-5")
        var info = RequestInfo(requestID: "m", logger: .init(label: "t"))
        info.decision = RoutingDecisionNote()
        let outcome = try await harness.router.route(CompleteChat(request), model: request.model, table: table, deadline: harness.clock.now.advanced(by: .seconds(5)), info: info)
        #expect(outcome.content == "answer from thinker")
        #expect(info.decision?.decision?.auto == "tier=reasoning; model=gpt-oss-120b")
    }

    @Test func autoOffServesEveryRouteInPolicyOrder() async throws {
        let harness = AutoHarness(auto: AutoSettings(isEnabled: false))
        let (outcome, decision) = try await harness.send(AutoHarness.codePrompt)
        #expect(outcome.content == "answer from small")
        #expect(decision?.auto == nil)
        #expect(harness.records.first?.autoTier == nil)
    }

    @Test func theFileListsDecide() async throws {
        let harness = AutoHarness(auto: AutoSettings(models: [.code: ["gpt-oss-120b", "kimi-k2"]]))
        let (outcome, decision) = try await harness.send(AutoHarness.codePrompt)
        #expect(outcome.content == "answer from thinker")
        #expect(decision?.auto == "tier=code; model=gpt-oss-120b")
    }

    @Test func streamsGetATierToo() async throws {
        let harness = AutoHarness()
        let (outcome, decision) = try await harness.sendStream(AutoHarness.codePrompt)
        guard case .answered(let answer) = outcome else { Issue.record("expected a stream, got \(outcome)"); return }
        #expect(answer.provider == "coder")
        #expect(decision?.auto == "tier=code; model=kimi-k2")
        while try await answer.output.next() != nil {}
        #expect(harness.records.first?.autoTier == "code")
    }
}

/// `auto`'s choice without routing, for explaining a decision.
struct AutoPreviewTests {
    @Test func previewNamesTierModelsAndCascade() {
        let plain = AutoHarness()
        let code = AutoHarness.request(AutoHarness.codePrompt)
        #expect(plain.table.auto.preview(code, table: plain.table) == AutoPreview(tier: .code, models: ["kimi-k2", "llama-3.3-70b"], cascadeFirst: []))
        let cascading = AutoHarness(auto: AutoSettings(cascade: true))
        #expect(cascading.table.auto.preview(code, table: cascading.table) == AutoPreview(tier: .code, models: ["kimi-k2", "llama-3.3-70b"], cascadeFirst: ["llama-3.3-70b"]))
        // A stream is never cascaded.
        let stream = AutoHarness.request("hi", stream: true)
        #expect(cascading.table.auto.preview(stream, table: cascading.table) == AutoPreview(tier: .simple, models: ["llama-3.1-8b", "llama-3.3-70b"], cascadeFirst: []))
        #expect(AutoHarness(auto: AutoSettings(isEnabled: false)).table.auto.preview(code, table: plain.table) == nil)
    }
}

/// `POST /admin/explain` and `debug-models --explain` show `auto`'s choice, and the routes in
/// the order `auto` tries them.
struct AutoExplainTests {
    @Test func explainShowsTheTierTheModelsAndTheOrder() async throws {
        let harness = AutoHarness(auto: AutoSettings(cascade: true))
        let request = AutoHarness.request(AutoHarness.codePrompt)
        let explanation = await harness.router.explain(CompleteChat(request), model: "auto", table: harness.table, info: RequestInfo(requestID: "e", logger: Logger(label: "t")))
        #expect(explanation.model == "kimi-k2")
        #expect(explanation.auto == AutoPreview(tier: .code, models: ["kimi-k2", "llama-3.3-70b"], cascadeFirst: ["llama-3.3-70b"]))
        #expect(explanation.routes.map(\.name) == ["coder", "big"])
        #expect(explanation.text.contains("auto:     tier code: kimi-k2, llama-3.3-70b; cascade from llama-3.3-70b"))
        #expect(explanation.json.objectValue?["auto"]?.objectValue?["tier"]?.stringValue == "code")
        #expect(harness.called.isEmpty, "nothing was called")
        let named = await harness.router.explain(CompleteChat(request), model: "llama-3.1-8b", table: harness.table, info: RequestInfo(requestID: "e", logger: Logger(label: "t")))
        #expect(named.auto == nil)
        #expect(named.json.objectValue?["auto"] == .null)
    }
}

/// A rule's `only` and `auto` together: `auto` picks among the models the rule leaves a route
/// of, so a rule that picks some routes never meets a tier whose models have none.
struct AutoUnderRulesTests {
    /// `harness` with one rule, for every request, selecting `only` these routes.
    static func table(_ harness: AutoHarness, only: [String]) -> RoutingTable {
        var routing = harness.table.routing
        routing.rules = [RoutingRule(name: "picked", when: RuleConditions(), then: RuleDecision(rule: "", only: only.map(RouteSelector.provider)))]
        return RoutingTable(routes: harness.table.routes, routing: routing)
    }

    static func send(_ harness: AutoHarness, table: RoutingTable, _ content: String) async throws -> (RoutingOutcome<ChatCompletion>, RoutingDecision?) {
        let request = AutoHarness.request(content)
        var info = RequestInfo(requestID: "r", logger: Logger(label: "t"))
        info.decision = RoutingDecisionNote()
        let outcome = try await harness.router.route(CompleteChat(request), model: "auto", table: table, deadline: harness.clock.now.advanced(by: .seconds(60)), info: info)
        return (outcome, info.decision?.decision)
    }

    @Test func theTierKeepsOnlyModelsTheRuleLeavesARouteOf() async throws {
        let harness = AutoHarness()
        // The code tier lists kimi-k2 (coder) then llama-3.3-70b (big); the rule selects no coder.
        let table = Self.table(harness, only: ["big", "thinker"])
        let (outcome, decision) = try await Self.send(harness, table: table, AutoHarness.codePrompt)
        #expect(outcome.content == "answer from big")
        #expect(harness.called == ["big"])
        #expect(decision?.rule == "picked")
        #expect(decision?.auto == "tier=code; model=llama-3.3-70b")
        let explanation = await harness.router.explain(
            CompleteChat(AutoHarness.request(AutoHarness.codePrompt)), model: "auto", table: table, info: RequestInfo(requestID: "e", logger: Logger(label: "t"))
        )
        #expect(explanation.routes.map(\.name) == ["big"], "explain shows what routing does")
    }

    @Test func aTierWithNoSelectedModelGoesToTheRoutesTheRuleSelects() async throws {
        let harness = AutoHarness()
        // Before, `auto` kept the code tier (coder, big), the rule skipped both, and the client
        // got a 503 while thinker stood by.
        let (outcome, decision) = try await Self.send(harness, table: Self.table(harness, only: ["thinker"]), AutoHarness.codePrompt)
        #expect(outcome.content == "answer from thinker")
        #expect(harness.called == ["thinker"])
        #expect(decision?.rule == "picked")
        #expect(decision?.auto == nil, "no tier model could serve it: every route the rule selects, as without tiers")
    }
}
