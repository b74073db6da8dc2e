import Foundation
import LLMRouterCore
import LLMRouterTesting
import Testing

/// A rule's `max_wait_seconds` in the router, and a rule's `then.model` held to the access key's
/// allowed models. Routes as in ``RuleHarness``.
struct RuleWaitAndKeyTests {
    static func rule(_ name: String, _ when: RuleConditions = .init(), then: RuleDecision) -> RoutingRule {
        RoutingRule(name: name, when: when, then: then)
    }

    /// Yields until `clock` has a sleeper, a bounded number of times: a request that answered
    /// instead of waiting must fail the test, not hang it.
    static func waitForSleeper(_ clock: MockClock) async -> Bool {
        for _ in 0..<100_000 {
            if clock.sleepers > 0 { return true }
            await Task.yield()
        }
        return false
    }

    @Test func aRulesLongerWaitOutlastsAResetTheConfiguredWaitWouldNot() async throws {
        let patient = Self.rule("patient", RuleConditions(keys: ["batch"]), then: RuleDecision(rule: "", only: [.provider("a")], maxWait: .seconds(30)))
        let onlyA = Self.rule("only-a", then: RuleDecision(rule: "", only: [.provider("a")]))
        let harness = RuleHarness(rules: [patient, onlyA], maxWait: .zero, limitedOnce: ["a"])
        // `a` answers 429 with a 10 s reset: the configured wait (none) answers 429 at once …
        let impatient = try await harness.send(key: "web")
        #expect(impatient.retryAfter == .seconds(10))
        #expect(harness.clock.sleepers == 0)
        // … the rule's 30 s wait sleeps until the reset, then `a` answers.
        let task = Task { try await harness.send(key: "batch") }
        let slept = await Self.waitForSleeper(harness.clock)
        guard slept else {
            task.cancel()
            Issue.record("the request did not wait: \(String(describing: try? await task.value))")
            return
        }
        harness.clock.advance(by: .seconds(10))
        let outcome = try await task.value
        #expect(outcome.answeredBy == "a")
        #expect(harness.calls.withLock { $0 } == ["a", "a"])
        #expect(harness.recorded.withLock { $0.last?.rule } == "patient")
    }

    @Test func aRulesShorterWaitAnswers429WhereTheConfiguredWaitWouldWait() async throws {
        let hurried = Self.rule("hurried", RuleConditions(keys: ["web"]), then: RuleDecision(rule: "", only: [.provider("a")], maxWait: .seconds(5)))
        let harness = RuleHarness(rules: [hurried], maxWait: .seconds(60), limitedOnce: ["a"])
        // The first call meets the 429 (10 s reset); the configured 60 s would wait for it,
        // the rule's 5 s does not.
        let outcome = try await harness.send(key: "web")
        #expect(outcome.retryAfter == .seconds(10))
        #expect(harness.clock.sleepers == 0)
        #expect(harness.calls.withLock { $0 } == ["a"])
    }

    static let longPrompt = RuleHarness.request(#"{"model":"m","messages":[{"role":"user","content":"\#(String(repeating: "words ", count: 60))"}]}"#)
    static let toLarge = rule("long", RuleConditions(minPromptTokens: 50), then: RuleDecision(rule: "", model: "m-large"))

    @Test func aRuleMayNotServeAKeyAModelOutsideItsList() async throws {
        let harness = RuleHarness(rules: [Self.toLarge])
        let outcome = try await harness.send(Self.longPrompt, key: "intern", allowed: ["m"])
        guard case .modelNotAllowed(let model, let key) = outcome else { Issue.record("expected a refusal, got \(outcome)"); return }
        #expect(model == "m (served as m-large)" && key == "intern")
        #expect(harness.calls.withLock { $0 }.isEmpty)
        let failure = try #require(outcome.failure(model: "m", deadline: .seconds(1)))
        // The answer a key gets asking for a model outside its list itself.
        let direct = try #require(try await harness.send(model: "m-large", key: "intern", allowed: ["m"]).failure(model: "m-large", deadline: .seconds(1)))
        #expect(failure.status == 403 && failure.code == "model_not_allowed" && failure.type == "invalid_request_error" && failure.param == "model")
        #expect((direct.status, direct.code, direct.type, direct.param) == (failure.status, failure.code, failure.type, failure.param))
        #expect(direct.message == "The key 'intern' may not use the model 'm-large'.")
        #expect(harness.recorded.withLock { $0.first.map { ($0.status, $0.errorCode, $0.rule) } ?? (0, nil, nil) } == (403, "model_not_allowed", "long"))
    }

    @Test func aKeyAllowedTheRulesModelIsServedIt() async throws {
        let harness = RuleHarness(rules: [Self.toLarge])
        #expect(try await harness.send(Self.longPrompt, key: "staff", allowed: ["M", "m-large"]).answeredBy == "big")
        // A short prompt is not ruled: the key's `m` is served.
        #expect(try await harness.send(key: "staff", allowed: ["m"]).answeredBy == "a")
        // No list: every model.
        #expect(try await harness.send(Self.longPrompt, key: "anyone").answeredBy == "big")
    }
}
