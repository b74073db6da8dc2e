import Foundation
import LLMRouterCore
import LLMRouterTesting
import Synchronization
import Testing

/// Configured quotas and breaker states crossing instances, without a database: what a provider
/// state hands over for reconciliation, and what the other instances' use does to admission.
struct SharedQuotaTests {
    /// 2026-12-05T23:41:10Z: ten seconds into a minute.
    let wall = Date(timeIntervalSince1970: 1_796_514_070)
    var minute: Int64 { 1_796_514_060 }

    final class Recorder: SharedStateObserver {
        let nudges = Mutex(0)
        let breakers = Mutex<[SharedBreakerState]>([])
        func coolDownsStarted(_ coolDowns: [SharedCoolDown]) {}
        func breakersChanged(_ states: [SharedBreakerState]) { breakers.withLock { $0 += states } }
        func quotaUsageWaiting() { nudges.withLock { $0 += 1 } }
    }

    func makeState(_ clock: MockClock, limits: RateLimitConfiguration = .init(requestsPerMinute: 10)) -> ProviderState<MockClock> {
        ProviderState(
            routes: [RouteSpec(name: "a", breaker: .init(failureThreshold: 2), limits: limits)],
            clock: clock, wallClockAtStart: wall, jitter: { 0 }
        )
    }

    /// Admits and answers `count` calls on route `a`; returns how many were admitted.
    @discardableResult
    func call(_ state: ProviderState<MockClock>, _ count: Int, tokens: Int = 1) -> Int {
        var admitted = 0
        for _ in 0..<count {
            guard case .admitted = state.admit("a").0 else { continue }
            admitted += 1
            state.settle("a", .answered(latency: .zero, report: .init(), tokens: tokens))
        }
        return admitted
    }

    func others(_ used: Int, _ counter: QuotaCounter = .rpm, window: Int64? = nil) -> SharedQuotaUsage {
        let start = window ?? minute
        return SharedQuotaUsage(scope: "route:a", counter: counter, windowStart: start, windowEnd: start + 60, used: used)
    }

    @Test func nothingIsCountedForSharingUntilAnInstanceShares() {
        let clock = MockClock()
        let state = makeState(clock)
        #expect(call(state, 3) == 3)
        #expect(state.drainQuotaUsage().isEmpty)
        state.apply(remoteQuota: [others(10)])
        #expect(call(state, 7) == 7, "another instance's use means nothing to an instance that does not share")
    }

    @Test func theUseCountedHereIsHandedOverOncePerWindowWithZeroRowsForTheOthers() throws {
        let clock = MockClock()
        let state = makeState(clock, limits: .init(requestsPerMinute: 10, tokensPerDay: 1000))
        state.share(with: Recorder())
        #expect(call(state, 4, tokens: 25) == 4)
        let rows = state.drainQuotaUsage()
        let rpm = try #require(rows.first { $0.counter == .rpm })
        #expect(rpm == SharedQuotaUsage(scope: "route:a", counter: .rpm, windowStart: minute, windowEnd: minute + 60, used: 4))
        let tpd = try #require(rows.first { $0.counter == .tpd })
        #expect(tpd.used == 100)
        #expect(tpd.windowStart == 1_796_428_800, "the UTC day of 2026-12-05")
        #expect(tpd.windowEnd == tpd.windowStart + 86_400)
        #expect(rows.count == 2)
        let again = state.drainQuotaUsage()
        #expect(again.map(\.used) == [0, 0], "handed over once; the current windows asked for again with nothing added")
    }

    @Test func theOthersUseCountsAgainstTheLimitHere() throws {
        let clock = MockClock()
        let state = makeState(clock)
        state.share(with: Recorder())
        #expect(call(state, 4) == 4)
        state.apply(remoteQuota: [others(5)])
        #expect(call(state, 5) == 1, "4 here + 5 elsewhere leave 1 of 10")
        guard case .skipped(let skip) = state.admit("a").0 else {
            Issue.record("the route must be skipped")
            return
        }
        #expect(skip.cause == .quota("rpm"))
        let resumesIn = try #require(skip.resumeAt.map { clock.now.duration(to: $0) })
        #expect(abs(resumesIn / .milliseconds(1) - 50_000) < 1, "until the minute turns, 50 s on")
    }

    @Test func windowsRollWithTheWallClockAndThePreviousMinuteFadesOut() {
        let clock = MockClock()
        let state = makeState(clock)
        state.share(with: Recorder())
        state.apply(remoteQuota: [others(10)])
        #expect(call(state, 1) == 0, "the others spent the minute")
        // 23:42:20: the previous minute's 10 weigh 40 s of 60 → 7 of them still count.
        clock.advance(by: .seconds(70))
        #expect(call(state, 10) == 3)
        let rows = state.drainQuotaUsage().filter { $0.counter == .rpm }
        #expect(rows == [SharedQuotaUsage(scope: "route:a", counter: .rpm, windowStart: minute + 60, windowEnd: minute + 120, used: 3)])
        // 23:43:20: nothing known elsewhere in this minute or the last.
        clock.advance(by: .seconds(60))
        state.apply(remoteQuota: [others(0, window: minute + 120)])
        #expect(call(state, 10) == 10)
    }

