@testable import LLMRouterCore
import LLMRouterTesting
import NIOCore
import Testing

/// `routing.stream_failover: continue` in the router: a stream that breaks after its first chunk
/// goes on from the next admissible route, spliced under the first answer's identity.
struct StreamContinuationTests {
    /// `first` sends a role chunk and two pieces of text, then breaks.
    static let broken = ContinuationHarness.Script(
        chunks: [Chunk.text("", id: "a", role: true), Chunk.text("Hel", id: "a"), Chunk.text("lo, wor", id: "a")],
        breaks: true
    )
    /// `second` answers the rest from its own id.
    static func rest(prefill: AssistantPrefill = .unsupported) -> ContinuationHarness.Script {
        ContinuationHarness.Script(
            chunks: [Chunk.text("", id: "b", role: true, created: 200), Chunk.text("ld!", id: "b", created: 200), Chunk.finish(id: "b", created: 200)],
            prefill: prefill
        )
    }

    @Test func aBrokenStreamGoesOnFromTheNextRouteUnderTheSameIdentity() async throws {
        let harness = ContinuationHarness([("first", Self.broken), ("second", Self.rest(prefill: .trailingAssistantMessage))])
        let transcript = try await harness.run()
        #expect(transcript.failure == nil)
        #expect(transcript.text == "Hello, world!")
        let handover = try #require(transcript.handovers.first)
        #expect(transcript.handovers.count == 1)
        #expect(handover.comment == "llmrouter continued on second after first failed: connection: stream ended before [DONE]")
        // The handover comes between the last chunk of the first route and the first of the second.
        let position = try #require(transcript.events.firstIndex { if case .continued = $0 { return true } else { return false } })
        #expect(position == 3)
        let chunks = transcript.chunks
        #expect(chunks.allSatisfy { $0[member: "id"] == .string("a") }, "one id for the whole stream")
        #expect(chunks.allSatisfy { $0[member: "created"] == .integer(100) })
        #expect(chunks.allSatisfy { $0[member: "model"] == .string("model-a") })
        let roles = chunks.compactMap { $0[member: "choices"]?.arrayValue?.first?[member: "delta"]?[member: "role"] }
        #expect(roles == [.string("assistant")], "a single role chunk")
        #expect(chunks.dropLast().allSatisfy { $0[member: "llmrouter"] == nil })
        let member = try #require(chunks.last?[member: "llmrouter"])
        #expect(member == .object(["continued_from": .string("first"), "continued_on": .string("second"), "reason": .string("connection: stream ended before [DONE]")]))
        #expect(chunks.last?[member: "choices"]?.arrayValue?.first?[member: "finish_reason"] == .string("stop"))
    }

    @Test func aPrefillRouteGetsThePartialAnswerAsTheLastAssistantMessage() async throws {
        let harness = ContinuationHarness([("first", Self.broken), ("second", Self.rest(prefill: .trailingAssistantMessage))])
        _ = try await harness.run()
        let request = try #require(harness.requests("second").first)
        #expect(request.messages.count == 3)
        #expect(Array(request.messages.prefix(2)) == ContinuationHarness.request.messages, "the original messages first")
        #expect(request.messages.last == .object(["role": .string("assistant"), "content": .string("Hello, wor")]))
        #expect(request.stream)
    }

    @Test func aPrefixFlagRouteGetsTheFlagOnThePartialAnswer() async throws {
        let harness = ContinuationHarness([("first", Self.broken), ("second", Self.rest(prefill: .prefixFlag))])
        _ = try await harness.run()
        let request = try #require(harness.requests("second").first)
        #expect(request.messages.last == .object(["role": .string("assistant"), "content": .string("Hello, wor"), "prefix": .bool(true)]))
    }

    @Test func aRouteWithoutPrefillIsAskedToContinueWhereItStopped() async throws {
        let harness = ContinuationHarness([("first", Self.broken), ("second", Self.rest())])
        _ = try await harness.run()
        let request = try #require(harness.requests("second").first)
        #expect(request.messages.count == 4)
        #expect(request.messages[2] == .object(["role": .string("assistant"), "content": .string("Hello, wor")]))
        #expect(request.messages[3] == .object(["role": .string("user"), "content": .string(StreamContinuation.instruction)]))
    }

