import Foundation
import LLMRouterCore
import LLMRouterTesting
import Testing

/// A learned bucket split among router instances (``InstancePeers``): each spends its share,
/// later news of the same window never raises it, and at the reset the bucket refills split.
struct LearnedLimitPeersTests {
    typealias Bucket = LearnedLimits<MockClock.Instant>.Bucket

    static func signal(remaining: Int, limit: Int? = 5, resetIn: Duration) -> RateLimitSignal {
        RateLimitSignal(windows: [.init(unit: .requests, limit: limit, remaining: remaining, resetIn: resetIn)])
    }

    @Test(arguments: [1, 2, 3, 4, 7])
    func theSharesAddUpToWhatIsLeft(count: Int) {
        for remaining in 0...20 {
            let shares = (0..<count).map { InstancePeers(rank: $0, count: count).share(of: remaining) }
            #expect(shares.reduce(0, +) == remaining, "\(count) instances, \(remaining) left: \(shares)")
            #expect(shares.max()! - shares.min()! <= 1, "an even split")
        }
        #expect(InstancePeers(rank: 5, count: 3) == InstancePeers(rank: 2, count: 3), "a rank past the end is the last")
        #expect(InstancePeers(rank: 0, count: 0) == .alone)
    }

    /// The place among `count` whose turn for `scope` is `rank`.
    static func peers(turnedTo rank: Int, of count: Int, scope: String = "route:a") -> InstancePeers {
        (0..<count).map { InstancePeers(rank: $0, count: count) }.first { $0.turned(by: scope).rank == rank } ?? .alone
    }

    @Test func eachScopeTurnsTheOrderAlikeOnEveryInstance() {
        let scopes = (0..<30).map { "route:provider-\($0)" }
        for scope in scopes {
            let turned = (0..<3).map { InstancePeers(rank: $0, count: 3).turned(by: scope).rank }
            #expect(turned.sorted() == [0, 1, 2], "a turn, not a merge: \(turned)")
        }
        let firstRanks = Set(scopes.map { InstancePeers(rank: 0, count: 3).turned(by: $0).rank })
        #expect(firstRanks == [0, 1, 2], "the one more call goes to each instance for some scope")
        // Fixed by the bytes of the name (FNV-1a), whatever the process: instances agree.
        #expect(InstancePeers(rank: 0, count: 3).turned(by: "route:groq-style").rank == 1)
        #expect(InstancePeers.alone.turned(by: "route:any") == .alone)
    }

    @Test func aloneTheWholeBucketIsSpent() {
        let clock = MockClock()
        var limits = LearnedLimits<MockClock.Instant>()
        limits.observe(Self.signal(remaining: 3, resetIn: .seconds(5)), now: clock.now)
        for _ in 0..<3 {
            #expect(limits.blockedUntil(now: clock.now) == nil)
            limits.consume()
        }
        #expect(limits.blockedUntil(now: clock.now) == clock.now + .seconds(5))
        #expect(!limits.blockedByShareOnly)
    }

    @Test func amongThreeEachSpendsItsShareOfANewWindow() {
        let clock = MockClock()
        var spent: [Int] = []
        for rank in 0..<3 {
            var limits = LearnedLimits<MockClock.Instant>()
            limits.peers = InstancePeers(rank: rank, count: 3)
            limits.observe(Self.signal(remaining: 4, resetIn: .seconds(5)), now: clock.now)
            var calls = 0
            while limits.blockedUntil(now: clock.now) == nil, calls < 10 {
                limits.consume()
                calls += 1
            }
            #expect(limits.blockedUntil(now: clock.now) == clock.now + .seconds(5))
            #expect(limits.blockedByShareOnly == (limits.requests?.remaining ?? 0 > 0))
            spent.append(calls)
        }
        #expect(spent == [2, 1, 1], "4 left split among 3")
    }

