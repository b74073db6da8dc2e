import Logging

/// `routing.stream_failover: continue`: the router's side of ``StreamContinuation``. The broken
/// route is settled as failed, the routes after it in the request's order go through admission
/// again (on the router's clock, within the request's deadline), and the one that answers is
/// settled and recorded when its stream ends, with every attempt of the request in its record.
extension RequestRouter {
    /// The continuation for a stream `answer` of `operation`, whose routes were tried in `order`;
    /// `earlier` is what the client got before this stream began (a continuation's own break).
    func continuation<Output>(
        _ operation: StreamChat,
        answer: RoutedAnswer<Output>,
        order: [Route],
        deadline: C.Instant,
        journey: Journey<C.Instant>,
        earlier: StreamBreak? = nil
    ) -> StreamContinuation {
        let broken = answer.provider
        let remaining = order.drop { $0.name != broken }.dropFirst()
        let router = self
        return StreamContinuation { cut in
            var cut = cut
            if let earlier {
                cut.partialText = earlier.partialText + cut.partialText
                cut.chunks += earlier.chunks
            }
            return try await router.continueStream(operation, after: cut, answer: answer, remaining: Array(remaining), deadline: deadline, journey: journey)
        }
    }

    private func continueStream<Output>(
        _ operation: StreamChat,
        after cut: StreamBreak,
        answer: RoutedAnswer<Output>,
        remaining: [Route],
        deadline: C.Instant,
        journey: Journey<C.Instant>
    ) async throws -> StreamHandover? {
        var journey = journey
        let broken = answer.provider
        let logger = journey.info.logger
        handle(state.settle(broken, .failed(cut.failure, latency: answer.latency)), route: broken, logger: logger)
        count("llmrouter_upstream_attempts_total", provider: broken, ("outcome", cut.failure.kind.rawValue))
        var attempts = answer.attempts
        if let index = attempts.lastIndex(where: { $0.provider == broken && $0.outcome == .succeeded }) {
            attempts[index].outcome = .failed(cut.failure)
        }
        // The chunks of earlier breaks were carried when those were continued.
        journey.carriedCompletionTokens = cut.chunks
        let firstToken = journey.firstToken
        let pass: Pass<PrimedStream>
        do {
            pass = try await attemptPass(remaining, operation: ContinueChat(operation.request, after: cut), deadline: deadline, journey: &journey, attempts: &attempts)
        } catch {
            journey.completionTokens = journey.carriedCompletionTokens
            recordBrokenStream(journey: journey, status: 499, code: "client_closed_request", provider: broken, attempts: attempts)
            throw error
        }
        // The client's first token came from the broken route.
        journey.firstToken = firstToken
        guard case .answered(var continued) = pass else {
            logger.debug("no route continues the broken stream", metadata: ["llmrouter.provider": "\(broken)"])
            // As for any stream that fails once open: the client had a 200.
            journey.completionTokens = journey.carriedCompletionTokens
            recordBrokenStream(journey: journey, status: 200, code: "upstream_stream_failed", provider: broken, attempts: attempts)
            return nil
        }
        continued.attempts = attempts
        continued.output.attach(streamSettlement(continued, journey: journey))
        continued.output.arm(continuation(operation, answer: continued, order: remaining, deadline: deadline, journey: journey, earlier: cut))
        count("llmrouter_stream_continuations_total", route: continued.provider, ("after", broken))
        logger.info(
            "stream continued on another route",
            metadata: ["llmrouter.provider": "\(continued.provider)", "llmrouter.failed_provider": "\(broken)", "llmrouter.failure": "\(cut.failure.kind.rawValue)"]
        )
        return StreamHandover(
            failedRoute: broken,
            route: continued.provider,
            reason: StreamHandover.reason(cut.failure),
            usageLocation: continued.output.usageLocation,
            stream: continued.output
        )
    }

    private func recordBrokenStream(journey: Journey<C.Instant>, status: Int, code: String, provider: String, attempts: [AttemptRecord]) {
        guard let recorder else { return }
        var record = baseRecord(journey: journey, status: status, errorCode: code, now: clock.now)
        record.provider = provider
        record.attempts = attempts.map(Self.recordAttempt)
        recorder.record(record)
    }
}

/// The rest of a broken streamed answer, asked of one route: the request is built per route,
/// since whether the partial answer goes as a prefill depends on the route's vendor.
struct ContinueChat: RouterOperation {
    let original: ChatRequest
    let cut: StreamBreak
    let needs: RequestNeeds

    init(_ original: ChatRequest, after cut: StreamBreak) {
        self.original = original
        self.cut = cut
        self.needs = RequestNeeds(original)
    }

    var routeKind: RouteKind { .chat }
    var isStream: Bool { true }

    func call(_ provider: any Provider, context: ProviderContext) async throws -> PrimedStream {
        let request: ChatRequest
        do {
            request = try StreamContinuation.request(original, partial: cut.partialText, writtenTokens: cut.writtenTokens, prefill: provider.assistantPrefill)
        } catch {
            throw UpstreamFailure(kind: .badResponse, message: "the continuation request could not be built: \(error.message)")
        }
        let stream = try await provider.stream(request, context: context)
        return try await PrimedStream(stream, emptyFailure: UpstreamFailure(kind: .badResponse, message: "the continuation ended before its first chunk"))
    }

    func report(of output: PrimedStream) -> UpstreamReport { output.report }
}
