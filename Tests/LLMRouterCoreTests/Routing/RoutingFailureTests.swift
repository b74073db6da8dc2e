import LLMRouterCore
import Testing

/// The one table from a routing outcome to what the client is told.
struct RoutingFailureTests {
    static let limited = AttemptRecord(provider: "groq", outcome: .failed(UpstreamFailure(kind: .rateLimited, message: "slow down", status: 429)), resumeIn: .seconds(7), rateLimited: true)
    static let broken = AttemptRecord(provider: "nim", outcome: .failed(UpstreamFailure(kind: .serverError, message: "boom", status: 500)))

    @Test(arguments: [
        (RoutingOutcome<Int>.rateLimited(retryAfter: .milliseconds(6200), attempts: [limited]), 429, "rate_limit_error", "rate_limit_exceeded", Duration?.some(.milliseconds(6200))),
        (.exhausted(attempts: [broken], retryAfter: .seconds(15)), 503, "service_unavailable", "all_providers_failed", .seconds(15)),
        (.exhausted(attempts: [], retryAfter: nil), 503, "service_unavailable", "all_providers_failed", nil),
        (.expired(attempts: [broken]), 504, "timeout", "deadline_exceeded", nil),
        (.modelNotFound("gpt-9"), 404, "invalid_request_error", "model_not_found", nil),
        (.unsupported(model: "m", reasons: []), 400, "invalid_request_error", "model_not_capable", nil),
        (.wrongKind(model: "emb", kind: .embeddings), 400, "invalid_request_error", "wrong_model_kind", nil),
        (.rejected(UpstreamFailure(kind: .clientError, message: "bad tools", status: 422, body: Array("{}".utf8)), provider: "groq", attempts: []), 422, "invalid_request_error", "upstream_rejected", nil),
    ])
    func everyOutcomeHasOneRow(outcome: RoutingOutcome<Int>, status: Int, type: String, code: String, retryAfter: Duration?) throws {
        let failure = try #require(outcome.failure(model: "m", deadline: .seconds(120)))
        #expect(failure.status == status)
        #expect(failure.type == type)
        #expect(failure.code == code)
        #expect(failure.retryAfter == retryAfter)
        #expect(!failure.message.isEmpty)
    }

    @Test func messagesNameWhatHappened() throws {
        let limited = try #require(RoutingOutcome<Int>.rateLimited(retryAfter: .milliseconds(6200), attempts: [Self.limited]).failure(model: "llama", deadline: .seconds(1)))
        #expect(limited.message.hasPrefix("Every provider for 'llama' is rate-limited; retry after 7 s."))
        #expect(limited.message.contains("groq: rate_limited (HTTP 429): slow down, resets in 7 s"))
        let exhausted = try #require(RoutingOutcome<Int>.exhausted(attempts: [], retryAfter: nil).failure(model: "m", deadline: .seconds(1)))
        #expect(exhausted.message == "No provider could answer: no provider is configured for this model")
        let rejected = try #require(RoutingOutcome<Int>.rejected(UpstreamFailure(kind: .clientError, message: "bad", status: 400, body: []), provider: "p", attempts: []).failure(model: "m", deadline: .seconds(1)))
        #expect(rejected.provider == "p")
        #expect(rejected.upstreamBody == nil, "an empty upstream body is not passed on")
        #expect(RoutingOutcome<Int>.wrongKind(model: "chatty", kind: .chat).failure(model: "chatty", deadline: .seconds(1))?.message.contains("/v1/chat/completions") == true)
    }

    @Test func anAnswerIsNoFailure() {
        let answer = RoutedAnswer(output: 1, provider: "p", upstreamModel: nil, price: nil, latency: .zero, attempts: [], report: UpstreamReport())
        #expect(RoutingOutcome<Int>.answered(answer).failure(model: "m", deadline: .seconds(1)) == nil)
    }
}
