public import Hummingbird
import HTTPTypes
import NIOCore
import Synchronization
public import LLMRouterCore

/// Maps HTTP to the Core router and back: a parsed request in, a response out.
///
/// The routing itself (resolve → order → admit → attempt → settle) is ``ChatRouter``'s; this
/// type only calls the providers' complete or stream entry points and turns each
/// ``RoutingOutcome`` into a status, headers and an OpenAI error body.
public struct ChatService: Sendable {
    public struct Settings: Sendable {
        /// Model used when a request names none. Defaults to `nil` (every provider).
        public var defaultModel: String?
        /// Bounds the whole failover, waits for rate limits included, from arrival to an
        /// answer (or the first chunk of a stream). Defaults to 120 seconds.
        public var requestDeadline: Duration
        /// Idle time after which a stream gets a `: keep-alive` comment. Defaults to 10 seconds.
        public var streamKeepAlive: Duration

        public init(defaultModel: String? = nil, requestDeadline: Duration = .seconds(120), streamKeepAlive: Duration = .seconds(10)) {
            self.defaultModel = defaultModel
            self.requestDeadline = requestDeadline
            self.streamKeepAlive = streamKeepAlive
        }
    }

    public typealias Router = ChatRouter<ProviderState<ContinuousClock>, ContinuousClock>

    public let tables: RoutingTableStore
    public let router: Router
    public let settings: Settings

    public init(tables: RoutingTableStore, router: Router, settings: Settings) {
        self.tables = tables
        self.router = router
        self.settings = settings
    }

