import Foundation
@testable import LLMRouterCore
import LLMRouterTesting
import Testing

struct KeyQuotaTests {
    let clock = MockClock()

    private func key(rpm: Int? = nil, tokensPerDay: Int? = nil, name: String = "alice") -> AccessKey {
        AccessKey(name: name, secret: "secret-0123456789abcdef", limits: .init(requestsPerMinute: rpm, tokensPerDay: tokensPerDay))
    }

    private func finished(_ keyName: String?, prompt: Int?, completion: Int?) -> RequestRecord {
        RequestRecord(startedAt: Date(), requestID: "r", keyName: keyName, status: 200, latency: .milliseconds(5), promptTokens: prompt, completionTokens: completion)
    }

    @Test func aKeyMayBurstItsMinuteThenWaitsForTheBucketToRefill() {
        let quota = KeyQuota(clock: clock)
        let alice = key(rpm: 3)
        for _ in 0..<3 { #expect(quota.requestArrived(alice) == .allow) }
        #expect(quota.requestArrived(alice) == .reject(limit: .requestsPerMinute, retryAfter: .seconds(20)))
        clock.advance(by: .seconds(10))
        #expect(quota.requestArrived(alice) == .reject(limit: .requestsPerMinute, retryAfter: .seconds(10)), "half a request refilled")
        clock.advance(by: .seconds(10))
        #expect(quota.requestArrived(alice) == .allow)
        #expect(quota.requestArrived(alice) == .reject(limit: .requestsPerMinute, retryAfter: .seconds(20)))
        clock.advance(by: .seconds(3600))
        for _ in 0..<3 { #expect(quota.requestArrived(alice) == .allow) }
        #expect(quota.requestArrived(alice) != .allow, "the bucket holds one minute, however long the key was quiet")
    }

    @Test func keysHaveTheirOwnBuckets() {
        let quota = KeyQuota(clock: clock)
        #expect(quota.requestArrived(key(rpm: 1, name: "a")) == .allow)
        #expect(quota.requestArrived(key(rpm: 1, name: "b")) == .allow)
        #expect(quota.requestArrived(key(rpm: 1, name: "a")) != .allow)
    }

    @Test func recordedTokensAreChargedToTheirKeyUntilTheDayEnds() {
        let quota = KeyQuota(clock: clock)
        let alice = key(tokensPerDay: 100)
        #expect(quota.requestArrived(alice) == .allow)
        quota.record(finished("alice", prompt: 40, completion: 30))
        quota.record(finished("bob", prompt: 1000, completion: 1000))
        quota.record(finished(nil, prompt: 1000, completion: 1000))
        #expect(quota.tokensToday("alice") == 70)
        clock.advance(by: .seconds(3600))
        #expect(quota.requestArrived(alice) == .allow, "70 of 100 used")
        quota.record(finished("alice", prompt: 20, completion: nil))
        quota.record(finished("alice", prompt: nil, completion: 15))
        #expect(quota.tokensToday("alice") == 105)
        #expect(quota.requestArrived(alice) == .reject(limit: .tokensPerDay, retryAfter: .seconds(86_400 - 3600)))
        clock.advance(by: .seconds(86_400 - 3600))
        #expect(quota.requestArrived(alice) == .allow, "a new day")
        #expect(quota.tokensToday("alice") == 0)
    }

    @Test func aKeyWithoutLimitsIsNeverRefused() {
        let quota = KeyQuota(clock: clock)
        let free = key()
        for _ in 0..<1000 { #expect(quota.requestArrived(free) == .allow) }
    }
}
