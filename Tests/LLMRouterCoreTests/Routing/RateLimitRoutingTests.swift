import LLMRouterCore
import LLMRouterTesting
import Synchronization
import Testing

/// Rate limits are the normal case: proven with call counts on the mock clock.
struct RateLimitRoutingTests {
    @Test func aCooledRouteGetsNoCallsUntilItsReset() async throws {
        let harness = RouterHarness([
            ("limited", { $0.priority = 1 }, { call, _ in
                if call == 1 { throw UpstreamFailure(kind: .rateLimited, message: "slow down", status: 429, retryAfter: .seconds(10)) }
                return UpstreamReport()
            }),
            ("spare", { $0.priority = 2 }, Scripts.ok),
        ])
        #expect(try await harness.send().answeredBy == "spare")
        for _ in 0..<20 {
            harness.clock.advance(by: .milliseconds(450))
            #expect(try await harness.send().answeredBy == "spare")
        }
        #expect(harness.calls("limited") == 1, "no call while cooling (9 s of 10 s passed)")
        #expect(harness.state.snapshot("limited")?.coolDown?.reason == "rate_limited:short_window")
        harness.clock.advance(by: .seconds(1))
        #expect(try await harness.send().answeredBy == "limited", "called again once the reset passed")
        #expect(harness.calls("limited") == 2)
    }

    @Test func rateLimitsNeverOpenTheBreaker() async throws {
        let harness = RouterHarness([("a", Scripts.none, Scripts.rateLimited(after: .milliseconds(100)))], breaker: .init(failureThreshold: 1))
        for _ in 0..<10 {
            _ = try await harness.send()
            harness.clock.advance(by: .milliseconds(200))
        }
        #expect(harness.calls("a") == 10)
        #expect(harness.state.snapshot("a")?.state == .closed)
        #expect(harness.state.snapshot("a")?.coolDowns == 10)
    }

    @Test func remainingZeroOnASuccessCoolsWithoutAFurtherCall() async throws {
        let harness = RouterHarness([
            ("groq", { $0.priority = 1 }, { _, _ in
                UpstreamReport(rateLimit: RateLimitSignal(windows: [.init(unit: .requests, period: .day, limit: 100, remaining: 0, resetIn: .seconds(7))]))
            }),
            ("spare", { $0.priority = 2 }, Scripts.ok),
        ])
        #expect(try await harness.send().answeredBy == "groq")
        #expect(try await harness.send().answeredBy == "spare")
        #expect(harness.calls("groq") == 1, "the empty bucket was not spent on a 429")
        harness.clock.advance(by: .seconds(7))
        #expect(try await harness.send().answeredBy == "groq")
    }

    @Test func remainingIsCountedDownLocallyBetweenAnswers() async throws {
        let harness = RouterHarness([
            ("groq", { $0.priority = 1 }, { call, _ in
                // Only the first answer says anything: two calls left in this window.
                call == 1 ? UpstreamReport(rateLimit: RateLimitSignal(windows: [.init(unit: .requests, remaining: 2, resetIn: .seconds(30))])) : UpstreamReport()
            }),
            ("spare", { $0.priority = 2 }, Scripts.ok),
        ])
        let answered = try await (0..<5).asyncMap { _ in try await harness.send().answeredBy }
        #expect(answered == ["groq", "groq", "groq", "spare", "spare"])
    }

    @Test func aPoolCoolsEveryRouteInIt() async throws {
        let pooled: @Sendable (inout ProviderConfiguration) -> Void = { $0.rateLimit = RateLimitConfiguration(scope: .pool("or-free")) }
        let harness = RouterHarness([
            ("or-a", { pooled(&$0); $0.priority = 1 }, Scripts.rateLimited(after: .seconds(60))),
            ("or-b", { pooled(&$0); $0.priority = 2 }, Scripts.ok),
            ("other", { $0.priority = 3 }, Scripts.ok),
        ])
        #expect(try await harness.send().answeredBy == "other")
        #expect(harness.calls("or-b") == 0, "the pool's 429 cooled or-b too")
        #expect(harness.state.snapshot("or-b")?.coolDown?.scope == "pool:or-free")
    }