    @Test func theRecordHoldsBothAttemptsAndBothRoutesTokens() async throws {
        let harness = ContinuationHarness([("first", Self.broken), ("second", Self.rest())])
        _ = try await harness.run()
        let records = harness.recorded.withLock { $0 }
        let record = try #require(records.first)
        #expect(records.count == 1, "one request, one record")
        #expect(record.status == 200)
        #expect(record.errorCode == nil)
        #expect(record.provider == "second")
        #expect(record.attempts.map(\.provider) == ["first", "second"])
        #expect(record.attempts.map(\.outcome) == ["connection", "ok"])
        #expect(record.completionTokens == 6, "three chunks from each route, no usage reported")
        #expect(harness.state.snapshot("first")?.failures == 1)
        #expect(harness.state.snapshot("second")?.successes == 1)
    }

    @Test func aBreakAfterAToolCallBeganEndsWithTheFailure() async throws {
        let broken = ContinuationHarness.Script(chunks: [Chunk.text("", id: "a", role: true), Chunk.toolCall(id: "a")], breaks: true)
        let harness = ContinuationHarness([("first", broken), ("second", Self.rest())])
        let transcript = try await harness.run()
        #expect(transcript.failure?.kind == .connection)
        #expect(transcript.handovers.isEmpty)
        #expect(harness.requests("second").isEmpty, "no second call")
        #expect(harness.recorded.withLock { $0.first?.errorCode } == "upstream_stream_failed")
    }

    @Test func aBreakAfterTheFinishReasonIsNotContinued() async throws {
        let broken = ContinuationHarness.Script(chunks: [Chunk.text("Hi", id: "a", role: true), Chunk.finish(id: "a")], breaks: true)
        let harness = ContinuationHarness([("first", broken), ("second", Self.rest())])
        let transcript = try await harness.run()
        #expect(transcript.failure?.kind == .connection)
        #expect(harness.requests("second").isEmpty)
    }

    @Test func withoutTheSettingABreakEndsWithTheFailureAsBefore() async throws {
        let harness = ContinuationHarness([("first", Self.broken), ("second", Self.rest())], failover: .error)
        let transcript = try await harness.run()
        #expect(transcript.failure?.kind == .connection)
        #expect(transcript.text == "Hello, wor")
        #expect(harness.requests("second").isEmpty)
        let record = try #require(harness.recorded.withLock { $0.first })
        #expect(record.errorCode == "upstream_stream_failed")
        #expect(record.attempts.map(\.provider) == ["first"])
    }

    @Test func withNoOtherAdmissibleRouteTheFailureEndsTheStream() async throws {
        let refusing = ContinuationHarness.Script(chunks: [], refuses: true)
        let harness = ContinuationHarness([("first", Self.broken), ("second", refusing)])
        let transcript = try await harness.run()
        #expect(transcript.failure?.kind == .connection, "the client hears of the break, not of the refusal")
        #expect(harness.requests("second").count == 1)
        let record = try #require(harness.recorded.withLock { $0.first })
        #expect(harness.recorded.withLock { $0.count } == 1)
        #expect(record.errorCode == "upstream_stream_failed")
        #expect(record.provider == "first")
        #expect(record.attempts.map(\.outcome) == ["connection", "server_error"])
    }

    @Test func aLoneRouteEndsWithTheFailure() async throws {
        let harness = ContinuationHarness([("first", Self.broken)])
        let transcript = try await harness.run()
        #expect(transcript.failure?.kind == .connection)
        #expect(harness.recorded.withLock { $0.first?.errorCode } == "upstream_stream_failed")
    }

    @Test func aRouteTriedBeforeTheAnswerIsNotAskedToContinue() async throws {
        let refusing = ContinuationHarness.Script(chunks: [], refuses: true)
        let harness = ContinuationHarness([("zero", refusing), ("first", Self.broken), ("second", Self.rest())])
        let transcript = try await harness.run()
        #expect(transcript.text == "Hello, world!")
        #expect(harness.requests("zero").count == 1)
        #expect(harness.recorded.withLock { $0.first?.attempts.map(\.provider) } == ["zero", "first", "second"])
    }

