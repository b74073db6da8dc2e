import Foundation
import LLMRouterCore
import LLMRouterTesting
import Testing

/// `RequestRouter.explain`: every skip reason with when it ends, the verdicts, the cache, and
/// that explaining calls, counts and changes nothing.
struct ExplainTests {
    /// `a` opens its breaker, `b` cools down, `c` spends its quota, `d` has no tool calling, `e`
    /// has no key, `f` lacks the rule's tag; `g` is the one candidate left.
    static func crowded() -> ExplainHarness {
        var routing = RoutingConfiguration(maxWait: .seconds(5))
        routing.rules = [RoutingRule(name: "pool-only", then: RuleDecision(rule: "", only: [.tag("pool")]))]
        let pool: ExplainHarness.Configure = { $0.tags = ["pool"] }
        return ExplainHarness(
            [
                ("a", 1, pool), ("b", 2, pool),
                ("c", 3, { $0.tags = ["pool"]; $0.rateLimit = RateLimitConfiguration(requestsPerDay: 1) }),
                ("d", 4, { $0.tags = ["pool"]; $0.capabilities = RouteCapabilities(tools: false) }),
                ("e", 5, pool), ("f", 6, { _ in }), ("g", 7, pool),
            ],
            disabled: ["e"], routing: routing
        )
    }

    static let withTools = ExplainHarness.request(
        #"{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{}}}]}"#
    )

    @Test func everySkipReasonIsNamedWithWhenItEnds() async throws {
        let harness = Self.crowded()
        harness.fail("a", with: ExplainHarness.serverError)
        harness.fail("b", with: ExplainHarness.rateLimited(.seconds(20)))
        #expect(try await harness.send().answeredBy == "c")
        harness.clock.advance(by: .seconds(4))
        let calls = harness.calls.withLock { $0 }

        let explanation = await harness.explain(Self.withTools)
        #expect(explanation.routes.map(\.name) == ["a", "b", "c", "g", "d", "e", "f"])
        #expect(explanation.routes.map(\.status) == [.skipped, .skipped, .skipped, .candidate, .skipped, .skipped, .skipped])
        #expect(explanation.routes.map(\.skip) == ["breaker", "cool_down", "quota", nil, "capability", "disabled", "rule"])
        #expect(explanation.routes.map(\.position) == [1, 2, 3, 4, nil, nil, nil])
        #expect(explanation.line("a")?.reason == "circuit open")
        #expect(explanation.line("a")?.resumeIn == .seconds(26))
        #expect(explanation.line("b")?.reason == "cooling down (rate_limited:short_window)")
        #expect(explanation.line("b")?.resumeIn == .seconds(16))
        #expect(explanation.line("c")?.reason?.hasPrefix("quota") == true)
        // The day's quota resets at midnight UTC: 8 h 53 min 16 s after 15:06:44.
        #expect(explanation.line("c")?.resumeIn == .seconds(8 * 3600 + 53 * 60 + 16))
        #expect(explanation.line("d")?.reason == "unsupported: no tool calling")
        #expect(explanation.line("e")?.reason == "disabled: missing GROQ_API_KEY")
        #expect(explanation.line("f")?.reason == "rule pool-only: not selected")
        #expect(explanation.verdict == .route && explanation.firstCandidate == "g")
        #expect(explanation.rule == "pool-only" && explanation.policy == .priority && explanation.maxWait == .seconds(5))
        #expect(explanation.needs.tools)
        #expect(harness.calls.withLock { $0 } == calls, "explain called an upstream")

        let text = explanation.text
        #expect(text.contains("circuit open, ends in 26 s (2025-06-15T15:07:10Z)"))
        #expect(text.contains("4.  g "))
        let json = explanation.json
        let routes = try #require(json.objectValue?["routes"]?.arrayValue)
        #expect(routes[1].objectValue?["resume_in_seconds"] == .number(16))
        #expect(routes[1].objectValue?["resume_at"] == .string("2025-06-15T15:07:00Z"))
        #expect(json.objectValue?["verdict"] == .string("route") && json.objectValue?["first_candidate"] == .string("g"))
    }