    @Test func dailyAndTokenCountersAddTheOthersToo() {
        let clock = MockClock()
        let state = makeState(clock, limits: .init(requestsPerDay: 20, tokensPerMinute: 100))
        state.share(with: Recorder())
        let day: Int64 = 1_796_428_800
        state.apply(remoteQuota: [SharedQuotaUsage(scope: "route:a", counter: .rpd, windowStart: day, windowEnd: day + 86_400, used: 18)])
        #expect(call(state, 5, tokens: 0) == 2)
        state.apply(remoteQuota: [SharedQuotaUsage(scope: "route:a", counter: .rpd, windowStart: day, windowEnd: day + 86_400, used: 0)])
        state.apply(remoteQuota: [others(90, .tpm)])
        #expect(call(state, 5, tokens: 20) == 1, "90 tokens elsewhere: one call of 20 fits under 100, then none")
    }

    /// A twentieth of the smallest request limit since the last hand-over asks for the next one
    /// early, once until it is drained: a small limit hears of a burst at once, a large one is not
    /// reconciled (a statement each) every few calls.
    @Test func aBurstOfCallsAsksForAnEarlyHandOver() {
        let clock = MockClock()
        let state = makeState(clock, limits: .init(requestsPerMinute: 100))
        let recorder = Recorder()
        state.share(with: recorder)
        call(state, 4)
        #expect(recorder.nudges.withLock { $0 } == 0)
        call(state, 1)
        #expect(recorder.nudges.withLock { $0 } == 1, "the fifth call (100 / 20) since the last hand-over")
        call(state, 10)
        #expect(recorder.nudges.withLock { $0 } == 1, "asked once until the service drains")
        _ = state.drainQuotaUsage()
        call(state, 5)
        #expect(recorder.nudges.withLock { $0 } == 2)
    }

    @Test(arguments: [
        (RateLimitConfiguration(requestsPerMinute: 30), 1),
        (RateLimitConfiguration(requestsPerMinute: 600, requestsPerDay: 100), 5),
        (RateLimitConfiguration(requestsPerMinute: 100_000), 5_000),
        (RateLimitConfiguration(tokensPerDay: 1_000_000), 8),
    ])
    func theEarlyHandOverComesAfterATwentiethOfTheSmallestRequestLimit(_ limits: RateLimitConfiguration, after calls: Int) {
        let clock = MockClock()
        let state = makeState(clock, limits: limits)
        let recorder = Recorder()
        state.share(with: recorder)
        call(state, calls - 1)
        #expect(recorder.nudges.withLock { $0 } == 0)
        call(state, 1)
        #expect(recorder.nudges.withLock { $0 } == 1)
    }

    @Test func breakerChangesArePublishedAndOtherInstancesBreakersShown() throws {
        let clock = MockClock()
        let state = makeState(clock)
        let recorder = Recorder()
        state.share(with: recorder)
        #expect(state.breakerStates() == [SharedBreakerState(route: "a", state: "closed", since: wall)])
        clock.advance(by: .seconds(3))
        for _ in 0..<2 {
            _ = state.admit("a")
            state.settle("a", .failed(UpstreamFailure(kind: .serverError, message: "boom", status: 500), latency: .zero))
        }
        #expect(recorder.breakers.withLock { $0 } == [SharedBreakerState(route: "a", state: "open", since: wall.addingTimeInterval(3))])
        #expect(state.snapshot("a")?.elsewhere == nil, "alone: nothing elsewhere")
        let other = RemoteBreakerState(instance: "b-1", state: "half_open", since: wall)
        state.apply(remoteBreakers: ["a": [other]])
        #expect(try #require(state.snapshot("a")).elsewhere == [other])
    }

    @Test func anAccessKeyCountsTheOtherInstancesRequestsAndTokens() {
        let clock = MockClock()
        let quota = KeyQuota(clock: clock, wallClockAtStart: wall)
        let key = AccessKey(name: "alice", secret: "secret-0123456789abcdef", limits: .init(requestsPerMinute: 6, tokensPerDay: 1000))
        quota.shareWithOtherInstances(true)
        #expect(quota.requestArrived(key) == .allow)
        let rows = quota.drainQuotaUsage()
        #expect(rows.first { $0.counter == .rpm }?.used == 1)
        #expect(rows.first { $0.counter == .tpd }?.used == 0)
        #expect(rows.allSatisfy { $0.scope == "key:alice" })
        quota.apply(remoteQuota: [SharedQuotaUsage(scope: "key:alice", counter: .rpm, windowStart: minute, windowEnd: minute + 60, used: 4)])
        #expect(quota.requestArrived(key) == .allow, "1 here + 4 elsewhere leave 1 of 6")
        #expect(quota.requestArrived(key) == .reject(limit: .requestsPerMinute, retryAfter: .seconds(10)))
        let day: Int64 = 1_796_428_800
        quota.apply(remoteQuota: [SharedQuotaUsage(scope: "key:alice", counter: .tpd, windowStart: day, windowEnd: day + 86_400, used: 1000)])
        clock.advance(by: .seconds(40))
        guard case .reject(let limit, _) = quota.requestArrived(key) else {
            Issue.record("the day's tokens were spent elsewhere")
            return
        }
        #expect(limit == .tokensPerDay)
    }
}