    @Test func laterNewsOfTheSameWindowNeverRaisesTheShare() {
        let clock = MockClock()
        var limits = LearnedLimits<MockClock.Instant>()
        limits.peers = InstancePeers(rank: 0, count: 3)
        limits.observe(Self.signal(remaining: 6, resetIn: .seconds(5)), now: clock.now)
        #expect(limits.requests?.allowance == 2)
        limits.consume()
        clock.advance(by: .milliseconds(100))
        // This instance's own answer: 5 left for everyone, but one of its two calls is spent.
        limits.observe(Self.signal(remaining: 5, resetIn: .milliseconds(4900)), now: clock.now)
        #expect(limits.requests?.allowance == 1 && limits.requests?.remaining == 5)
        // Another instance saw the bucket nearly empty: no more than is left.
        let lower = limits.merge(.requests, Bucket(remaining: 0, resetAt: clock.now + .milliseconds(4900), limit: 5), now: clock.now)
        #expect(lower)
        #expect(limits.requests?.allowance == 0)
        #expect(!limits.blockedByShareOnly, "empty for everyone")
        #expect(limits.exhaustedUntil(now: clock.now) == clock.now + .milliseconds(4900))
    }

    @Test func atTheResetTheBucketRefillsAGuessFirstThenSplitForTheMeasuredWindow() {
        let clock = MockClock()
        var limits = LearnedLimits<MockClock.Instant>()
        limits.peers = InstancePeers(rank: 2, count: 3)
        limits.observe(Self.signal(remaining: 0, resetIn: .seconds(2)), now: clock.now)
        clock.advance(by: .seconds(2))
        // No window measured yet: a guess as long as the last window was known here, which
        // only the first instance spends, one call at a time.
        #expect(limits.blockedUntil(now: clock.now) == clock.now + .seconds(2))
        #expect(limits.requests == Bucket(remaining: 5, resetAt: clock.now + .seconds(2), limit: 5, allowance: 0, origin: .guessed))
        #expect(limits.blockedByShareOnly && limits.oneAtATime)
        // The first instance's answer: 4 left, the real reset 5 s after the last one. News after
        // a guess is a fresh window: this instance's share of 4, and the window is measured.
        clock.advance(by: .milliseconds(50))
        let news = limits.merge(.requests, Bucket(remaining: 4, resetAt: clock.now + .milliseconds(4950), limit: 5), now: clock.now)
        #expect(news)
        #expect(limits.requests?.origin == .told && limits.requests?.allowance == 1)
        #expect(limits.requestWindow == .seconds(5))
        limits.consume()
        #expect(limits.blockedUntil(now: clock.now) == clock.now + .milliseconds(4950))
        // The next reset refills the measured window, split: rank 2 of 3 spends 1 of 5.
        clock.advance(by: .milliseconds(4950))
        #expect(limits.blockedUntil(now: clock.now) == nil)
        #expect(limits.requests == Bucket(remaining: 5, resetAt: clock.now + .seconds(5), limit: 5, allowance: 1, origin: .refilled))
        #expect(!limits.oneAtATime)
        // Its own answer cannot raise that share, however much it says is left.
        limits.consume()
        limits.observe(Self.signal(remaining: 4, resetIn: .milliseconds(4990)), now: clock.now + .milliseconds(10))
        #expect(limits.requests?.allowance == 0 && limits.requests?.origin == .told)
        // Long idle: the refill lands in the window that holds now.
        clock.advance(by: .seconds(12))
        #expect(limits.blockedUntil(now: clock.now) == nil)
        #expect(limits.requests?.resetAt == clock.now + .seconds(3))
    }

    @Test func aRefusedBucketIsRefilledAlikeOnEveryInstanceNotExpectedByTheOneRefused() {
        let clock = MockClock()
        var limits = LearnedLimits<MockClock.Instant>()
        limits.peers = InstancePeers(rank: 1, count: 2)
        limits.observe(Self.signal(remaining: 0, resetIn: .seconds(3)), now: clock.now)
        clock.advance(by: .seconds(3))
        limits.expect(requests: 5, until: clock.now + .seconds(3), now: clock.now)
        #expect(limits.requests?.origin == .told, "left for the refill")
        #expect(limits.blockedUntil(now: clock.now) == clock.now + .seconds(3))
        #expect(limits.requests?.origin == .guessed && limits.requests?.allowance == 0)
        var alone = LearnedLimits<MockClock.Instant>()
        alone.expect(requests: 5, until: clock.now + .seconds(3), now: clock.now)
        #expect(alone.requests == Bucket(remaining: 5, resetAt: clock.now + .seconds(3), limit: 5, origin: .refilled))
    }

