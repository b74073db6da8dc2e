@testable import LLMRouterServer
import LLMRouterTesting
import Testing

/// The rules behind the client timeouts, on a mock clock.
struct ConnectionDeadlinesTests {
    typealias Instant = MockClock.Instant
    let limits = ConnectionLimits(headerTimeout: .seconds(30), bodyTimeout: .seconds(60), idleTimeout: .seconds(75))

    private func at(_ seconds: Int) -> Instant { Instant(.seconds(seconds)) }

    @Test func aSilentConnectionIsClosedAfterTheIdleTimeout() {
        let state = ConnectionDeadlines(limits: limits, now: at(0))
        #expect(state.deadline == at(75))
        #expect(state.timerFired(now: at(74)) == .wait(until: at(75)))
        #expect(state.timerFired(now: at(75)) == .close)
    }

    @Test func theFirstByteStartsTheHeadTimeoutWhichLaterBytesDoNotExtend() {
        var state = ConnectionDeadlines(limits: limits, now: at(0))
        #expect(state.bytesArrived(now: at(10)) == at(40))
        #expect(state.bytesArrived(now: at(20)) == at(40))
        #expect(state.bytesArrived(now: at(39)) == at(40))
        #expect(state.timerFired(now: at(40)) == .requestTimeout)
    }

    @Test func theBodyTimeoutBoundsTheWholeBody() {
        var state = ConnectionDeadlines(limits: limits, now: at(0))
        _ = state.bytesArrived(now: at(1))
        #expect(state.headReceived(now: at(2)) == at(62))
        #expect(state.bytesArrived(now: at(50)) == at(62))
        #expect(state.timerFired(now: at(62)) == .requestTimeout)
    }

    @Test func answeringHasNoDeadlineAndIdlingStartsWhenTheAnswerEnds() {
        var state = ConnectionDeadlines(limits: limits, now: at(0))
        _ = state.bytesArrived(now: at(1))
        _ = state.headReceived(now: at(1))
        #expect(state.requestEnded() == nil)
        state.answerBegan()
        #expect(state.timerFired(now: at(10_000)) == .wait(until: nil), "a long stream is not cut")
        #expect(state.answerEnded(now: at(10_000)) == at(10_075))
        #expect(state.bytesArrived(now: at(10_010)) == at(10_040), "the next request's head")
        #expect(state.headReceived(now: at(10_011)) == at(10_071))
    }

    @Test func aBodyStillArrivingAfterAnEarlyAnswerIsClosedNot408d() {
        var state = ConnectionDeadlines(limits: limits, now: at(0))
        _ = state.headReceived(now: at(0))
        state.answerBegan()
        #expect(state.timerFired(now: at(60)) == .close, "an answer started: no second answer")
        #expect(state.answerEnded(now: at(1)) == at(60), "the body still has its deadline")
        #expect(state.bytesArrived(now: at(2)) == at(60), "body bytes do not start a head")
        #expect(state.timerFired(now: at(60)) == .close)
    }

    @Test func pipelinedRequestsWaitForTheAnswerAhead() {
        var state = ConnectionDeadlines(limits: limits, now: at(0))
        _ = state.headReceived(now: at(0))
        _ = state.requestEnded()
        #expect(state.headReceived(now: at(1)) == nil, "the second request waits while the first is answered")
        #expect(state.timerFired(now: at(1000)) == .wait(until: nil))
        _ = state.requestEnded()
        #expect(state.answerEnded(now: at(1000)) == nil)
        #expect(state.answerEnded(now: at(1001)) == at(1076))
    }
}