    @Test func anAccountWideDailyCapCoolsTheWholeAccount() async throws {
        let harness = RouterHarness([
            ("or-a", { $0.priority = 1 }, Scripts.rateLimited(.daily, after: .seconds(3600), accountWide: true)),
            ("or-b", { $0.priority = 2 }, Scripts.ok),
            ("groq", { $0.kind = .groq; $0.priority = 3 }, Scripts.ok),
        ])
        #expect(try await harness.send().answeredBy == "groq")
        #expect(harness.calls("or-b") == 0)
        #expect(harness.state.snapshot("or-b")?.coolDown?.reason == "rate_limited:daily")
    }

    @Test func upstreamCongestionMovesOnWithoutALongCoolDown() async throws {
        let harness = RouterHarness([
            ("busy", { $0.priority = 1 }, { call, _ in
                if call == 1 { throw UpstreamFailure(kind: .rateLimited, message: "busy upstream", status: 429, rateLimit: RateLimitSignal(kind: .upstreamCongestion, retryAfter: .seconds(600))) }
                return UpstreamReport()
            }),
            ("spare", { $0.priority = 2 }, Scripts.ok),
        ])
        #expect(try await harness.send().answeredBy == "spare")
        harness.clock.advance(by: .seconds(5))
        #expect(try await harness.send().answeredBy == "busy", "congestion cools at most 5 s")
    }

    @Test(arguments: [(30, 60), (5, 20), (1, 3)])
    func configuredRequestsPerMinuteHold(rpm: Int, perMinuteOffered: Int) async throws {
        let harness = RouterHarness(
            [("paced", { $0.rateLimit = RateLimitConfiguration(requestsPerMinute: rpm) }, Scripts.ok)],
            routing: .init(maxWait: .zero)
        )
        var answeredAt: [Duration] = []
        let step = Duration.seconds(60) / perMinuteOffered
        for index in 0..<(perMinuteOffered * 3) {
            if try await harness.send().answeredBy != nil { answeredAt.append(step * index) }
            harness.clock.advance(by: step)
        }
        // No 60-second window holds more than rpm calls, and the limit is used, not wasted.
        for (index, start) in answeredAt.enumerated() {
            let inWindow = answeredAt[index...].prefix { $0 < start + .seconds(60) }.count
            #expect(inWindow <= rpm)
        }
        #expect(abs(answeredAt.count - rpm * 3) <= 1)
    }

    @Test func waitsForAResetWithinTheWaitBudgetThenAnswers() async throws {
        let harness = RouterHarness(
            [("only", Scripts.none, { call, _ in
                if call == 1 { throw UpstreamFailure(kind: .rateLimited, message: "slow down", status: 429, retryAfter: .seconds(2)) }
                return UpstreamReport()
            })],
            routing: .init(maxWait: .seconds(5))
        )
        async let outcome = harness.send()
        while harness.clock.sleepers == 0 { await Task.yield() }
        #expect(harness.router.waitingRequests == 1)
        harness.clock.advance(by: .seconds(2))
        let answered = try await outcome
        #expect(answered.answeredBy == "only")
        #expect(harness.calls("only") == 2)
        #expect(harness.router.waitingRequests == 0)
    }

