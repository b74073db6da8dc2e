import Foundation
import LLMRouterCore
import LLMRouterTesting
import Synchronization
import Testing

/// Learned limits crossing instances, without a database: the merge itself on a mock clock,
/// what a provider state hands on when an answer's headers describe a bucket, and what it does
/// with one another instance learned.
struct SharedLearnedLimitTests {
    typealias Bucket = LearnedLimits<MockClock.Instant>.Bucket
    let wall = Date(timeIntervalSince1970: 1_750_000_000)

    /// Keeps what it is told, as the PostgreSQL writer's buffer would.
    final class Recorder: SharedStateObserver {
        let learned = Mutex<[SharedLearnedLimit]>([])
        func coolDownsStarted(_ coolDowns: [SharedCoolDown]) {}
        func learnedLimitsChanged(_ limits: [SharedLearnedLimit]) { learned.withLock { $0 += limits } }
    }

    func makeState(_ clock: MockClock) -> ProviderState<MockClock> {
        ProviderState(routes: [RouteSpec(name: "a"), RouteSpec(name: "b")], clock: clock, wallClockAtStart: wall, jitter: { 0 })
    }

    static func report(remaining: Int, limit: Int? = 30, resetIn: Duration = .seconds(20)) -> UpstreamReport {
        UpstreamReport(rateLimit: RateLimitSignal(windows: [.init(unit: .requests, period: .minute, limit: limit, remaining: remaining, resetIn: resetIn)]))
    }

    // MARK: The merge

    @Test func theLowerRemainingWinsAndTheHigherIsIgnored() {
        let clock = MockClock()
        var limits = LearnedLimits<MockClock.Instant>()
        limits.observe(RateLimitSignal(windows: [.init(unit: .requests, limit: 30, remaining: 10, resetIn: .seconds(20))]), now: clock.now)
        let more = limits.merge(.requests, Bucket(remaining: 12, resetAt: clock.now + .seconds(20), limit: 30), now: clock.now)
        #expect(!more, "more left says nothing new")
        #expect(limits.requests?.remaining == 10)
        let fewer = limits.merge(.requests, Bucket(remaining: 3, resetAt: clock.now + .seconds(20), limit: nil), now: clock.now)
        #expect(fewer)
        #expect(limits.requests == Bucket(remaining: 3, resetAt: clock.now + .seconds(20), limit: 30), "the size known here is kept")
        #expect(limits.requestHeadroom == 0.1)
    }

    @Test func withinOneWindowTheLaterResetIsKept() {
        let clock = MockClock()
        var limits = LearnedLimits<MockClock.Instant>()
        let reset = clock.now + .seconds(20)
        let first = limits.merge(.requests, Bucket(remaining: 5, resetAt: reset, limit: 30), now: clock.now)
        #expect(first)
        // Another instance's clock puts the same reset 300 ms earlier: fewer left, later reset.
        let earlierByAFraction = limits.merge(.requests, Bucket(remaining: 2, resetAt: reset.advanced(by: .milliseconds(-300)), limit: 30), now: clock.now)
        #expect(earlierByAFraction)
        #expect(limits.requests == Bucket(remaining: 2, resetAt: reset, limit: 30))
        // As many left, a later reset of the same window: the later reset.
        let laterByAFraction = limits.merge(.requests, Bucket(remaining: 2, resetAt: reset + .milliseconds(400), limit: 30), now: clock.now)
        #expect(laterByAFraction)
        #expect(limits.requests?.resetAt == reset + .milliseconds(400))
        // As many left in another window: nothing new.
        let anotherWindow = limits.merge(.requests, Bucket(remaining: 2, resetAt: reset + .seconds(40), limit: 30), now: clock.now)
        #expect(!anotherWindow)
    }

    @Test func aBucketPastItsResetIsIgnoredAndAStaleLocalOneReplaced() {
        let clock = MockClock()
        var limits = LearnedLimits<MockClock.Instant>()
        clock.advance(by: .seconds(60))
        let endingNow = limits.merge(.requests, Bucket(remaining: 0, resetAt: clock.now, limit: 30), now: clock.now)
        #expect(!endingNow, "reset now: over")
        let ended = limits.merge(.tokens, Bucket(remaining: 0, resetAt: clock.now.advanced(by: .seconds(-1)), limit: nil), now: clock.now)
        #expect(!ended)
        #expect(limits.requests == nil && limits.tokens == nil)
        #expect(limits.blockedUntil(now: clock.now) == nil)
        limits.observe(RateLimitSignal(windows: [.init(unit: .tokens, remaining: 100, resetIn: .seconds(5))]), now: clock.now)
        clock.advance(by: .seconds(6))
        // The local bucket's reset passed: any fresh one replaces it, however much it has left.
        let fresh = limits.merge(.tokens, Bucket(remaining: 5000, resetAt: clock.now + .seconds(60), limit: 6000), now: clock.now)
        #expect(fresh)
        #expect(limits.tokens?.remaining == 5000)
    }

