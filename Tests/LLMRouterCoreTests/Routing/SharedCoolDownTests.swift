import Foundation
import LLMRouterCore
import LLMRouterTesting
import Synchronization
import Testing

/// Cool-downs crossing instances, without a database: what a provider state announces when it
/// cools a scope, and what it does with one another instance announced.
struct SharedCoolDownTests {
    let wall = Date(timeIntervalSince1970: 1_750_000_000)

    /// Keeps what it is told, as the PostgreSQL publisher's buffer would.
    final class Recorder: SharedStateObserver {
        let told = Mutex<[SharedCoolDown]>([])
        func coolDownsStarted(_ coolDowns: [SharedCoolDown]) { told.withLock { $0 += coolDowns } }
    }

    func makeState(_ clock: MockClock) -> ProviderState<MockClock> {
        ProviderState(routes: [RouteSpec(name: "a"), RouteSpec(name: "b")], clock: clock, wallClockAtStart: wall, jitter: { 0 })
    }

    @Test func aRefusalIsAnnouncedInWallTimeWithItsReason() {
        let clock = MockClock()
        let state = makeState(clock)
        let recorder = Recorder()
        state.share(with: recorder)
        _ = state.admit("a")
        state.settle("a", .answered(latency: .zero, report: .init(), tokens: 1))
        #expect(recorder.told.withLock { $0 }.isEmpty, "an answer that cools nothing announces nothing")
        clock.advance(by: .seconds(5))
        _ = state.admit("a")
        state.settle("a", .failed(UpstreamFailure(kind: .rateLimited, message: "slow down", status: 429, retryAfter: .seconds(30)), latency: .zero))
        let told = recorder.told.withLock { $0 }
        #expect(told == [SharedCoolDown(scope: "route:a", until: wall.addingTimeInterval(35), reason: "rate_limited:short_window")])
        #expect(told.first?.kind == "rate_limited")
    }

    @Test func anEmptyBucketIsAnnouncedToo() {
        let clock = MockClock()
        let state = makeState(clock)
        let recorder = Recorder()
        state.share(with: recorder)
        _ = state.admit("b")
        let empty = RateLimitSignal(windows: [.init(unit: .requests, period: .minute, limit: 30, remaining: 0, resetIn: .seconds(20))])
        var report = UpstreamReport()
        report.rateLimit = empty
        state.settle("b", .answered(latency: .zero, report: report, tokens: 1))
        #expect(recorder.told.withLock { $0 } == [SharedCoolDown(scope: "route:b", until: wall.addingTimeInterval(20), reason: "remaining_zero")])
    }

    @Test func aRemoteCoolDownSkipsTheRouteUntilItEnds() {
        let clock = MockClock()
        let state = makeState(clock)
        let remote = SharedCoolDown(scope: "route:a", until: wall.addingTimeInterval(10), reason: "rate_limited:daily")
        #expect(state.apply(remote: [remote]) == [remote])
        guard case .skipped(let skip) = state.admit("a").0 else {
            Issue.record("a route another instance cooled must be skipped")
            return
        }
        #expect(skip.cause == .coolingDown("rate_limited:daily"))
        #expect(skip.resumeAt == clock.now + .seconds(10))
        #expect(state.admit("b").0 == .admitted(trial: false), "other routes are untouched")
        clock.advance(by: .seconds(10))
        #expect(state.admit("a").0 == .admitted(trial: false))
    }

    @Test func onlyALaterRemoteCoolDownChangesAnything() {
        let clock = MockClock()
        let state = makeState(clock)
        let recorder = Recorder()
        state.share(with: recorder)
        let long = SharedCoolDown(scope: "route:a", until: wall.addingTimeInterval(60), reason: "rate_limited:short_window")
        let short = SharedCoolDown(scope: "route:a", until: wall.addingTimeInterval(5), reason: "rate_limited:short_window")
        let over = SharedCoolDown(scope: "route:b", until: wall.addingTimeInterval(-1), reason: "remaining_zero")
        let unknown = SharedCoolDown(scope: "route:elsewhere", until: wall.addingTimeInterval(60), reason: "remaining_zero")
        #expect(state.apply(remote: [long, short, over, unknown]) == [long])
        #expect(state.apply(remote: [long]).isEmpty, "the same cool-down coming back again is no news")
        #expect(state.snapshot("a")?.coolDown?.until == long.until)
        #expect(recorder.told.withLock { $0 }.isEmpty, "a remote cool-down is never announced back")
    }

    @Test func reasonLabelsRoundTrip() {
        let reasons: [CoolDown<MockClock.Instant>.Reason] = [.rateLimited(.daily), .rateLimited(.upstreamCongestion), .exhausted, .quota("rpm")]
        #expect(reasons.map { CoolDown<MockClock.Instant>.Reason(label: $0.label) } == reasons)
        #expect(CoolDown<MockClock.Instant>.Reason(label: "rate_limited:sometimes") == nil)
    }
}