    @Test func aLongWaitRecordsEachSkippedRouteOnce() async throws {
        // The second of two instances on a guessed refill looks again every 250 ms.
        let empty = RateLimitSignal(windows: [.init(unit: .requests, limit: 5, remaining: 0, resetIn: .seconds(1))])
        let harness = RouterHarness([("a", Scripts.none, { _, _ in UpstreamReport(rateLimit: empty) })], routing: .init(maxWait: .seconds(3)))
        harness.state.apply(peers: LearnedLimitPeersTests.peers(turnedTo: 1, of: 2))
        #expect(try await harness.send().answeredBy == "a")
        let waiting = Task { try await harness.send() }
        var looks = 0
        for _ in 0..<20 {
            for _ in 0..<1000 where harness.clock.sleepers == 0 { await Task.yield() }
            if harness.clock.sleepers > 0 { looks += 1 }
            harness.clock.advance(by: .milliseconds(250))
        }
        let outcome = try await waiting.value
        #expect(looks > 4, "it looked again several times")
        #expect(outcome.retryAfter != nil)
        #expect(outcome.attempts.map(\.provider) == ["a"], "one record, from the last look")
        #expect(harness.calls("a") == 1)
    }

    @Test func aResetBeyondTheWaitBudgetIsA429WithRetryAfter() async throws {
        let harness = RouterHarness(
            [
                ("a", Scripts.none, Scripts.rateLimited(after: .milliseconds(12_300))),
                ("b", Scripts.none, Scripts.rateLimited(.daily, after: .seconds(3600))),
            ],
            routing: .init(maxWait: .seconds(5))
        )
        let outcome = try await harness.send()
        #expect(outcome.retryAfter == .milliseconds(12_300), "the earliest reset among the routes")
        let allLimited = outcome.attempts.allSatisfy { $0.rateLimited }
        #expect(allLimited)
        #expect(harness.recorded.withLock { $0.first?.status } == 429)
        // Asked again before the reset: no call at all, the answer is a 429 at once.
        harness.clock.advance(by: .seconds(2))
        let again = try await harness.send()
        #expect(again.retryAfter == .milliseconds(10_300))
        #expect(harness.totalCalls == 2)
    }

    @Test func aFullWaitLineAnswers429AtOnce() async throws {
        let harness = RouterHarness([("a", Scripts.none, Scripts.rateLimited(after: .seconds(2)))], routing: .init(maxWait: .seconds(5), maxWaiting: 0))
        #expect(try await harness.send().retryAfter == .seconds(2))
        #expect(harness.clock.sleepers == 0)
    }

    @Test func aWaitingRequestWhoseClientLeavesFreesItsPlace() async throws {
        let harness = RouterHarness([("a", Scripts.none, Scripts.rateLimited(after: .seconds(3)))], routing: .init(maxWait: .seconds(5)))
        let task = Task { try await harness.send() }
        while harness.clock.sleepers == 0 { await Task.yield() }
        #expect(harness.router.waitingRequests == 1)
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        #expect(harness.router.waitingRequests == 0)
        #expect(harness.clock.sleepers == 0)
    }

    @Test func withoutAnnouncedResetTheCoolDownBacksOff() async throws {
        let harness = RouterHarness([("a", Scripts.none, Scripts.rateLimited(after: nil))])
        var waits: [Duration] = []
        for _ in 0..<4 {
            let outcome = try await harness.send()
            let wait = try #require(outcome.retryAfter)
            waits.append(wait)
            harness.clock.advance(by: wait)
        }
        #expect(waits == [.seconds(1), .seconds(2), .seconds(4), .seconds(8)])
    }
}

extension Sequence where Element: Sendable {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}

struct ProbeAfterResetTests {
    @Test func afterACoolDownOneCallGoesFirstAndTheRestWaitForItsAnswer() throws {
        let clock = MockClock()
        let state = ProviderState(routes: [RouteSpec(name: "a")], clock: clock)
        _ = state.admit("a")
        state.settle("a", .failed(UpstreamFailure(kind: .rateLimited, message: "x", status: 429, retryAfter: .seconds(5)), latency: .zero))
        clock.advance(by: .seconds(5))
        #expect(state.admit("a").0 == .admitted(trial: false), "the probe")
        guard case .skipped(let held) = state.admit("a").0 else {
            Issue.record("a second call must wait for the probe's answer")
            return
        }
        #expect(held.cause == .coolingDown("probing after reset"))
        #expect(held.resumeAt == clock.now + .milliseconds(250))
        state.settle("a", .answered(latency: .zero, report: UpstreamReport(rateLimit: RateLimitSignal(windows: [.init(unit: .requests, remaining: 1, resetIn: .seconds(5))])), tokens: 0))
        #expect(state.admit("a").0 == .admitted(trial: false), "the answer said one call is left")
        guard case .skipped = state.admit("a").0 else {
            Issue.record("and only one")
            return
        }
    }
}

