import LLMRouterCore
import LLMRouterTesting
import Logging
import Synchronization
import Testing

struct FailoverLoopTests {
    let clock = MockClock()
    let logger = Logger(label: "test")

    func health(_ names: [String], threshold: Int = 3) -> ProviderHealth<MockClock> {
        ProviderHealth(
            providers: names.map { ($0, BreakerConfiguration(failureThreshold: threshold, recoveryTime: .seconds(10))) },
            clock: clock
        )
    }

    @Test func movesToTheNextCandidateOnARetryableFailure() async throws {
        let health = health(["a", "b", "c"])
        let loop = FailoverLoop(health: health)
        let outcome = try await loop.run(["a", "b", "c"], name: { $0 }, logger: logger) { name in
            if name == "a" { throw UpstreamFailure(kind: .serverError, message: "boom", status: 500) }
            return "answer from \(name)"
        }
        guard case .answered(let answer, let provider, _, let attempts) = outcome else {
            Issue.record("expected an answer, got \(outcome)")
            return
        }
        #expect(answer == "answer from b")
        #expect(provider == "b")
        #expect(attempts.map(\.provider) == ["a", "b"])
        #expect(attempts[0].outcome == .failed(UpstreamFailure(kind: .serverError, message: "boom", status: 500)))
        #expect(health.snapshot("a")?.failuresByKind == ["server_error": 1])
        #expect(health.snapshot("b")?.successes == 1)
        #expect(health.snapshot("c")?.requests == 0)
    }

