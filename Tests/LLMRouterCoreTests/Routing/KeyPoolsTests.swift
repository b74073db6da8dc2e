import LLMRouterCore
import LLMRouterTesting
import Testing

/// ``KeyPools`` on mock-clock instants: which cool-downs make two keys one account.
struct KeyPoolsTests {
    typealias Instant = MockClock.Instant
    let start = Instant(.zero)
    let daily = "rate_limited:daily"

    @Test func twoKeysCoolingTogetherOnOneResetArePooled() {
        var pools = KeyPools<Instant>()
        let reset = start + .seconds(3600)
        #expect(pools.coolDownStarted(key: "A", family: "gemini", reason: daily, until: reset, now: start) == .none)
        #expect(!pools.sharesLimits("A", "B"))
        let action = pools.coolDownStarted(key: "B", family: "gemini", reason: daily, until: reset + .milliseconds(1500), now: start + .milliseconds(300))
        #expect(action == .pooled(.init(keys: ["A", "B"], since: start + .milliseconds(300), reason: daily)))
        #expect(pools.sharesLimits("A", "B") && pools.sharesLimits("B", "A"))
        #expect(pools.pool(of: "A")?.keys == ["A", "B"])
    }

    @Test func differentResetsKindsOrEntriesAreNotPooled() {
        var pools = KeyPools<Instant>()
        let reset = start + .seconds(60)
        _ = pools.coolDownStarted(key: "A", family: "groq", reason: "rate_limited:short_window", until: reset, now: start)
        // Another reset (beyond the 2 s tolerance), another kind, another entry: each its own account.
        #expect(pools.coolDownStarted(key: "B", family: "groq", reason: "rate_limited:short_window", until: reset + .seconds(3), now: start) == .none)
        #expect(pools.coolDownStarted(key: "C", family: "groq", reason: daily, until: reset, now: start) == .none)
        #expect(pools.coolDownStarted(key: "D", family: "cerebras", reason: "rate_limited:short_window", until: reset, now: start) == .none)
        #expect(pools.pools.isEmpty)
    }

    /// Two independent keys exhausted hours apart share midnight's reset without sharing an
    /// account: the second cool-down is not "together" with the first.
    @Test func keysExhaustedHoursApartAreNotPooled() {
        var pools = KeyPools<Instant>()
        let midnight = start + .seconds(20 * 3600)
        _ = pools.coolDownStarted(key: "A", family: "gemini", reason: daily, until: midnight, now: start)
        #expect(pools.coolDownStarted(key: "B", family: "gemini", reason: daily, until: midnight, now: start + .seconds(4 * 3600)) == .none)
        #expect(!pools.sharesLimits("A", "B"))
    }

    /// A cool-down that already ended says nothing about a new one on the same instant's reset.
    @Test func anEndedCoolDownDoesNotPool() {
        var pools = KeyPools<Instant>(settings: .init(tolerance: .seconds(2), together: .seconds(30)))
        _ = pools.coolDownStarted(key: "A", family: "groq", reason: "rate_limited:short_window", until: start + .seconds(1), now: start)
        let later = start + .seconds(2)
        #expect(pools.coolDownStarted(key: "B", family: "groq", reason: "rate_limited:short_window", until: start + .seconds(2), now: later) == .none)
    }

    @Test func aThirdKeyJoinsThePool() {
        var pools = KeyPools<Instant>()
        let reset = start + .seconds(30)
        _ = pools.coolDownStarted(key: "A", family: "groq", reason: "rate_limited:short_window", until: reset, now: start)
        _ = pools.coolDownStarted(key: "B", family: "groq", reason: "rate_limited:short_window", until: reset, now: start)
        let action = pools.coolDownStarted(key: "C", family: "groq", reason: "rate_limited:short_window", until: reset, now: start + .seconds(1))
        #expect(action == .pooled(.init(keys: ["A", "B", "C"], since: start + .seconds(1), reason: "rate_limited:short_window")))
        #expect(pools.pools.count == 1)
        #expect(pools.sharesLimits("A", "C"))
    }
}
