import Hummingbird
import HTTPTypes
import LLMRouterCore
import Logging
import NIOCore
import Synchronization

extension RouterService {
    /// Answers a streamed chat operation in `encoder`'s format.
    ///
    /// Routing runs until the first chunk; if that takes longer than the keep-alive interval
    /// (a slow upstream, or a wait for a rate limit to reset) the stream opens early and sends
    /// `: keep-alive` comments, so the client's proxies keep the connection and a client that
    /// left is noticed. A routing failure is then written as the encoder's error events.
    func streamResponse<Encoder: StreamEncoder>(
        _ operation: StreamChat,
        model: String?,
        info: RequestInfo,
        encoder: Encoder,
        headers: HTTPFields = [:]
    ) async throws -> Response {
        let service = self
        let routing = Task { try await service.route(operation, model: model, info: info) }
        return try await withTaskCancellationHandler {
            if let outcome = try await FirstOf.value(of: routing, within: settings.streamKeepAlive) {
                guard case .answered(let answer) = outcome else {
                    let failure = failure(of: outcome, model: model)
                    return encoder.failureResponse(failure, headers: Self.failureHeaders(outcome, failure: failure))
                }
                var responseHeaders = Self.eventStreamHeaders(Self.routingHeaders(answer))
                responseHeaders.append(contentsOf: headers)
                let relay = StreamRelay(stream: answer.output, provider: answer.provider, keepAlive: settings.streamKeepAlive, logger: info.logger)
                return Response(status: .ok, headers: responseHeaders, body: ResponseBody { writer in
                    var encoder = encoder
                    try await relay.write(to: &writer, encoder: &encoder)
                })
            }
            var responseHeaders = Self.eventStreamHeaders(HTTPFields())
            responseHeaders.append(contentsOf: headers)
            return Response(status: .ok, headers: responseHeaders, body: ResponseBody { writer in
                var encoder = encoder
                try await service.writeWhenRouted(routing, model: model, info: info, encoder: &encoder, to: &writer)
            })
        } onCancel: {
            routing.cancel()
        }
    }

    /// Keeps an opened stream alive until routing ends, then relays the answer, or ends the
    /// stream with the error events the outcome would have been as a status.
    private func writeWhenRouted<Encoder: StreamEncoder>(
        _ routing: Task<RoutingOutcome<PrimedStream>, any Error>,
        model: String?,
        info: RequestInfo,
        encoder: inout Encoder,
        to writer: inout any ResponseBodyWriter
    ) async throws {
        do {
            try await writer.write(SSE.keepAlive)
            while true {
                if let outcome = try await FirstOf.value(of: routing, within: settings.streamKeepAlive) {
                    if case .answered(let answer) = outcome {
                        let relay = StreamRelay(stream: answer.output, provider: answer.provider, keepAlive: settings.streamKeepAlive, logger: info.logger)
                        try await relay.write(to: &writer, encoder: &encoder)
                        return
                    }
                    for event in encoder.failureEvents(failure(of: outcome, model: model)) { try await writer.write(event) }
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
