import LLMRouterCore
import LLMRouterTesting
import Logging
import NIOCore
import Synchronization
import Testing

/// `routing.hedge_after_ms`: a race on the mock clock, each provider taking the time it is
/// told before its first byte and noting when it is cancelled.
struct HedgingTests {
    @Test func aSlowFirstRouteIsHedgedAndTheSecondWins() async throws {
        let harness = HedgeHarness([("slow", .seconds(10)), ("fast", .milliseconds(100))], hedgeAfter: .milliseconds(500))
        let request = Task { try await harness.send() }
        await harness.waitFor(sleepers: 2, calls: 1)  // the slow call and the hedge timer
        harness.clock.advance(by: .milliseconds(500))
        await harness.waitFor(sleepers: 2, calls: 2)  // the slow call and the hedge
        harness.clock.advance(by: .milliseconds(100))
        let answer = try #require(try await request.value.answer)
        #expect(answer.provider == "fast")
        #expect(answer.hedged)
        #expect(harness.cancelled == ["slow"], "the loser saw its cancellation")
        #expect(answer.attempts.map(\.outcomeLabel) == ["ok", "cancelled"])
        #expect(answer.attempts.filter(\.wasCalled).count == 2, "X-LLMRouter-Attempts counts both calls")
        #expect(answer.attempts.last?.summary == "slow: cancelled (hedged: fast answered first)")
        let record = try #require(harness.recorded.withLock { $0.last })
        #expect(record.attempts.map(\.outcome) == ["ok", "cancelled"])
        #expect(record.provider == "fast")
        #expect(harness.clock.sleepers == 0, "nothing is left waiting")
    }

    @Test func theCancelledLoserKeepsItsQuotaSpent() async throws {
        let harness = HedgeHarness([("slow", .seconds(10)), ("fast", .milliseconds(100))], hedgeAfter: .milliseconds(500), limitFirst: 1)
        let request = Task { try await harness.send() }
        await harness.waitFor(sleepers: 2, calls: 1)
        harness.clock.advance(by: .milliseconds(500))
        await harness.waitFor(sleepers: 2, calls: 2)
        harness.clock.advance(by: .milliseconds(100))
        #expect(try await request.value.answer?.provider == "fast")
        guard case .skipped(let skip) = harness.state.peek("slow") else {
            Issue.record("the loser's one request a day was spent")
            return
        }
        #expect(skip.label == "quota")
        #expect(harness.state.snapshot("slow")?.state == .closed, "a cancelled loser is no breaker failure")
    }

    @Test func aFastFirstRouteMakesNoSecondCall() async throws {
        let harness = HedgeHarness([("quick", .milliseconds(100)), ("spare", .milliseconds(100))], hedgeAfter: .milliseconds(500))
        let request = Task { try await harness.send() }
        await harness.waitFor(sleepers: 2, calls: 1)
        harness.clock.advance(by: .milliseconds(100))
        let answer = try #require(try await request.value.answer)
        #expect(answer.provider == "quick")
        #expect(!answer.hedged)
        #expect(harness.calls("spare") == 0)
        #expect(harness.cancelled.isEmpty)
        #expect(harness.clock.sleepers == 0, "the hedge timer was stopped")
    }

    @Test func noHedgeWhenOnlyOneRouteIsAdmissible() async throws {
        // `spare` takes one request a day: the first request's hedge spends it.
        let harness = HedgeHarness([("slow", .seconds(2)), ("spare", .milliseconds(100))], hedgeAfter: .milliseconds(500), limitSecond: 1)
        let first = Task { try await harness.send() }
        await harness.waitFor(sleepers: 2, calls: 1)
        harness.clock.advance(by: .milliseconds(500))
        await harness.waitFor(sleepers: 2, calls: 2)
        harness.clock.advance(by: .milliseconds(100))
        #expect(try await first.value.answer?.provider == "spare")

        let second = Task { try await harness.send() }
        await harness.waitFor(sleepers: 2, calls: 3)
        harness.clock.advance(by: .milliseconds(500))
        await harness.waitFor(sleepers: 1, calls: 3)
        harness.clock.advance(by: .milliseconds(1500))
        let answer = try #require(try await second.value.answer)
        #expect(answer.provider == "slow")
        #expect(!answer.hedged)
        #expect(harness.calls("spare") == 1, "no second call to a route out of quota")
        #expect(answer.attempts.filter(\.wasCalled).map(\.provider) == ["slow"])
    }

    @Test func aSingleRouteStartsNoTimer() async throws {
        let harness = HedgeHarness([("only", .seconds(1))], hedgeAfter: .milliseconds(500))
        let request = Task { try await harness.send() }
        await harness.waitFor(sleepers: 1, calls: 1)
        #expect(harness.clock.sleepers == 1, "no hedge timer with nothing to hedge with")
        harness.clock.advance(by: .seconds(1))
        #expect(try await request.value.answer?.hedged == false)
    }

    @Test func embeddingsAreNeverHedged() async throws {
        let harness = HedgeHarness([("slow", .seconds(2)), ("fast", .milliseconds(100))], hedgeAfter: .milliseconds(500), kind: .embeddings)
        let request = Task { try await harness.embed() }
        await harness.waitFor(sleepers: 1, calls: 1)
        harness.clock.advance(by: .milliseconds(600))
        #expect(harness.calls("fast") == 0)
        harness.clock.advance(by: .milliseconds(1400))
        let outcome = try await request.value
        guard case .answered(let answer) = outcome else {
            Issue.record("expected an answer, got \(outcome)")
            return
        }
        #expect(answer.provider == "slow")
        #expect(!answer.hedged)
        #expect(harness.calls("fast") == 0)
    }

    @Test func aStreamIsHedgedUntilItsFirstChunk() async throws {
        let harness = HedgeHarness([("slow", .seconds(10)), ("fast", .milliseconds(100))], hedgeAfter: .milliseconds(500))
        let request = Task { try await harness.sendStream() }
        await harness.waitFor(sleepers: 2, calls: 1)  // the slow stream's first chunk and the timer
        harness.clock.advance(by: .milliseconds(500))
        await harness.waitFor(sleepers: 2, calls: 2)
        harness.clock.advance(by: .milliseconds(100))
        let outcome = try await request.value
        guard case .answered(let answer) = outcome else {
            Issue.record("expected an answer, got \(outcome)")
            return
        }
        #expect(answer.provider == "fast")
        #expect(answer.hedged)
        #expect(String(buffer: answer.output.first) == "chunk-fast")
        #expect(harness.cancelled == ["slow"], "the slow stream was cancelled while waiting for its first chunk")
        while try await answer.output.next() != nil {}
        let record = try #require(harness.recorded.withLock { $0.last })
        #expect(record.stream)
        #expect(record.attempts.map(\.outcome) == ["ok", "cancelled"])
    }

    @Test func aModelCanTurnHedgingOffOrSetItsOwnDelay() {
        var hedging = Hedging(after: .milliseconds(500), models: ["Llama-3.3-70B": .zero, "m": .milliseconds(200)])
        #expect(hedging.delay(for: "llama-3.3-70b") == nil)
        #expect(hedging.delay(for: "m") == .milliseconds(200))
        #expect(hedging.delay(for: "other") == .milliseconds(500))
        #expect(hedging.delay(for: nil) == .milliseconds(500))
        hedging.after = nil
        #expect(hedging.delay(for: "other") == nil)
        #expect(hedging.isConfigured)
        #expect(!Hedging().isConfigured)
    }
}

extension RoutingOutcome {
    var answer: RoutedAnswer<Output>? {
        if case .answered(let answer) = self { return answer }
        return nil
    }
}
