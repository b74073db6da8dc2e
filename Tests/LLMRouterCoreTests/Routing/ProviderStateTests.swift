import Foundation
import LLMRouterCore
import LLMRouterTesting
import Testing

/// The state machines behind admission, on the mock clock.
struct ProviderStateTests {
    typealias Instant = MockClock.Instant
    let start = Instant(.zero)

    @Test func coolDownFallbackBacksOffAndCaps() {
        let short = (1...8).map { CoolDown<Instant>.fallback(.shortWindow, strikes: $0, jitter: 0) }
        #expect(short == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(32), .seconds(60), .seconds(60)])
        #expect(CoolDown<Instant>.fallback(.upstreamCongestion, strikes: 9, jitter: 0) == .seconds(5))
        #expect(CoolDown<Instant>.fallback(.daily, strikes: 1, jitter: 0) == .seconds(3600))
        #expect(CoolDown<Instant>.fallback(.shortWindow, strikes: 1, jitter: 1) == .milliseconds(1250))
    }

    @Test func announcedWaitsAreBoundedAndNeverShortenACoolDown() {
        var coolDown = CoolDown<Instant>()
        #expect(coolDown.rateLimited(.shortWindow, wait: .seconds(30), now: start, jitter: 0) == start + .seconds(30))
        #expect(coolDown.rateLimited(.shortWindow, wait: .seconds(2), now: start, jitter: 0) == start + .seconds(30), "a shorter wait keeps the longer cool-down")
        #expect(coolDown.rateLimited(.shortWindow, wait: .seconds(-5), now: start, jitter: 0) == start + .seconds(30))
        var congested = CoolDown<Instant>()
        #expect(congested.rateLimited(.upstreamCongestion, wait: .seconds(900), now: start, jitter: 0) == start + .seconds(5))
        var absurd = CoolDown<Instant>()
        #expect(absurd.rateLimited(.daily, wait: .seconds(10_000_000), now: start, jitter: 0) == start + .seconds(86_400))
        #expect(absurd.isCooling(at: start + .seconds(86_399)))
        let endedEarly = absurd.expire(at: start + .seconds(86_399))
        let ended = absurd.expire(at: start + .seconds(86_400))
        #expect(!endedEarly)
        #expect(ended)
        #expect(!absurd.isCooling(at: start + .seconds(86_400)))
    }

    @Test func learnedLimitsKeepTheTightestBucketAndForgetAfterReset() {
        var learned = LearnedLimits<Instant>()
        learned.observe(
            RateLimitSignal(windows: [
                .init(unit: .requests, period: .day, limit: 1000, remaining: 900, resetIn: .seconds(3600)),
                .init(unit: .requests, period: .minute, limit: 30, remaining: 1, resetIn: .seconds(20)),
            ]),
            now: start
        )
        #expect(learned.blockedUntil(now: start) == nil)
        learned.consume()
        #expect(learned.blockedUntil(now: start) == start + .seconds(20))
        #expect(learned.blockedUntil(now: start + .seconds(20)) == nil, "forgotten after the reset")
        learned.observe(RateLimitSignal(windows: [.init(unit: .tokens, remaining: 50, resetIn: .seconds(6))]), now: start)
        learned.consume(tokens: 60)
        #expect(learned.blockedUntil(now: start + .seconds(1)) == start + .seconds(6))
    }

    @Test func garbageWindowsAreIgnored() {
        var learned = LearnedLimits<Instant>()
        learned.observe(RateLimitSignal(windows: [.init(unit: .requests, remaining: nil, resetIn: .seconds(5)), .init(unit: .requests, remaining: 0, resetIn: nil)]), now: start)
        #expect(learned.blockedUntil(now: start) == nil, "a bucket needs both remaining and reset")
        learned.observe(RateLimitSignal(windows: [.init(unit: .requests, remaining: -4, resetIn: .seconds(-9))]), now: start + .seconds(1))
        #expect(learned.blockedUntil(now: start + .seconds(1)) == nil, "a negative reset is already over")
    }

    @Test func dailyQuotaStartsOverAtMidnightUTC() {
        let clock = MockClock()
        // 23:59:00 UTC on 2025-06-15.
        let wall = Date(timeIntervalSince1970: 1_750_031_940)
        let state = ProviderState(routes: [RouteSpec(name: "a", limits: RateLimitConfiguration(requestsPerDay: 2))], clock: clock, wallClockAtStart: wall)
        #expect(state.admit("a").0 == .admitted(trial: false))
        state.settle("a", .answered(latency: .zero, report: .init(), tokens: 10))
        #expect(state.admit("a").0 == .admitted(trial: false))
        state.settle("a", .answered(latency: .zero, report: .init(), tokens: 10))
        guard case .skipped(let skip) = state.admit("a").0 else {
            Issue.record("the third call of the day must be skipped")
            return
        }
        #expect(skip.cause == .quota("rpd"))
        #expect(skip.resumeAt == clock.now + .seconds(60), "the quota returns at midnight UTC")
        clock.advance(by: .seconds(60))
        #expect(state.admit("a").0 == .admitted(trial: false))
    }

