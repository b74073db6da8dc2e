import Hummingbird
import HTTPTypes
import LLMRouterCore
import Logging
import NIOCore

extension RouterService {
    /// Answers a streamed chat operation in `encoder`'s format.
    ///
    /// When routing ends within a keep-alive interval, the response carries its outcome's
    /// status and headers (a 429 is a 429). When it takes longer, the stream opens with a
    /// `: keep-alive` comment so the client's proxies keep the connection and a client that left
    /// is noticed; a routing failure is then written as the encoder's error events.
    func streamResponse<Encoder: StreamEncoder>(
        _ operation: StreamChat,
        model: String?,
        info: RequestInfo,
        encoder: Encoder
    ) async throws -> Response {
        let session = StreamSession(service: self, operation: operation, model: model, info: info)
        let service = self
        return try await withTaskCancellationHandler {
            guard let first = await session.next() else { throw CancellationError() }
            if case .routed(let outcome) = first {
                guard case .answered(let answer) = outcome else {
                    session.cancel()
                    let failure = failure(of: outcome, model: model)
                    return encoder.failureResponse(failure, headers: RoutingHeaders.failure(outcome, failure: failure, decision: info.routingDecision))
                }
                return Response(status: .ok, headers: RoutingHeaders.eventStream(RoutingHeaders.answered(answer, decision: info.routingDecision)), body: ResponseBody { writer in
                    var encoder = encoder
                    try await service.relay(session, answer: answer, model: model, logger: info.logger, encoder: &encoder, to: &writer)
                })
            }
            return Response(status: .ok, headers: RoutingHeaders.eventStream([:]), body: ResponseBody { writer in
                var encoder = encoder
                do {
                    try await writer.write(SSE.keepAlive)
                } catch {
                    session.cancel()
                    throw error
                }
                try await service.relay(session, answer: nil, model: model, logger: info.logger, encoder: &encoder, to: &writer)
            })
        } onCancel: {
            session.cancel()
        }
    }

    /// Writes the session's events until it ends. Once the first byte is out, failover is over:
    /// a failure ends the stream with the encoder's error events. A write that fails means the
    /// client left: the session is cancelled, which cancels routing or the upstream stream.
    private func relay<Encoder: StreamEncoder>(
        _ session: StreamSession<AppClock>,
        answer: RoutedAnswer<PrimedStream>?,
        model: String?,
        logger: Logger,
        encoder: inout Encoder,
        to writer: inout any ResponseBodyWriter
    ) async throws {
        defer { session.cancel() }
        var answer = answer
        // After a continuation, a failure is the continuing route's.
        var continuedOn: String?
        if let answer { encoder.answered(usageLocation: answer.output.usageLocation) }
        do {
            while let event = await session.next() {
                switch event {
                case .routed(let outcome):
                    guard case .answered(let routed) = outcome else {
                        try await write(encoder.failureEvents(failure(of: outcome, model: model)), to: &writer)
                        try await writer.finish(nil)
                        return
                    }
                    answer = routed
                    encoder.answered(usageLocation: routed.output.usageLocation)
                case .chunk(let chunk):
                    let events: [ByteBuffer]
                    do throws(UpstreamFailure) {
                        events = try encoder.events(for: chunk)
                    } catch {
                        // The chunk never reached the stream's own settlement as a failure.
                        answer?.output.fail(error)
                        try await endMidStream(error, provider: continuedOn ?? answer?.provider, logger: logger, encoder: &encoder, to: &writer)
                        return
                    }
                    try await write(events, to: &writer)
                case .keepAlive:
                    try await writer.write(SSE.keepAlive)
                case .continued(let handover):
                    continuedOn = handover.route
                    encoder.answered(usageLocation: handover.usageLocation)
                    try await writer.write(SSE.comment(handover.comment))
                case .failed(let failure):
                    try await endMidStream(failure, provider: continuedOn ?? answer?.provider, logger: logger, encoder: &encoder, to: &writer)
                    return
                case .finished:
                    try await write(encoder.finish(), to: &writer)
                    try await writer.finish(nil)
                    return
                }
            }
            // Cancelled before it ended: nothing more to write.
        } catch {
            answer?.output.abandon()
            logger.debug("client left during stream", metadata: ["llmrouter.provider": "\(answer?.provider ?? "none")"])
            throw error
        }
    }

    private func endMidStream<Encoder: StreamEncoder>(
        _ failure: UpstreamFailure,
        provider: String?,
        logger: Logger,
        encoder: inout Encoder,
        to writer: inout any ResponseBodyWriter
    ) async throws {
        let name = provider ?? "unknown"
        logger.debug("upstream failed mid-stream", metadata: ["llmrouter.provider": "\(name)", "llmrouter.failure": "\(failure.kind.rawValue)"])
        let event = RoutingFailure(
            status: 502, type: "upstream_error", code: "upstream_stream_failed",
            message: "The provider \(name) failed mid-stream: \(failure.message)", provider: provider
        )
        try await write(encoder.failureEvents(event), to: &writer)
        try await writer.finish(nil)
    }

    private func write(_ events: [ByteBuffer], to writer: inout any ResponseBodyWriter) async throws {
        for event in events { try await writer.write(event) }
    }
}