    /// Answers `request`, as JSON or as a server-sent event stream.
    public func respond(to request: ChatRequest, info: RequestInfo) async throws -> Response {
        let table = tables.current
        let model = request.model ?? settings.defaultModel
        let deadline = router.clock.now.advanced(by: settings.requestDeadline)
        if request.stream {
            let router = self.router
            let routing = Task {
                try await router.route(
                    request, model: model, table: table, deadline: deadline, stream: true, info: info,
                    call: { provider, context in
                        let stream = try await provider.stream(request, context: context)
                        return try await PrimedStream(stream, emptyFailure: UpstreamFailure(kind: .badResponse, message: "stream ended before its first chunk"))
                    },
                    report: { (primed: PrimedStream) in primed.report }
                )
            }
            return try await withTaskCancellationHandler {
                if let outcome = try await FirstOf.value(of: routing, within: settings.streamKeepAlive) {
                    return try response(for: outcome, model: model) { streamResponse($0, info: info) }
                }
                // Slow to start (a slow upstream, or a wait for a rate limit to reset): open
                // the stream now and send `: keep-alive` comments until it is routed, so the
                // client's proxies keep the connection and a client that left is noticed.
                return Response(status: .ok, headers: Self.eventStreamHeaders(HTTPFields()), body: ResponseBody { writer in
                    try await writeWhenRouted(routing, model: model, info: info, to: &writer)
                })
            } onCancel: {
                routing.cancel()
            }
        }
        let outcome = try await router.route(
            request, model: model, table: table, deadline: deadline, stream: false, info: info,
            call: { provider, context in try await provider.complete(request, context: context) },
            report: { completion in
                var report = completion.report
                // Without `usage`, four bytes of answer a token is a fair guess for quotas.
                if report.completionTokens == nil { report.completionTokens = completion.body.readableBytes / 4 }
                return report
            }
        )
        return try response(for: outcome, model: model) { answer in
            var headers = Self.routingHeaders(answer)
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: answer.output.body))
        }
    }

    /// The relay that copies a streamed answer to the client and settles it when it ends.
    private func relay(_ answer: RoutedAnswer<PrimedStream>, info: RequestInfo) -> StreamRelay {
        StreamRelay(
            stream: answer.output,
            provider: answer.provider,
            keepAlive: settings.streamKeepAlive,
            settlement: answer.settlement ?? StreamSettlement { _ in },
            logger: info.logger
        )
    }

    /// The event stream of a streamed answer, relayed chunk by chunk.
    private func streamResponse(_ answer: RoutedAnswer<PrimedStream>, info: RequestInfo) -> Response {
        let relay = relay(answer, info: info)
        return Response(status: .ok, headers: Self.eventStreamHeaders(Self.routingHeaders(answer)), body: ResponseBody { writer in
            try await relay.write(to: &writer)
        })
    }

    /// Keeps an opened stream alive until routing ends, then relays the answer, or ends the
    /// stream with the error event the outcome would have been as a status.
    private func writeWhenRouted(
        _ routing: Task<RoutingOutcome<PrimedStream>, any Error>,
        model: String?,
        info: RequestInfo,
        to writer: inout any ResponseBodyWriter
    ) async throws {
        do {
            try await writer.write(SSE.keepAlive)
            while true {
                if let outcome = try await FirstOf.value(of: routing, within: settings.streamKeepAlive) {
                    if case .answered(let answer) = outcome {
                        try await relay(answer, info: info).write(to: &writer)
                        return
                    }
                    let error = self.error(for: outcome, model: model)
                        ?? OpenAIError(status: .badGateway, message: "No provider answered.", type: "upstream_error")
                    try await writer.write(SSE.event(ByteBuffer(bytes: error.body)))
                    try await writer.write(SSE.done)
                    try await writer.finish(nil)
                    return
                }
                try await writer.write(SSE.keepAlive)
            }
        } catch {
            // The client left (a write failed) or routing was cancelled: stop routing too.
            routing.cancel()
            throw error
        }
    }

    static func eventStreamHeaders(_ base: HTTPFields) -> HTTPFields {
        var headers = base
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        headers[.accelBuffering] = "no"
        return headers
    }

    /// The response to a routing outcome: `answered` builds it from the answer; every other
    /// outcome is answered the same way for complete calls and streams.
    private func response<Output>(
        for outcome: RoutingOutcome<Output>,
        model: String?,
        answered: (RoutedAnswer<Output>) -> Response
    ) throws -> Response {
        switch outcome {
        case .answered(let answer):
            return answered(answer)
        case .rejected(let failure, let provider, let attempts):
            // The upstream's own status and body go back as they were.
            return Self.passThrough(failure, provider: provider, attempts: attempts)
        default:
            throw error(for: outcome, model: model) ?? OpenAIError(status: .badGateway, message: "No provider answered.", type: "upstream_error")
        }
    }

    /// The OpenAI error an outcome that is no answer comes to; `nil` for an answer.
    private func error<Output>(for outcome: RoutingOutcome<Output>, model: String?) -> OpenAIError? {
        switch outcome {
        case .answered:
            return nil
        case .rejected(let failure, _, let attempts):
            return Self.rejection(failure, headers: Self.failureHeaders(attempts, retryAfter: nil))
        case .rateLimited(let retryAfter, let attempts):
            return OpenAIError.rateLimited(model: model ?? "", retryAfter: retryAfter, attempts: attempts, headers: Self.failureHeaders(attempts, retryAfter: retryAfter))
        case .exhausted(let attempts, let retryAfter):
            return Self.unavailable(attempts, retryAfter: retryAfter)
        case .expired:
            return OpenAIError.deadlineExceeded(settings.requestDeadline)
        case .modelNotFound(let name):
            return OpenAIError.modelNotFound(name)
        case .unsupported(let name, let reasons):
            return OpenAIError.unsupported(model: name, reasons: reasons)
        }
    }

    /// `X-LLMRouter-Provider`, `-Attempts`, `-Skipped`, and the answering upstream's own
    /// rate-limit headers, so a client can pace itself as if it talked to the upstream.
    static func routingHeaders<Output>(_ answer: RoutedAnswer<Output>) -> HTTPFields {
        var headers = failureHeaders(answer.attempts, retryAfter: nil)
        headers[.llmrouterProvider] = answer.provider
        for (name, value) in answer.report.rateLimitHeaders {
            guard let field = HTTPField.Name(name), field != .retryAfter else { continue }
            headers.append(HTTPField(name: field, value: value))
        }
        return headers
    }

    /// Attempt count, the routes skipped and why, and `Retry-After` when known.
    static func failureHeaders(_ attempts: [AttemptRecord], retryAfter: Duration?) -> HTTPFields {
        var headers = HTTPFields()
        headers[.llmrouterAttempts] = String(attempts.filter(\.wasCalled).count)
        let skipped = attempts.compactMap { attempt -> String? in
            guard case .skipped(let reason) = attempt.outcome else { return nil }
            let resume = attempt.resumeIn.map { "; retry_in=\(AttemptRecord.roundedSeconds($0))s" } ?? ""
            return "\(attempt.provider) (\(reason)\(resume))"
        }
        if !skipped.isEmpty { headers[.llmrouterSkipped] = skipped.joined(separator: ", ") }
        if let retryAfter { headers[.retryAfter] = String(max(AttemptRecord.roundedSeconds(retryAfter), 1)) }
        return headers
    }

    /// A request every provider would reject: the upstream's own status and error body go back.
    private static func passThrough(_ failure: UpstreamFailure, provider: String, attempts: [AttemptRecord]) -> Response {
        var headers = failureHeaders(attempts, retryAfter: nil)
        headers[.llmrouterProvider] = provider
        headers[.contentType] = "application/json"
        let error = rejection(failure, headers: headers)
        let body = failure.body.flatMap { $0.isEmpty ? nil : ByteBuffer(bytes: $0) } ?? ByteBuffer(bytes: error.body)
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: body))
    }

    /// A provider's rejection of the request itself, in OpenAI's error shape.
    private static func rejection(_ failure: UpstreamFailure, headers: HTTPFields) -> OpenAIError {
        OpenAIError(status: HTTPResponse.Status(code: failure.status ?? 400), message: failure.message, type: "invalid_request_error", headers: headers)
    }

    private static func unavailable(_ attempts: [AttemptRecord], retryAfter: Duration?) -> OpenAIError {
        let summary = attempts.isEmpty ? "no provider is configured for this model" : attempts.map(\.summary).joined(separator: "; ")
        return OpenAIError.allProvidersFailed(summary, headers: failureHeaders(attempts, retryAfter: retryAfter))
    }
}

