import Foundation
import LLMRouterCore
import LLMRouterTesting
import Logging
import NIOCore
import Testing

/// Rules applied by the router: routes `a` (priority 1, tags cpu), `b` (2, gpu eu) and `c`
/// (3, gpu) serve `m`; `big` serves `m-large`. Every route answers with its name. The wall
/// clock starts on Monday 2026-03-30 at 08:00 UTC (10:00 in Berlin).
final class RuleHarness: Sendable {
    let clock = MockClock()
    let table: RoutingTable
    let router: RequestRouter<ProviderState<MockClock>, MockClock>
    let recorded = Locked<[RequestRecord]>([])
    let calls = Locked<[String]>([])

    init(rules: [RoutingRule] = [], code: [any RequestRule] = [], cache: ResponseCache? = nil, maxWait: Duration = .zero, failing: Set<String> = [], limitedOnce: Set<String> = []) {
        let calls = self.calls
        func route(_ name: String, priority: Int, tags: [String], model: String = "m") -> Route {
            var configuration = ProviderConfiguration(name: name, kind: .openai, priority: priority, model: "up-\(name)", canonicalModel: model)
            configuration.tags = tags
            let fails = failing.contains(name), limited = limitedOnce.contains(name)
            let provider = ClosureProvider(
                complete: { _, _ in
                    let count = calls.withLock { calls in
                        calls.append(name)
                        return calls.count { $0 == name }
                    }
                    if limited, count == 1 {
                        throw UpstreamFailure(kind: .rateLimited, message: "slow down", status: 429, rateLimit: RateLimitSignal(kind: .shortWindow, retryAfter: .seconds(10)))
                    }
                    if fails { throw UpstreamFailure(kind: .serverError, message: "down", status: 500) }
                    return ChatCompletion(body: ByteBuffer(string: #"{"answer":"\#(name)"}"#))
                },
                stream: { _, _ in throw UpstreamFailure(kind: .badResponse, message: "not streamed here") }
            )
            return Route(configuration: configuration, provider: provider)
        }
        let routes = [route("a", priority: 1, tags: ["cpu"]), route("b", priority: 2, tags: ["gpu", "eu"]), route("c", priority: 3, tags: ["gpu"]), route("big", priority: 1, tags: [], model: "m-large")]
        var routing = RoutingConfiguration(maxWait: maxWait)
        routing.rules = rules
        table = RoutingTable(routes: routes, routing: routing, rules: code)
        let recorded = self.recorded
        router = RequestRouter(
            state: ProviderState(routes: table.specs, clock: clock, jitter: { 0 }), clock: clock,
            recorder: ClosureRecorder { record in recorded.withLock { $0.append(record) } }, cache: cache,
            wallStart: Date(timeIntervalSince1970: Double(wallTime("2026-03-30T08:00:00Z")) / 1000)
        )
    }

    static func request(_ body: String = #"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#) -> ChatRequest {
        do { return try ChatRequest(json: Array(body.utf8)) } catch { fatalError("test request must parse") }
    }

    func send(
        _ request: ChatRequest = RuleHarness.request(), model: String? = "m", key: String? = nil, headers: RuleHeaders = [:], note: RoutingDecisionNote? = nil,
        allowed: [String]? = nil
    ) async throws -> RoutingOutcome<ChatCompletion> {
        var info = RequestInfo(requestID: "t", keyName: key, logger: Logger(label: "t"))
        info.headers = headers
        info.allowedModels = allowed
        info.decision = note
        return try await router.route(CompleteChat(request), model: model, table: table, deadline: clock.now.advanced(by: .seconds(60)), info: info)
    }

    func order(model: String? = "m", headers: RuleHeaders = [:]) async throws -> [String] {
        calls.withLock { $0 = [] }
        _ = try await send(model: model, headers: headers)
        return calls.withLock { $0 }
    }
}

struct RuleRoutingTests {
    static func rule(_ name: String, _ when: RuleConditions = .init(), then: RuleDecision) -> RoutingRule {
        RoutingRule(name: name, when: when, then: then)
    }

    @Test func onlyKeepsTheSelectedRoutesAndSaysWhyTheOthersWereSkipped() async throws {
        let harness = RuleHarness(rules: [Self.rule("gpu-only", then: RuleDecision(rule: "", only: [.tag("gpu")]))])
        let outcome = try await harness.send()
        guard case .answered(let answer) = outcome else { Issue.record("expected an answer, got \(outcome)"); return }
        #expect(answer.provider == "b")
        #expect(answer.attempts.first?.summary.contains("rule gpu-only: not selected") == true)
        #expect(answer.attempts.first?.provider == "a")
    }

    @Test func onlyByProviderName() async throws {
        let harness = RuleHarness(rules: [Self.rule("c-only", then: RuleDecision(rule: "", only: [.provider("c")]))], failing: ["c"])
        let outcome = try await harness.send()
        #expect(harness.calls.withLock { $0 } == ["c"])
        guard case .exhausted = outcome else { Issue.record("expected exhausted, got \(outcome)"); return }
    }

    @Test func preferMovesToTheFrontAndAvoidToTheBackKeepingTheRestInOrder() async throws {
        let prefer = RuleHarness(rules: [Self.rule("p", then: RuleDecision(rule: "", prefer: [.tag("gpu")]))], failing: ["a", "b", "c"])
        #expect(try await prefer.order() == ["b", "c", "a"])
        let avoid = RuleHarness(rules: [Self.rule("v", then: RuleDecision(rule: "", avoid: [.provider("a"), .provider("b")]))], failing: ["a", "b", "c"])
        #expect(try await avoid.order() == ["c", "a", "b"])
        // Preferred and avoided at once: preferred wins.
        let both = RuleHarness(rules: [Self.rule("pv", then: RuleDecision(rule: "", prefer: [.provider("c")], avoid: [.tag("gpu")]))], failing: ["a", "b", "c"])
        #expect(try await both.order() == ["c", "a", "b"])
        // Already in the order the rule asks for: kept as it is.
        let already = RuleHarness(rules: [Self.rule("pa", then: RuleDecision(rule: "", prefer: [.tag("cpu")], avoid: [.provider("c")]))], failing: ["a", "b", "c"])
        #expect(try await already.order() == ["a", "b", "c"])
    }

    @Test func policyReplacesTheConfiguredOneAndIsNoted() async throws {
        let harness = RuleHarness(rules: [Self.rule("turns", then: RuleDecision(rule: "", policy: .roundRobin))])
        var answered: [String] = []
        for _ in 0..<3 {
            let note = RoutingDecisionNote()
            answered.append(try await harness.send(note: note).answeredBy ?? "-")
            #expect(note.decision == RoutingDecision(rule: "turns", policy: .roundRobin))
        }
        #expect(Set(answered) == ["a", "b", "c"])
    }

    @Test func withoutARuleTheNoteNamesTheConfiguredPolicy() async throws {
        let harness = RuleHarness(rules: [Self.rule("never", RuleConditions(keys: ["nobody"]), then: RuleDecision(rule: "", deny: "no"))])
        let note = RoutingDecisionNote()
        #expect(try await harness.send(note: note).answeredBy == "a")
        #expect(note.decision == RoutingDecision(rule: nil, policy: .priority))
        #expect(harness.recorded.withLock { $0.first?.rule } == nil)
    }

    @Test func modelServesAnotherCanonicalModel() async throws {
        let harness = RuleHarness(rules: [Self.rule("long", RuleConditions(minPromptTokens: 50), then: RuleDecision(rule: "", model: "m-large"))])
        #expect(try await harness.send().answeredBy == "a")
        let long = RuleHarness.request(#"{"model":"m","messages":[{"role":"user","content":"\#(String(repeating: "words ", count: 60))"}]}"#)
        #expect(try await harness.send(long).answeredBy == "big")
        #expect(harness.recorded.withLock { $0.last?.rule } == "long")
    }

    @Test func denyRefusesWith403BeforeAnyCallOrCacheLookup() async throws {
        let cache = ResponseCache(settings: ResponseCacheSettings(ttl: .seconds(60)))
        let harness = RuleHarness(rules: [Self.rule("no-interns", RuleConditions(keys: ["intern"]), then: RuleDecision(rule: "", deny: "Interns may not use m."))], cache: cache)
        #expect(try await harness.send(key: "staff").answeredBy == "a")
        let note = RoutingDecisionNote()
        let outcome = try await harness.send(key: "intern", note: note)
        guard case .denied(let rule, let message) = outcome else { Issue.record("expected a refusal, got \(outcome)"); return }
        #expect(rule == "no-interns" && message == "Interns may not use m.")
        let failure = try #require(outcome.failure(model: "m", deadline: .seconds(1)))
        #expect(failure.status == 403 && failure.type == "permission_error" && failure.code == "denied_by_rule" && failure.message == message)
        #expect(harness.calls.withLock { $0 } == ["a"])
        #expect(note.decision?.rule == "no-interns")
        #expect(harness.recorded.withLock { $0.last.map { ($0.status, $0.rule, $0.cacheHit) } ?? (0, nil, true) } == (403, "no-interns", false))
    }

    @Test func theFirstMatchingRuleWins() async throws {
        let rules = [
            Self.rule("eu-team", RuleConditions(headers: [HeaderCondition(name: "x-team", value: GlobPattern("eu-*"))]), then: RuleDecision(rule: "", only: [.tag("eu")])),
            Self.rule("everyone", then: RuleDecision(rule: "", only: [.provider("c")])),
        ]
        let harness = RuleHarness(rules: rules)
        let note = RoutingDecisionNote()
        #expect(try await harness.send(headers: ["x-team": "eu-data"], note: note).answeredBy == "b")
        #expect(note.decision?.rule == "eu-team")
        #expect(try await harness.send(headers: ["x-team": "us"], note: note).answeredBy == "c")
        #expect(note.decision?.rule == "everyone")
    }

    @Test func timeRulesFollowTheRoutersClock() async throws {
        let span = TimeWindow.parseHours("09:00-18:00")!
        let hours = TimeWindow(days: 0b001_1111, startMinute: span.start, endMinute: span.end, zone: TimeZone(identifier: "Europe/Berlin")!)
        let harness = RuleHarness(rules: [Self.rule("business-hours", RuleConditions(time: hours), then: RuleDecision(rule: "", prefer: [.tag("gpu")]))])
        #expect(try await harness.send().answeredBy == "b") // 10:00 in Berlin
        harness.clock.advance(by: .seconds(8 * 3600)) // 18:00 in Berlin
        #expect(try await harness.send().answeredBy == "a")
    }

    @Test func codeRulesRunAfterTheYAMLRules() async throws {
        struct LargePromptsToGPU: RequestRule {
            let name = "code-rule"
            func decide(_ facts: RequestFacts) -> RuleDecision? {
                facts.endpoint == "chat" ? RuleDecision(rule: "", only: [.tag("gpu")], avoid: [.tag("eu")]) : nil
            }
        }
        let skipped = Self.rule("yaml-rule", RuleConditions(keys: ["other"]), then: RuleDecision(rule: "", deny: "no"))
        let harness = RuleHarness(rules: [skipped], code: [LargePromptsToGPU()])
        let note = RoutingDecisionNote()
        #expect(try await harness.send(note: note).answeredBy == "c")
        #expect(note.decision?.rule == "code-rule")
        #expect(try await harness.send(key: "other").failure(model: "m", deadline: .seconds(1))?.status == 403)
    }
}