    @Test func aClientErrorStopsAtOnceWithoutCountingAgainstTheProvider() async throws {
        let health = health(["a", "b"], threshold: 1)
        let calls = Mutex(0)
        let outcome = try await FailoverLoop(health: health).run(["a", "b"], name: { $0 }, logger: logger) { _ -> String in
            calls.withLock { $0 += 1 }
            throw UpstreamFailure(kind: .clientError, message: "bad tools", status: 400, body: Array(#"{"error":{}}"#.utf8))
        }
        guard case .rejected(let failure, let provider, _) = outcome else {
            Issue.record("expected a rejection, got \(outcome)")
            return
        }
        #expect(failure.status == 400)
        #expect(provider == "a")
        #expect(calls.withLock { $0 } == 1)
        #expect(health.snapshot("a")?.state == .closed)
    }

    @Test func skipsOpenBreakersAndReportsWhy() async throws {
        let health = health(["a", "b"], threshold: 1)
        health.recordFailure("a", UpstreamFailure(kind: .timeout, message: "slow"))
        let outcome = try await FailoverLoop(health: health).run(["a", "b"], name: { $0 }, logger: logger) { name in name }
        guard case .answered(_, let provider, _, let attempts) = outcome else {
            Issue.record("expected an answer")
            return
        }
        #expect(provider == "b")
        #expect(attempts[0] == AttemptRecord(provider: "a", outcome: .skipped(reason: "circuit open")))
        #expect(!attempts[0].wasCalled)
    }

    @Test func exhaustedWhenEveryCandidateFails() async throws {
        let health = health(["a", "b"])
        let outcome = try await FailoverLoop(health: health).run(["a", "b"], name: { $0 }, logger: logger) { name -> String in
            throw UpstreamFailure(kind: .rateLimited, message: "slow down", status: 429)
        }
        guard case .exhausted(let attempts) = outcome else {
            Issue.record("expected exhaustion")
            return
        }
        #expect(attempts.map(\.summary) == ["a: rate_limited (HTTP 429): slow down", "b: rate_limited (HTTP 429): slow down"])
    }

    @Test func breakerOpensAfterRepeatedFailuresAndRecoversAfterATrial() async throws {
        let health = health(["flaky", "steady"], threshold: 3)
        let loop = FailoverLoop(health: health)
        let flakyUp = Mutex(false)
        func request() async throws -> String? {
            let outcome = try await loop.run(["flaky", "steady"], name: { $0 }, logger: logger) { name in
                if name == "flaky", !flakyUp.withLock({ $0 }) { throw UpstreamFailure(kind: .connection, message: "refused") }
                return name
            }
            if case .answered(let answer, _, _, _) = outcome { return answer }
            return nil
        }
        for _ in 0..<5 { #expect(try await request() == "steady") }
        #expect(health.snapshot("flaky")?.state == .open)
        #expect(health.snapshot("flaky")?.requests == 3, "the open breaker kept requests 4 and 5 away")
        flakyUp.withLock { $0 = true }
        #expect(try await request() == "steady", "still open before the recovery time")
        clock.advance(by: .seconds(10))
        #expect(try await request() == "flaky", "the trial goes to flaky and succeeds")
        #expect(health.snapshot("flaky")?.state == .closed)
    }

    @Test func deferredSettlementLeavesTheOutcomeToTheCaller() async throws {
        let health = health(["a"], threshold: 1)
        _ = try await FailoverLoop(health: health).run(["a"], name: { $0 }, settlement: .deferred, logger: logger) { $0 }
        #expect(health.snapshot("a")?.requests == 1)
        #expect(health.snapshot("a")?.successes == 0)
        health.recordSuccess("a", latency: .milliseconds(5))
        #expect(health.snapshot("a")?.successes == 1)
    }

    @Test func cancellationReleasesAHalfOpenTrial() async throws {
        let health = health(["a"], threshold: 1)
        health.recordFailure("a", UpstreamFailure(kind: .timeout, message: "slow"))
        clock.advance(by: .seconds(10))
        await #expect(throws: CancellationError.self) {
            _ = try await FailoverLoop(health: health).run(["a"], name: { $0 }, logger: logger) { _ -> String in
                throw CancellationError()
            }
        }
        #expect(health.admit("a").0 == .trial, "the released trial can be taken again")
    }
}

struct ProviderHealthTests {
    let clock = MockClock()

    @Test func snapshotReportsCountsLatencyAndRedactedErrors() throws {
        let health = ProviderHealth(
            providers: [("a", BreakerConfiguration(failureThreshold: 2, recoveryTime: .seconds(30)))],
            clock: clock,
            redactor: SecretRedactor(secrets: ["super-secret-value"])
        )
        for milliseconds in [10, 20, 30, 40] {
            _ = health.admit("a")
            health.recordSuccess("a", latency: .milliseconds(milliseconds))
        }
        _ = health.admit("a")
        health.recordFailure("a", UpstreamFailure(kind: .authentication, message: "invalid key super-secret-value, Bearer gsk_abcdefghijklmnop", status: 401))
        _ = health.admit("a")
        health.recordFailure("a", UpstreamFailure(kind: .timeout, message: "no first byte in 30s"))
        let snapshot = try #require(health.snapshot("a"))
        #expect(snapshot.requests == 6)
        #expect(snapshot.successes == 4)
        #expect(snapshot.failures == 2)
        #expect(snapshot.failuresByKind == ["authentication": 1, "timeout": 1])
        #expect(snapshot.consecutiveFailures == 2)
        #expect(snapshot.state == .open)
        #expect(snapshot.nextTrialAt != nil)
        #expect(snapshot.window.requests == 6)
        #expect(snapshot.window.failures == 2)
        #expect(snapshot.latencyMilliseconds.p50 == 20)
        #expect(snapshot.latencyMilliseconds.p95 == 40)
        #expect(snapshot.lastError == "timeout: no first byte in 30s")
        #expect(health.admit("a").0 == .reject(reason: "circuit open", retryIn: .seconds(30)))
    }

    @Test func redactorMasksKeysAndBearerTokens() {
        let redactor = SecretRedactor(secrets: ["my-custom-key-123"])
        let text = redactor.redact("key my-custom-key-123 Authorization: Bearer abc.def sk-or-v1-0123456789abcdef nvapi-ABCDEFGHIJKLMN")
        #expect(!text.contains("my-custom-key-123"))
        #expect(!text.contains("abc.def"))
        #expect(!text.contains("sk-or-v1-0123456789abcdef"))
        #expect(!text.contains("nvapi-ABCDEFGHIJKLMN"))
        #expect(text.contains(SecretRedactor.mask))
    }

    @Test func replacingProvidersKeepsUnchangedHealth() throws {
        let health = ProviderHealth(providers: [("a", BreakerConfiguration()), ("b", BreakerConfiguration())], clock: clock)
        _ = health.admit("a")
        health.recordSuccess("a", latency: .milliseconds(1))
        _ = health.admit("b")
        health.recordSuccess("b", latency: .milliseconds(1))
        health.replaceProviders([("a", BreakerConfiguration()), ("b", BreakerConfiguration(failureThreshold: 9)), ("c", BreakerConfiguration())])
        #expect(health.snapshot("a")?.successes == 1)
        #expect(health.snapshot("b")?.successes == 0, "changed breaker settings start fresh")
        #expect(health.snapshot("c")?.requests == 0)
    }
}