    @Test func backoffJitterIsDrawnOnlyForARefusal() {
        let clock = MockClock()
        let draws = Locked(0)
        let state = ProviderState(routes: [RouteSpec(name: "a")], clock: clock, jitter: {
            draws.withLock { $0 += 1 }
            return 1
        })
        for _ in 0..<3 {
            #expect(state.admit("a").0 == .admitted(trial: false))
            state.settle("a", .answered(latency: .zero, report: .init(), tokens: 1))
        }
        state.settle("a", .failed(UpstreamFailure(kind: .serverError, message: "boom", status: 500), latency: .zero))
        #expect(draws.withLock { $0 } == 0, "answers and other failures draw nothing (each draw costs a syscall)")
        state.settle("a", .failed(UpstreamFailure(kind: .rateLimited, message: "slow down", status: 429), latency: .zero))
        #expect(draws.withLock { $0 } == 1)
        // With no announced reset the backoff uses the draw: the first one lasts 1 s plus a quarter.
        guard case .skipped(let skip) = state.admit("a").0 else {
            Issue.record("a refused route cools down")
            return
        }
        #expect(skip.resumeAt == clock.now + .milliseconds(1250))
    }

    @Test func concurrencyAndTokenQuotas() {
        let clock = MockClock()
        let state = ProviderState(routes: [RouteSpec(name: "a", limits: RateLimitConfiguration(tokensPerMinute: 100, maxConcurrency: 1))], clock: clock)
        #expect(state.admit("a").0 == .admitted(trial: false))
        guard case .skipped(let busy) = state.admit("a").0 else {
            Issue.record("a second concurrent call must wait")
            return
        }
        #expect(busy.cause == .quota("max_concurrency"))
        state.settle("a", .answered(latency: .zero, report: .init(), tokens: 150))
        guard case .skipped(let tokens) = state.admit("a").0 else {
            Issue.record("the minute's tokens are used up")
            return
        }
        #expect(tokens.cause == .quota("tpm"))
        #expect(tokens.resumeAt == clock.now + .seconds(60))
        clock.advance(by: .seconds(60))
        #expect(state.admit("a").0 == .admitted(trial: false))
        #expect(state.snapshot("a")?.limits?.used?.inFlight == 1)
    }

    @Test func snapshotShowsCoolDownLimitsAndScope() throws {
        let clock = MockClock()
        let spec = RouteSpec(
            ProviderConfiguration(name: "or", kind: .openrouter, rateLimit: RateLimitConfiguration(scope: .pool("free"), requestsPerMinute: 20)),
            defaultAPIKeyVariable: "OPENROUTER_API_KEY"
        )
        let state = ProviderState(routes: [spec], clock: clock, redactor: SecretRedactor(secrets: ["sk-or-secret-value"]), wallClockAtStart: Date(timeIntervalSince1970: 1_000))
        _ = state.admit("or")
        state.settle("or", .failed(UpstreamFailure(kind: .rateLimited, message: "key sk-or-secret-value limited", status: 429, retryAfter: .seconds(12)), latency: .milliseconds(5)))
        let snapshot = try #require(state.snapshot("or"))
        #expect(snapshot.coolDown == CoolDownSnapshot(scope: "pool:free", until: Date(timeIntervalSince1970: 1_012), reason: "rate_limited:short_window"))
        #expect(snapshot.limits?.scope == "pool:free")
        #expect(snapshot.limits?.account == "account:openrouter:OPENROUTER_API_KEY")
        #expect(snapshot.limits?.configured?.rpm == 20)
        #expect(snapshot.limits?.used?.requestsLastMinute == 1)
        #expect(snapshot.state == .closed)
        #expect(snapshot.coolDowns == 1)
        #expect(snapshot.lastError?.contains("sk-or-secret-value") == false)
    }

    /// The dashboard draws these as bars: remaining against the bucket's size, until its reset.
    @Test func snapshotShowsLearnedBucketsWithTheirSizeUntilTheirReset() throws {
        let clock = MockClock()
        let state = ProviderState(routes: [RouteSpec(name: "g")], clock: clock, wallClockAtStart: Date(timeIntervalSince1970: 1_000))
        _ = state.admit("g")
        let headers = RateLimitSignal(windows: [
            .init(unit: .requests, period: .day, limit: 1000, remaining: 900, resetIn: .seconds(30)),
            .init(unit: .tokens, period: .minute, limit: 6000, remaining: 5000, resetIn: .seconds(10)),
        ])
        state.settle("g", .answered(latency: .milliseconds(5), report: UpstreamReport(rateLimit: headers), tokens: 100))
        _ = state.admit("g")
        let limits = try #require(state.snapshot("g")?.limits)
        #expect(limits.remainingRequests == 899 && limits.requestsLimit == 1000)
        #expect(limits.requestsResetAt == Date(timeIntervalSince1970: 1_030))
        #expect(limits.remainingTokens == 5000 && limits.tokensLimit == 6000)
        #expect(limits.tokensResetAt == Date(timeIntervalSince1970: 1_010))
        clock.advance(by: .seconds(10))
        let later = try #require(state.snapshot("g")?.limits)
        #expect(later.remainingTokens == nil && later.tokensLimit == nil && later.tokensResetAt == nil, "past its reset")
        #expect(later.remainingRequests == 899)
        clock.advance(by: .seconds(20))
        #expect(state.snapshot("g")?.limits?.remainingRequests == nil)
    }
}