extension HTTPField.Name {
    /// The provider that answered.
    static let llmrouterProvider = Self("X-LLMRouter-Provider")!
    /// How many providers were called for the request, the one that answered included.
    static let llmrouterAttempts = Self("X-LLMRouter-Attempts")!
    /// The routes passed over without a call, each with its reason.
    static let llmrouterSkipped = Self("X-LLMRouter-Skipped")!
    /// Tells nginx-style proxies not to buffer the event stream.
    static let accelBuffering = Self("X-Accel-Buffering")!
}

/// Waits for a task's value for at most a while, without waiting for the task to end when the
/// time runs out (awaiting `Task.value` in a cancelled child would).
enum FirstOf {
    static func value<Value: Sendable>(of task: Task<Value, any Error>, within limit: Duration) async throws -> Value? {
        let gate = Gate<Value>()
        return try await withCheckedThrowingContinuation { continuation in
            gate.arm(continuation)
            let timer = Task {
                try? await Task.sleep(for: limit)
                gate.resume(with: .success(nil))
            }
            Task {
                let result: Result<Value?, any Error>
                do { result = .success(try await task.value) } catch { result = .failure(error) }
                timer.cancel()
                gate.resume(with: result)
            }
        }
    }

    /// Resumes a continuation once, by whichever side comes first.
    private final class Gate<Value: Sendable>: Sendable {
        private let continuation = Mutex<CheckedContinuation<Value?, any Error>?>(nil)

        func arm(_ continuation: CheckedContinuation<Value?, any Error>) {
            self.continuation.withLock { $0 = continuation }
        }

        func resume(with result: Result<Value?, any Error>) {
            continuation.withLock { $0.take() }?.resume(with: result)
        }
    }
}