extension ProbeAfterResetTests {
    @Test func aRefusalNamingItsLimitBoundsTheCallsAfterTheReset() throws {
        let clock = MockClock()
        let state = ProviderState(routes: [RouteSpec(name: "or")], clock: clock)
        _ = state.admit("or")
        // OpenRouter: limit 3 per minute, reset in 60 s, nothing on later answers.
        let refusal = RateLimitSignal(kind: .shortWindow, windows: [.init(unit: .requests, limit: 3, remaining: 0, resetIn: .seconds(60))])
        state.settle("or", .failed(UpstreamFailure(kind: .rateLimited, message: "x", status: 429, rateLimit: refusal), latency: .zero))
        clock.advance(by: .seconds(60))
        var admitted = 0
        for _ in 0..<10 {
            if case .admitted = state.admit("or").0 {
                admitted += 1
                state.settle("or", .answered(latency: .zero, report: .init(), tokens: 0))
            }
        }
        #expect(admitted == 3, "the new window's three calls, not ten")
    }

    @Test func anEmptyBucketOnASuccessAlsoProbesAfterItsReset() throws {
        let clock = MockClock()
        let state = ProviderState(routes: [RouteSpec(name: "groq")], clock: clock)
        _ = state.admit("groq")
        state.settle("groq", .answered(latency: .zero, report: UpstreamReport(rateLimit: RateLimitSignal(windows: [.init(unit: .requests, remaining: 0, resetIn: .seconds(5))])), tokens: 0))
        clock.advance(by: .seconds(5))
        #expect(state.admit("groq").0 == .admitted(trial: false))
        guard case .skipped(let held) = state.admit("groq").0 else {
            Issue.record("the rest wait for the probe")
            return
        }
        #expect(held.cause == .coolingDown("probing after reset"))
    }
}

extension ProbeAfterResetTests {
    @Test func aRefusedRouteThatStatesNoBudgetTakesOneCallAtATime() throws {
        let clock = MockClock()
        let state = ProviderState(routes: [RouteSpec(name: "or")], clock: clock)
        _ = state.admit("or")
        let refusal = RateLimitSignal(kind: .shortWindow, windows: [.init(unit: .requests, limit: 5, remaining: 0, resetIn: .seconds(5))])
        state.settle("or", .failed(UpstreamFailure(kind: .rateLimited, message: "x", status: 429, rateLimit: refusal), latency: .zero))
        clock.advance(by: .seconds(5))
        #expect(state.admit("or").0 == .admitted(trial: false))
        state.settle("or", .answered(latency: .zero, report: .init(), tokens: 0))
        #expect(state.admit("or").0 == .admitted(trial: false))
        guard case .skipped(let held) = state.admit("or").0 else {
            Issue.record("a second concurrent call must wait")
            return
        }
        #expect(held.cause == .coolingDown("one at a time after a refusal"))
        // An answer that describes its buckets lifts it: the budget is counted exactly now.
        state.settle("or", .answered(latency: .zero, report: UpstreamReport(rateLimit: RateLimitSignal(windows: [.init(unit: .requests, remaining: 9, resetIn: .seconds(60))])), tokens: 0))
        #expect(state.admit("or").0 == .admitted(trial: false))
        #expect(state.admit("or").0 == .admitted(trial: false))
    }
}