    @Test func explainingChangesNothing() async throws {
        let harness = ExplainHarness([("a", 1, { $0.rateLimit = RateLimitConfiguration(requestsPerDay: 2) }), ("b", 2, { _ in })])
        for _ in 0..<5 {
            #expect(await harness.explain().firstCandidate == "a")
        }
        // The quota is untouched by the explanations: both calls go to `a`.
        #expect(try await harness.send().answeredBy == "a")
        #expect(try await harness.send().answeredBy == "a")
        #expect(await harness.explain().line("a")?.skip == "quota")

        // An open breaker past its recovery time is shown as the trial, which stays for a request.
        let broken = ExplainHarness([("a", 1, { _ in }), ("b", 2, { _ in })])
        broken.fail("a", with: ExplainHarness.serverError)
        #expect(try await broken.send().answeredBy == "b")
        broken.fail("a", with: nil)
        broken.clock.advance(by: .seconds(31))
        let shown = await broken.explain()
        #expect(shown.line("a")?.status == .candidate && shown.line("a")?.trial == true)
        #expect(await broken.explain().line("a")?.trial == true)
        #expect(try await broken.send().answeredBy == "a")
        #expect(broken.calls.withLock { $0 } == ["a", "b", "a"])
    }

    @Test func verdictsBeforeAnyRoute() async throws {
        var routing = RoutingConfiguration(maxWait: .zero)
        routing.rules = [
            RoutingRule(name: "no-interns", when: RuleConditions(keys: ["intern"]), then: RuleDecision(rule: "", deny: "Not for interns.")),
            RoutingRule(name: "big", when: RuleConditions(keys: ["staff"]), then: RuleDecision(rule: "", model: "m-large")),
        ]
        let harness = ExplainHarness([("a", 1, { _ in })], routing: routing)
        #expect(await harness.explain(info: ExplainHarness.info(key: "intern")).verdict == .denied(rule: "no-interns", message: "Not for interns."))
        let refused = await harness.explain(info: ExplainHarness.info(key: "staff", allowed: ["m"]))
        #expect(refused.verdict == .modelNotAllowed(model: "m (served as m-large)", key: "staff"))
        #expect(refused.model == "m-large" && refused.rule == "big")
        #expect(await harness.explain(info: ExplainHarness.info(key: "staff")).verdict == .modelNotFound)
        #expect(await harness.explain(model: "nope").verdict == .modelNotFound)
        let embed = try EmbeddingsRequest(json: Array(#"{"model":"m","input":"x"}"#.utf8))
        #expect(await harness.router.explain(Embed(embed), model: "m", table: harness.table, info: ExplainHarness.info()).verdict == .wrongKind(.chat))
        #expect(harness.calls.withLock { $0 }.isEmpty)
    }

    @Test func verdictsWhenNoRouteCanTakeIt() async throws {
        let incapable = ExplainHarness([("a", 1, { $0.capabilities = RouteCapabilities(tools: false) })])
        #expect(await incapable.explain(Self.withTools).verdict == .unsupported)
        let cooling = ExplainHarness([("a", 1, { _ in })])
        cooling.fail("a", with: ExplainHarness.rateLimited(.seconds(9)))
        _ = try await cooling.send()
        let explanation = await cooling.explain()
        #expect(explanation.verdict == .noCandidate(rateLimited: true))
        #expect(explanation.json.objectValue?["verdict"] == .string("rate_limited"))
        #expect(explanation.text.contains("every route is held back now"))
    }

    @Test func tellsWhetherTheCacheWouldAnswer() async throws {
        let cache = ResponseCache(settings: ResponseCacheSettings(ttl: .seconds(600)))
        let harness = ExplainHarness([("a", 1, { _ in })], cache: cache)
        let deterministic = ExplainHarness.request(#"{"model":"m","temperature":0,"messages":[{"role":"user","content":"hi"}]}"#)
        #expect(await harness.explain(deterministic).cache == .miss)
        #expect(await harness.explain().cache == .bypass("not deterministic (no temperature 0 or seed)"))
        #expect(try await harness.send(deterministic).answeredBy == "a")
        // The answer is stored just after it is returned.
        var state = RoutingExplanation.CacheState.miss
        for _ in 0..<200 where state == .miss {
            try await Task.sleep(for: .milliseconds(5))
            state = await harness.explain(deterministic).cache
        }
        harness.clock.advance(by: .seconds(3))
        #expect(await harness.explain(deterministic).cache == .hit(age: .seconds(3)))
        #expect(harness.calls.withLock { $0 } == ["a"])
        #expect(await ExplainHarness([("a", 1, { _ in })]).explain(deterministic).cache == .off)
    }
}