    @Test func aloneTheBucketIsForgottenAtItsReset() {
        let clock = MockClock()
        var limits = LearnedLimits<MockClock.Instant>()
        limits.observe(Self.signal(remaining: 0, resetIn: .seconds(2)), now: clock.now)
        clock.advance(by: .seconds(2))
        #expect(limits.blockedUntil(now: clock.now) == nil)
        #expect(limits.requests == nil)
    }

    @Test func theProviderStateNamesAShareSpentApartFromAnEmptyBucket() {
        let clock = MockClock()
        let state = ProviderState(routes: [RouteSpec(name: "a")], clock: clock, jitter: { 0 })
        let peers = Self.peers(turnedTo: 1, of: 2)
        state.apply(peers: peers)
        #expect(state.peers == peers)
        _ = state.admit("a")
        state.settle("a", .answered(latency: .zero, report: UpstreamReport(rateLimit: Self.signal(remaining: 3, resetIn: .seconds(4))), tokens: 1))
        #expect(state.admit("a").0 == .admitted(trial: false), "rank 1 of 2: one of 3")
        guard case .skipped(let skip) = state.admit("a").0 else {
            Issue.record("the share is spent")
            return
        }
        #expect(skip.cause == .coolingDown("instance_share_used"))
        #expect(skip.resumeAt == clock.now + .seconds(4))
        #expect(state.snapshot("a")?.coolDown == nil, "a share spent is no cool-down the other instance would honour")
        #expect(state.snapshot("a")?.limits?.remainingRequests == 2 && state.snapshot("a")?.limits?.shareRequests == 0)
        state.apply(peers: .alone)
        #expect(state.snapshot("a")?.limits?.shareRequests == nil, "alone, no share to show")
    }

    @Test func onAGuessedRefillTheFirstInstanceCallsOneAtATimeAndTheOthersLookAgainSoon() {
        let clock = MockClock()
        let first = ProviderState(routes: [RouteSpec(name: "a")], clock: clock, jitter: { 0 })
        let second = ProviderState(routes: [RouteSpec(name: "a")], clock: clock, jitter: { 0 })
        first.apply(peers: Self.peers(turnedTo: 0, of: 2))
        second.apply(peers: Self.peers(turnedTo: 1, of: 2))
        let empty = UpstreamReport(rateLimit: Self.signal(remaining: 0, resetIn: .seconds(2)))
        for state in [first, second] {
            _ = state.admit("a")
            state.settle("a", .answered(latency: .zero, report: empty, tokens: 1))
        }
        clock.advance(by: .seconds(2))
        #expect(first.admit("a").0 == .admitted(trial: false), "the first instance spends the guessed window")
        guard case .skipped(let waiting) = first.admit("a").0 else {
            Issue.record("one call at a time on a guess")
            return
        }
        #expect(waiting.resumeAt == clock.now + .milliseconds(250))
        guard case .skipped(let other) = second.admit("a").0 else {
            Issue.record("the second instance leaves a guessed window to the first")
            return
        }
        #expect(other.cause == .coolingDown("instance_share_used"))
        #expect(other.resumeAt == clock.now + .milliseconds(50), "looks again soon: the first one's answer is news")
    }

    @Test(arguments: [SplitBucketSimulation.Dialect.headersOnEveryAnswer, .headersOnRefusalOnly])
    func threeInstancesSharingProvokeNoMoreRefusalsThanOne(dialect: SplitBucketSimulation.Dialect) {
        let alone = SplitBucketSimulation(instances: 1, dialect: dialect).run()
        let three = SplitBucketSimulation(instances: 3, dialect: dialect).run()
        print("\(dialect), 6 requests/s for 20 s, 5 calls per 5 s: 1 instance \(alone), 3 sharing \(three)")
        #expect(three.refused <= alone.refused)
        #expect(three.answered >= alone.answered - 5, "no more than one window's calls left unused")
    }
}
