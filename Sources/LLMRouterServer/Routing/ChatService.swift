public import Hummingbird
import HTTPTypes
public import NIOCore
public import LLMRouterCore
import LLMRouterProviders
public import Logging
public import Metrics

/// The way of one chat-completions request, read top to bottom:
/// resolve the model → order the candidates → failover loop (breaker gates) → provider → response.
public struct ChatService: Sendable {
    public struct Settings: Sendable {
        /// Model used when a request names none. Defaults to `nil` (every provider).
        public var defaultModel: String?
        /// Bounds the whole failover, from the first attempt to an answer (or the first chunk of
        /// a stream). Defaults to 120 seconds.
        public var requestDeadline: Duration

        /// Idle time after which a stream gets a `: keep-alive` comment. Defaults to 10 seconds.
        public var streamKeepAlive: Duration

        public init(defaultModel: String? = nil, requestDeadline: Duration = .seconds(120), streamKeepAlive: Duration = .seconds(10)) {
            self.defaultModel = defaultModel
            self.requestDeadline = requestDeadline
            self.streamKeepAlive = streamKeepAlive
        }
    }

    public let tables: RoutingTableStore
    public let health: ProviderHealth<ContinuousClock>
    public let settings: Settings
    private let loop: FailoverLoop<ContinuousClock>
    private let order = CandidateOrder()
    /// Gets each finished request's settlement (usage log, metrics, dashboard).
    let recorder: (any RequestRecorder)?

    public init(
        tables: RoutingTableStore,
        health: ProviderHealth<ContinuousClock>,
        settings: Settings,
        metrics: any MetricsFactory,
        recorder: (any RequestRecorder)? = nil
    ) {
        self.tables = tables
        self.health = health
        self.settings = settings
        self.loop = FailoverLoop(health: health, metrics: metrics)
        self.recorder = recorder
    }

