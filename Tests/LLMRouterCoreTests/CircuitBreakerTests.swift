import LLMRouterCore
import LLMRouterTesting
import Testing

struct CircuitBreakerTests {
    typealias Breaker = CircuitBreaker<MockClock.Instant>
    let clock = MockClock()

    func breaker(
        threshold: Int = 3, recovery: Duration = .seconds(15), window: Duration = .seconds(60),
        rate: Double = 0.5, minimum: Int = 10
    ) -> Breaker {
        Breaker(configuration: .init(failureThreshold: threshold, recoveryTime: recovery, window: window, failureRateThreshold: rate, minimumRequests: minimum))
    }

    @Test func opensAfterConsecutiveFailures() {
        var breaker = breaker(threshold: 3)
        #expect(breaker.recordFailure(now: clock.now) == nil)
        #expect(breaker.recordFailure(now: clock.now) == nil)
        #expect(breaker.recordFailure(now: clock.now) == .opened(until: clock.now.advanced(by: .seconds(15))))
        #expect(breaker.permit(now: clock.now).0 == .reject(until: clock.now.advanced(by: .seconds(15))))
    }

    @Test func aSuccessResetsTheConsecutiveCount() {
        var breaker = breaker(threshold: 3)
        _ = breaker.recordFailure(now: clock.now)
        _ = breaker.recordFailure(now: clock.now)
        _ = breaker.recordSuccess(now: clock.now)
        #expect(breaker.consecutiveFailures == 0)
        #expect(breaker.recordFailure(now: clock.now) == nil)
        #expect(breaker.state == .closed)
    }

    @Test func opensOnFailureRateInTheWindow() {
        var breaker = breaker(threshold: 100, rate: 0.5, minimum: 10)
        // Alternate so there is never a run of failures: only the rate can open it.
        for call in 0..<9 {
            let transition = call.isMultiple(of: 2) ? breaker.recordSuccess(now: clock.now) : breaker.recordFailure(now: clock.now)
            #expect(transition == nil)
            clock.advance(by: .seconds(1))
        }
        // 10th call: 5 failures of 10 = 0.5.
        #expect(breaker.recordFailure(now: clock.now) == .opened(until: clock.now.advanced(by: .seconds(15))))
    }

    @Test func rateIgnoresCallsOlderThanTheWindow() {
        var breaker = breaker(threshold: 100, window: .seconds(10), rate: 0.5, minimum: 4)
        _ = breaker.recordFailure(now: clock.now)
        _ = breaker.recordFailure(now: clock.now)
        _ = breaker.recordSuccess(now: clock.now)
        clock.advance(by: .seconds(11))
        // The two old failures fell out: 1 failure in 4 calls.
        _ = breaker.recordSuccess(now: clock.now)
        _ = breaker.recordSuccess(now: clock.now)
        _ = breaker.recordSuccess(now: clock.now)
        #expect(breaker.recordFailure(now: clock.now) == nil)
        #expect(breaker.windowCounts(now: clock.now) == (total: 4, failures: 1))
    }

    @Test func fewerThanMinimumRequestsNeverOpensOnRate() {
        var breaker = breaker(threshold: 100, rate: 0.5, minimum: 10)
        _ = breaker.recordFailure(now: clock.now)
        _ = breaker.recordSuccess(now: clock.now)
        _ = breaker.recordFailure(now: clock.now)
        #expect(breaker.state == .closed)
    }

    @Test func halfOpenAfterRecoveryAdmitsExactlyOneTrial() {
        var breaker = breaker(threshold: 1, recovery: .seconds(15))
        _ = breaker.recordFailure(now: clock.now)
        clock.advance(by: .seconds(14))
        #expect(breaker.permit(now: clock.now).0 == .reject(until: MockClock.Instant(.seconds(15))))
        clock.advance(by: .seconds(1))
        let (permit, transition) = breaker.permit(now: clock.now)
        #expect(permit == .trial)
        #expect(transition == .halfOpened)
        // Concurrent requests skip it while the trial runs.
        #expect(breaker.permit(now: clock.now).0 == .reject(until: nil))
        #expect(breaker.permit(now: clock.now).0 == .reject(until: nil))
    }

    @Test func trialSuccessCloses() {
        var breaker = breaker(threshold: 1, recovery: .seconds(5))
        _ = breaker.recordFailure(now: clock.now)
        clock.advance(by: .seconds(5))
        #expect(breaker.permit(now: clock.now).0 == .trial)
        #expect(breaker.recordSuccess(now: clock.now) == .closed)
        #expect(breaker.state == .closed)
        #expect(breaker.permit(now: clock.now).0 == .allow)
        #expect(breaker.windowCounts(now: clock.now) == (total: 1, failures: 0))
    }

    @Test func trialFailureReopensForAnotherRecoveryPeriod() {
        var breaker = breaker(threshold: 1, recovery: .seconds(5))
        _ = breaker.recordFailure(now: clock.now)
        clock.advance(by: .seconds(6))
        #expect(breaker.permit(now: clock.now).0 == .trial)
        #expect(breaker.recordFailure(now: clock.now) == .opened(until: clock.now.advanced(by: .seconds(5))))
        #expect(breaker.permit(now: clock.now).0 == .reject(until: clock.now.advanced(by: .seconds(5))))
    }

    @Test func releasedTrialCanBeTakenAgain() {
        var breaker = breaker(threshold: 1, recovery: .seconds(5))
        _ = breaker.recordFailure(now: clock.now)
        clock.advance(by: .seconds(5))
        #expect(breaker.permit(now: clock.now).0 == .trial)
        breaker.releaseTrial()
        #expect(breaker.state == .halfOpen(trialInFlight: false))
        #expect(breaker.permit(now: clock.now).0 == .trial)
    }
}