    @Test func anEmptyRemoteBucketBlocksUntilItsReset() {
        let clock = MockClock()
        var limits = LearnedLimits<MockClock.Instant>()
        let empty = limits.merge(.requests, Bucket(remaining: 0, resetAt: clock.now + .seconds(7), limit: 30), now: clock.now)
        #expect(empty)
        #expect(limits.blockedUntil(now: clock.now) == clock.now + .seconds(7))
        clock.advance(by: .seconds(7))
        #expect(limits.blockedUntil(now: clock.now) == nil)
        #expect(limits.requests == nil, "forgotten at its reset")
    }

    // MARK: The provider state

    @Test func anAnswersBucketsAreHandedOnInWallTime() {
        let clock = MockClock()
        let state = makeState(clock)
        let recorder = Recorder()
        _ = state.admit("a")
        state.settle("a", .answered(latency: .zero, report: Self.report(remaining: 9), tokens: 1))
        #expect(recorder.learned.withLock { $0 }.isEmpty)
        state.share(with: recorder)
        clock.advance(by: .seconds(5))
        _ = state.admit("a")
        state.settle("a", .answered(latency: .zero, report: .init(), tokens: 1))
        #expect(recorder.learned.withLock { $0 }.isEmpty, "an answer without headers hands nothing on")
        _ = state.admit("a")
        state.settle("a", .answered(latency: .zero, report: Self.report(remaining: 3), tokens: 1))
        let told = SharedLearnedLimit(scope: "route:a", unit: .requests, remaining: 3, limit: 30, resetAt: wall.addingTimeInterval(25))
        #expect(recorder.learned.withLock { $0 } == [told])
        state.share(with: nil)
        _ = state.admit("a")
        state.settle("a", .answered(latency: .zero, report: Self.report(remaining: 1), tokens: 1))
        #expect(recorder.learned.withLock { $0 } == [told], "no longer shared")
    }

    @Test func aRemoteRemainingPacesThisInstance() {
        let clock = MockClock()
        let state = makeState(clock)
        let recorder = Recorder()
        state.share(with: recorder)
        let remote = SharedLearnedLimit(scope: "route:a", unit: .requests, remaining: 3, limit: 30, resetAt: wall.addingTimeInterval(20))
        #expect(state.apply(remoteLearned: [remote]) == [remote])
        #expect(state.apply(remoteLearned: [remote]).isEmpty, "the same bucket again is no news")
        #expect(state.headroom("a") == 0.1)
        let limits = state.snapshot("a")?.limits
        #expect(limits?.remainingRequests == 3 && limits?.requestsLimit == 30)
        #expect(limits?.requestsResetAt == remote.resetAt)
        for _ in 0..<3 {
            #expect(state.admit("a").0 == .admitted(trial: false))
            state.settle("a", .answered(latency: .zero, report: .init(), tokens: 1))
        }
        guard case .skipped(let skip) = state.admit("a").0 else {
            Issue.record("the fourth call of a bucket another instance saw at 3 must be skipped")
            return
        }
        #expect(skip.cause == .coolingDown("remaining_zero"))
        #expect(skip.resumeAt == clock.now + .seconds(20))
        #expect(state.admit("b").0 == .admitted(trial: false), "other routes are untouched")
        clock.advance(by: .seconds(20))
        #expect(state.admit("a").0 == .admitted(trial: false), "a new window at the reset")
        #expect(recorder.learned.withLock { $0 }.isEmpty, "a remote bucket is never handed back")
    }

    @Test func aRemoteEmptyBucketSkipsTheRouteAndStaleOrUnknownOnesAreIgnored() {
        let clock = MockClock()
        let state = makeState(clock)
        let empty = SharedLearnedLimit(scope: "route:b", unit: .requests, remaining: 0, limit: 30, resetAt: wall.addingTimeInterval(12))
        let stale = SharedLearnedLimit(scope: "route:a", unit: .requests, remaining: 0, limit: 30, resetAt: wall.addingTimeInterval(-1))
        let unknown = SharedLearnedLimit(scope: "route:elsewhere", unit: .requests, remaining: 0, limit: 30, resetAt: wall.addingTimeInterval(60))
        #expect(state.apply(remoteLearned: [stale, empty, unknown]) == [empty])
        #expect(state.peek("a") == .admitted(trial: false))
        guard case .skipped(let skip) = state.peek("b") else {
            Issue.record("a route whose bucket another instance saw empty must be skipped")
            return
        }
        #expect(skip.cause == .coolingDown("remaining_zero"))
        #expect(skip.resumeAt == clock.now + .seconds(12))
    }
}
