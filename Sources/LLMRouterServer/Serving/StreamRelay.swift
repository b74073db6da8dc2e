import Hummingbird
import NIOCore
import LLMRouterCore
import Logging

/// Copies a routed stream to the client through an API's ``StreamEncoder``, flushing each event.
///
/// Once the first byte is out, failover is over: an upstream failure ends the stream with the
/// encoder's error events. A client that disconnects stops the copy, which drops the upstream
/// iterator and cancels the call. The stream settles its route itself when it ends; the relay
/// only tells it when the client left.
struct StreamRelay: Sendable {
    let stream: PrimedStream
    let provider: String
    /// How long the client may go without a byte before a `: keep-alive` comment is sent. The
    /// comment keeps proxies from timing out and, since a write to a gone client fails, is how
    /// a disconnect is noticed while a slow upstream is thinking.
    let keepAlive: Duration
    let logger: Logger

    private enum Event: Sendable {
        case chunk(ByteBuffer)
        case keepAlive
    }

    func write<Encoder: StreamEncoder>(to writer: inout any ResponseBodyWriter, encoder: inout Encoder) async throws {
        let (events, continuation) = AsyncThrowingStream<Event, any Error>.makeStream()
        let stream = self.stream
        let keepAlive = self.keepAlive
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        continuation.yield(.chunk(stream.first))
                        while let chunk = try await stream.next() { continuation.yield(.chunk(chunk)) }
                        continuation.finish()
                    } catch {
                        continuation.finish(throwing: error)
                    }
                }
                group.addTask {
                    while true {
                        try await Task.sleep(for: keepAlive)
                        continuation.yield(.keepAlive)
                    }
                }
                defer { group.cancelAll() }
                try await relay(events, to: &writer, encoder: &encoder)
            }
        } catch let gone as ClientGone {
            stream.abandon()
            logger.debug("client left during stream", metadata: ["llmrouter.provider": "\(provider)"])
            throw gone.error
        }
    }

    /// Writes events until the upstream ends; throws ``ClientGone`` when a write fails.
    private func relay<Encoder: StreamEncoder>(
        _ events: AsyncThrowingStream<Event, any Error>,
        to writer: inout any ResponseBodyWriter,
        encoder: inout Encoder
    ) async throws {
        do {
            for try await event in events {
                switch event {
                case .chunk(let chunk):
                    for output in try encoder.events(for: chunk) { try await send(output, to: &writer) }
                case .keepAlive:
                    try await send(SSE.keepAlive, to: &writer)
                }
            }
        } catch let gone as ClientGone {
            throw gone
        } catch {
            let failure = (error as? UpstreamFailure) ?? UpstreamFailure(kind: .connection, message: "stream failed: \(type(of: error))")
            // A chunk the encoder refused never reached the stream's own settlement.
            stream.fail(failure)
            logger.debug("upstream failed mid-stream", metadata: ["llmrouter.provider": "\(provider)", "llmrouter.failure": "\(failure.kind.rawValue)"])
            let event = RoutingFailure(
                status: 502, type: "upstream_error", code: "upstream_stream_failed",
                message: "The provider \(provider) failed mid-stream: \(failure.message)", provider: provider
            )
            for output in encoder.failureEvents(event) { try? await writer.write(output) }
            try? await writer.finish(nil)
            return
        }
        for output in encoder.finish() { try? await writer.write(output) }
        try? await writer.finish(nil)
    }

    private func send(_ buffer: ByteBuffer, to writer: inout any ResponseBodyWriter) async throws(ClientGone) {
        do {
            try await writer.write(buffer)
        } catch {
            throw ClientGone(error: error)
        }
    }

    /// A write to the client failed: it disconnected.
    private struct ClientGone: Error {
        var error: any Error
    }
}
