import LLMRouterCore
@testable import LLMRouterShared
import LLMRouterTesting
import Testing

/// The parts of the `postgres` cache backend that need no database: when a local miss may ask
/// it, and which entries of a batch are written.
struct DatabaseReadGateTests {
    /// The gate on a mock clock, stepped through calls `#expect` cannot make on a `var` itself.
    final class Stepped {
        let clock = MockClock()
        var gate: DatabaseReadGate<MockClock.Instant>

        init(retryAfter: Duration) {
            gate = DatabaseReadGate(retryAfter: retryAfter)
        }

        func admits() -> Bool { gate.admits(now: clock.now) }
        /// An operation begun `ago` (zero: just now) failed now.
        func failed(began ago: Duration = .zero) -> DatabaseReadGate<MockClock.Instant>.Change {
            gate.failed(startedAt: clock.now.advanced(by: .zero - ago), now: clock.now)
        }
        func succeeded(began ago: Duration = .zero) -> DatabaseReadGate<MockClock.Instant>.Change {
            gate.succeeded(startedAt: clock.now.advanced(by: .zero - ago))
        }
    }

    @Test func readsAreAdmittedWhileTheDatabaseAnswers() {
        let stepped = Stepped(retryAfter: .seconds(1))
        #expect(stepped.admits())
        #expect(stepped.succeeded() == .none, "nothing to say: it was never away")
        #expect(stepped.admits())
        #expect(!stepped.gate.isClosed)
    }

    @Test func aFailureStopsReadsForTheRetryIntervalThenLetsOneThrough() {
        let stepped = Stepped(retryAfter: .seconds(1))
        #expect(stepped.failed() == .wentAway)
        #expect(stepped.gate.isClosed)
        stepped.clock.advance(by: .milliseconds(999))
        #expect(!stepped.admits(), "a plain miss at once, no wait for the timeout")
        stepped.clock.advance(by: .milliseconds(1))
        #expect(stepped.admits(), "the first read after the interval tries")
        #expect(!stepped.admits(), "the others keep missing while it tries")
        #expect(stepped.failed() == .none, "still away: said once")
        stepped.clock.advance(by: .seconds(1))
        #expect(stepped.admits())
        #expect(stepped.succeeded() == .cameBack)
        #expect(stepped.admits())
        #expect(stepped.admits(), "every read asks again")
        #expect(stepped.failed() == .wentAway, "a new outage is said again")
    }

    @Test func aWriteThatReachesTheDatabaseReopensReadsAtOnce() {
        let stepped = Stepped(retryAfter: .seconds(60))
        _ = stepped.failed()
        #expect(!stepped.admits())
        #expect(stepped.succeeded() == .cameBack)
        #expect(stepped.admits())
    }
}

extension DatabaseReadGateTests {
    @Test func anAnswerToARequestSentBeforeTheFailureDoesNotReopen() {
        let stepped = Stepped(retryAfter: .seconds(1))
        stepped.clock.advance(by: .seconds(10))
        #expect(stepped.failed(began: .milliseconds(30)) == .wentAway)
        // A read sent before the one that failed was still answered (the network cut after it).
        #expect(stepped.succeeded(began: .milliseconds(40)) == .none)
        #expect(stepped.gate.isClosed)
        stepped.clock.advance(by: .seconds(1))
        #expect(stepped.admits())
        #expect(stepped.succeeded() == .cameBack)
        // Nor does a failure of one sent before that success close it again.
        #expect(stepped.failed(began: .milliseconds(10)) == .none)
        #expect(!stepped.gate.isClosed)
    }
}

struct ResponseCacheBatchTests {
    static func answer(_ text: String, at storedAt: Int64) -> CachedAnswer {
        CachedAnswer(body: Array(text.utf8), provider: "p", upstreamModel: nil, storedAt: storedAt, expiresAt: storedAt + 1000)
    }

    @Test func aBatchKeepsOneEntryPerKeyTheLatestStored() {
        let a = CacheKey(digest: "a")
        let b = CacheKey(digest: "b")
        let kept = ResponseCacheSQL.latestPerKey([
            (a, Self.answer("a1", at: 10)), (b, Self.answer("b1", at: 10)), (a, Self.answer("a2", at: 30)),
            (a, Self.answer("a-late-but-older", at: 20)), (b, Self.answer("b2", at: 10)),
        ])
        #expect(kept.map { $0.key } == [a, b], "first-seen order")
        #expect(kept.map { String(decoding: $0.answer.body, as: UTF8.self) } == ["a2", "b2"], "the latest stored; on a tie the later one")
    }

    @Test func anEmptyBatchStaysEmpty() {
        #expect(ResponseCacheSQL.latestPerKey([]).isEmpty)
    }
}