    @Test func noContinuationPastTheRequestDeadline() async throws {
        let harness = ContinuationHarness([("first", Self.broken), ("second", Self.rest())])
        let transcript = try await harness.run(deadline: .seconds(10)) { harness.clock.advance(by: .seconds(11)) }
        #expect(transcript.failure?.kind == .connection)
        #expect(harness.requests("second").isEmpty)
        #expect(harness.recorded.withLock { $0.first?.errorCode } == "upstream_stream_failed")
    }

    /// `second` sends "ld" of the answer, then breaks in turn.
    static let alsoBroken = ContinuationHarness.Script(chunks: [Chunk.text("", id: "b", role: true), Chunk.text("ld", id: "b")], breaks: true)

    @Test func aContinuationThatBreaksInTurnIsContinuedByTheNextRoute() async throws {
        let third = ContinuationHarness.Script(
            chunks: [Chunk.text("", id: "c", role: true, created: 300), Chunk.text("!", id: "c", created: 300), Chunk.finish(id: "c", created: 300)],
            prefill: .trailingAssistantMessage
        )
        let harness = ContinuationHarness([("first", Self.broken), ("second", Self.alsoBroken), ("third", third)])
        let transcript = try await harness.run()
        #expect(transcript.failure == nil)
        #expect(transcript.text == "Hello, world!")
        #expect(transcript.handovers.map(\.route) == ["second", "third"], "each handover reaches the client")
        #expect(transcript.chunks.allSatisfy { $0[member: "id"] == .string("a") }, "one id for the whole stream")
        // The third route is asked for the rest of everything the client has, not only of the second's part.
        let request = try #require(harness.requests("third").first)
        #expect(request.messages.last == .object(["role": .string("assistant"), "content": .string("Hello, world")]))
        let member = try #require(transcript.chunks.last?[member: "llmrouter"])
        #expect(member[member: "continued_on"] == .string("second"))
        #expect(member[member: "then"]?[member: "continued_from"] == .string("second"))
        #expect(member[member: "then"]?[member: "continued_on"] == .string("third"))
        let record = try #require(harness.recorded.withLock { $0.first })
        #expect(harness.recorded.withLock { $0.count } == 1)
        #expect(record.status == 200)
        #expect(record.provider == "third")
        #expect(record.attempts.map(\.provider) == ["first", "second", "third"])
        #expect(record.attempts.map(\.outcome) == ["connection", "connection", "ok"])
        #expect(record.completionTokens == 8, "three chunks from the first, two from the second, three from the third")
    }

    @Test func whenTheRoutesRunOutTheLastBreakEndsTheStream() async throws {
        let harness = ContinuationHarness([("first", Self.broken), ("second", Self.alsoBroken)])
        let transcript = try await harness.run()
        #expect(transcript.handovers.map(\.route) == ["second"])
        #expect(transcript.text == "Hello, world", "what the second route sent reaches the client before the failure")
        #expect(transcript.failure?.kind == .connection)
        #expect(harness.requests("first").count == 1, "a route that broke is not asked again")
        let record = try #require(harness.recorded.withLock { $0.first })
        #expect(record.errorCode == "upstream_stream_failed")
        #expect(record.provider == "second")
    }

    @Test func theContinuationAsksOnlyForWhatIsLeftOfTheClientsLimit() throws {
        let body = #"{"model":"m","stream":true,"max_tokens":100,"max_completion_tokens":50,"messages":[{"role":"user","content":"go"}]}"#
        let original = try ChatRequest(json: Array(body.utf8))
        let request = try StreamContinuation.request(original, partial: "Hello, wor", writtenTokens: 30, prefill: .trailingAssistantMessage)
        #expect(request.fields["max_tokens"] == .integer(70))
        #expect(request.fields["max_completion_tokens"] == .integer(20))
        let spent = try StreamContinuation.request(original, partial: "Hello, wor", writtenTokens: 500, prefill: .trailingAssistantMessage)
        #expect(spent.fields["max_tokens"] == .integer(1), "never zero or less, which an upstream would refuse")
        let unlimited = try StreamContinuation.request(ContinuationHarness.request, partial: "Hi", writtenTokens: 3, prefill: .unsupported)
        #expect(unlimited.fields["max_tokens"] == nil, "no limit is added")
    }
}