    /// Answers `request`, as JSON or as a server-sent event stream.
    /// `eventLoop` is the one serving the client's connection, where upstream calls should run.
    public func respond(to request: ChatRequest, logger: Logger, eventLoop: (any EventLoop)? = nil, requestID: String = "") async throws -> Response {
        let table = tables.current
        let requestedModel = request.model ?? settings.defaultModel
        // INTERIM settlement, see ChatService+Settlement.swift.
        let draft = recorder.map { SettlementDraft(recorder: $0, requestID: requestID, requestedModel: requestedModel, stream: request.stream) }
        guard case .providers(let indices) = table.resolver.resolve(requestedModel) else {
            draft?.settle(status: 404, errorCode: "model_not_found", attempts: [])
            throw OpenAIError.modelNotFound(requestedModel ?? "")
        }
        var skipped: [AttemptRecord] = []
        var candidates: [Candidate] = []
        for index in order.order(indices, priorities: table.priorities) {
            let entry = table.registry.entries[index]
            if let provider = entry.provider {
                candidates.append(Candidate(configuration: entry.configuration, provider: provider))
            } else {
                let reason = entry.disabledReason ?? "no provider"
                skipped.append(AttemptRecord(provider: entry.configuration.name, outcome: .skipped(reason: "disabled: \(reason)")))
            }
        }
        if request.stream {
            return try await respondStreaming(to: request, candidates: candidates, skipped: skipped, draft: draft, logger: logger, eventLoop: eventLoop)
        }
        let outcome = try await runFailover(candidates, settlement: .onReturn, logger: logger, eventLoop: eventLoop) { provider, context in
            try await provider.complete(request, context: context)
        }
        return try response(for: outcome, skipped: skipped, draft: draft) { completion, provider, _, attempts in
            draft?.settle(status: 200, provider: provider, upstreamModel: upstreamModel(of: provider), attempts: attempts, body: completion.body)
            var headers = Self.routingHeaders(provider: provider, attempts: attempts)
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: completion.body))
        }
    }

    private func respondStreaming(
        to request: ChatRequest,
        candidates: [Candidate],
        skipped: [AttemptRecord],
        draft: SettlementDraft?,
        logger: Logger,
        eventLoop: (any EventLoop)?
    ) async throws -> Response {
        let outcome = try await runFailover(candidates, settlement: .deferred, logger: logger, eventLoop: eventLoop) { provider, context in
            let stream = try await provider.stream(request, context: context)
            return try await PrimedStream(stream, emptyFailure: UpstreamFailure(kind: .badResponse, message: "stream ended before its first chunk"))
        }
        return try response(for: outcome, skipped: skipped, draft: draft) { stream, provider, latency, attempts in
            var headers = Self.routingHeaders(provider: provider, attempts: attempts)
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            headers[.accelBuffering] = "no"
            let relay = StreamRelay(
                stream: stream,
                provider: provider,
                firstChunkLatency: latency,
                keepAlive: settings.streamKeepAlive,
                health: health,
                logger: logger,
                settle: draft.map { draft in
                    let firstChunk = ContinuousClock.now
                    let model = upstreamModel(of: provider)
                    return { errorCode, lastChunk in
                        draft.settleStream(
                            provider: provider, upstreamModel: model, attempts: attempts, firstChunk: firstChunk,
                            relayed: .now - firstChunk, errorCode: errorCode, lastChunk: lastChunk
                        )
                    }
                }
            )
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in try await relay.write(to: &writer) })
        }
    }

    /// The response to a failover outcome: `answered` builds it from the answer (its provider,
    /// first-answer latency and attempts); every other outcome is answered the same way for
    /// complete calls and streams.
    private func response<Output>(
        for outcome: FailoverLoop<ContinuousClock>.Outcome<Output>,
        skipped: [AttemptRecord],
        draft: SettlementDraft?,
        answered: (Output, String, Duration, [AttemptRecord]) -> Response
    ) throws -> Response {
        switch outcome {
        case .answered(let output, let provider, let latency, let attempts):
            return answered(output, provider, latency, attempts)
        case .rejected(let failure, let provider, let attempts):
            draft?.settle(status: failure.status ?? 400, errorCode: "upstream_rejected", provider: provider, attempts: skipped + attempts)
            return Self.passThrough(failure, provider: provider, attempts: attempts)
        case .exhausted(let attempts):
            draft?.settle(status: 503, errorCode: "all_providers_failed", attempts: skipped + attempts)
            throw Self.unavailable(skipped + attempts)
        case .expired(let attempts):
            draft?.settle(status: 504, errorCode: "deadline_exceeded", attempts: skipped + attempts)
            throw OpenAIError.deadlineExceeded(settings.requestDeadline)
        }
    }

    /// The model id the answering route sends upstream.
    private func upstreamModel(of provider: String) -> String? {
        tables.current.registry.entries.first { $0.configuration.name == provider }?.configuration.model
    }

    /// Runs the failover loop under the request deadline.
    ///
    /// The deadline travels with the request instead of racing it with a timer task: the loop
    /// starts no attempt after it, and each provider bounds its call by it.
    private func runFailover<Output: Sendable>(
        _ candidates: [Candidate],
        settlement: FailoverLoop<ContinuousClock>.Settlement,
        logger: Logger,
        eventLoop: (any EventLoop)?,
        attempt: (any Provider, ProviderContext) async throws -> Output
    ) async throws -> FailoverLoop<ContinuousClock>.Outcome<Output> {
        let deadline = ContinuousClock.now + settings.requestDeadline
        return try await loop.run(candidates, name: \.configuration.name, deadline: deadline, settlement: settlement, logger: logger) { candidate in
            let context = ProviderContext(
                providerName: candidate.configuration.name,
                upstreamModel: candidate.configuration.model,
                deadline: deadline,
                logger: logger,
                eventLoop: eventLoop
            )
            return try await attempt(candidate.provider, context)
        }
    }

    /// An enabled provider of this request, ready to call.
    private struct Candidate {
        var configuration: ProviderConfiguration
        var provider: any Provider
    }

    static func routingHeaders(provider: String, attempts: [AttemptRecord]) -> HTTPFields {
        var headers = HTTPFields()
        headers[.llmrouterProvider] = provider
        headers[.llmrouterAttempts] = String(attempts.filter(\.wasCalled).count)
        return headers
    }

    /// A request every provider would reject: the upstream's own status and error body go back.
    private static func passThrough(_ failure: UpstreamFailure, provider: String, attempts: [AttemptRecord]) -> Response {
        var headers = routingHeaders(provider: provider, attempts: attempts)
        headers[.contentType] = "application/json"
        let status = HTTPResponse.Status(code: failure.status ?? 400)
        if let body = failure.body, !body.isEmpty {
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        let error = OpenAIError(status: status, message: failure.message, type: "invalid_request_error", headers: headers)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: error.body)))
    }

    private static func unavailable(_ attempts: [AttemptRecord]) -> OpenAIError {
        let summary = attempts.isEmpty ? "no provider is configured for this model" : attempts.map(\.summary).joined(separator: "; ")
        var headers = HTTPFields()
        headers[.llmrouterAttempts] = String(attempts.filter(\.wasCalled).count)
        return OpenAIError.allProvidersFailed(summary, headers: headers)
    }
}

extension HTTPField.Name {
    /// The provider that answered.
    static let llmrouterProvider = Self("X-LLMRouter-Provider")!
    /// How many providers were called for the request, the one that answered included.
    static let llmrouterAttempts = Self("X-LLMRouter-Attempts")!
}

extension HTTPField.Name {
    /// Tells nginx-style proxies not to buffer the event stream.
    static let accelBuffering = Self("X-Accel-Buffering")!
}
