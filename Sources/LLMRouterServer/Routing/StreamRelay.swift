import Hummingbird
import NIOCore
import HTTPTypes
import LLMRouterCore
import LLMRouterProviders
import Logging

/// Copies an upstream's chunks to the client as server-sent events, flushing each one.
///
/// Once the first byte is out, failover is over: an upstream failure ends the stream with an
/// SSE error event (OpenAI SDKs raise it as an API error) and counts against the provider. A
/// client that disconnects stops the copy, which drops the upstream iterator and cancels the call.
struct StreamRelay: Sendable {
    let stream: PrimedStream
    let provider: String
    let firstChunkLatency: Duration
    /// How long the client may go without a byte before a `: keep-alive` comment is sent. The
    /// comment keeps proxies from timing out and, since a write to a gone client fails, is how
    /// a disconnect is noticed while a slow upstream is thinking.
    let keepAlive: Duration
    let health: ProviderHealth<ContinuousClock>
    let logger: Logger
    /// INTERIM (see ChatService+Settlement.swift): told once how the stream ended — an error
    /// code when it failed, and the last chunk, which carries the usage when there is one.
    var settle: (@Sendable (_ errorCode: String?, _ lastChunk: ByteBuffer?) -> Void)? = nil

    private enum Event: Sendable {
        case chunk(ByteBuffer)
        case keepAlive
    }

    func write(to writer: inout any ResponseBodyWriter) async throws {
        let (events, continuation) = AsyncThrowingStream<Event, any Error>.makeStream()
        let stream = self.stream
        let keepAlive = self.keepAlive
        var settled = false
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
                try await relay(events, to: &writer, settled: &settled)
            }
        } catch let failure as ClientGone {
            if !settled { settle?("client_disconnected", nil) }
            health.release(provider)
            logger.debug("client left during stream", metadata: ["llmrouter.provider": "\(provider)"])
            throw failure.error
        }
    }

    /// Writes events until the upstream ends; throws ``ClientGone`` when a write fails.
    private func relay(_ events: AsyncThrowingStream<Event, any Error>, to writer: inout any ResponseBodyWriter, settled: inout Bool) async throws {
        var lastChunk: ByteBuffer?
        do {
            for try await event in events {
                switch event {
                case .chunk(let chunk):
                    lastChunk = chunk
                    try await send(SSE.event(chunk), to: &writer)
                case .keepAlive: try await send(SSE.keepAlive, to: &writer)
                }
            }
        } catch let gone as ClientGone {
            throw gone
        } catch {
            let failure = (error as? UpstreamFailure) ?? UpstreamFailure(kind: .connection, message: "stream failed: \(type(of: error))")
            health.recordFailure(provider, failure)
            logger.debug(
                "upstream failed mid-stream",
                metadata: ["llmrouter.provider": "\(provider)", "llmrouter.failure": "\(failure.kind.rawValue)"]
            )
            let event = OpenAIError(
                status: .badGateway,
                message: "The provider \(provider) failed mid-stream: \(failure.message)",
                type: "upstream_error",
                code: "upstream_stream_failed"
            )
            settle?("upstream_stream_failed", lastChunk)
            settled = true
            try await send(SSE.event(ByteBuffer(bytes: event.body)), to: &writer)
            try await send(SSE.done, to: &writer)
            try await writer.finish(nil)
            return
        }
        health.recordSuccess(provider, latency: firstChunkLatency)
        settle?(nil, lastChunk)
        settled = true
        try await send(SSE.done, to: &writer)
        try await writer.finish(nil)
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

/// Server-sent event framing for `chat.completion.chunk` payloads.
enum SSE {
    static let done = ByteBuffer(string: "data: [DONE]\n\n")
    static let keepAlive = ByteBuffer(string: ": keep-alive\n\n")

    /// `data: <payload>\n\n`, in one buffer so it goes out in one write.
    static func event(_ payload: ByteBuffer) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: payload.readableBytes + 8)
        buffer.writeStaticString("data: ")
        buffer.writeImmutableBuffer(payload)
        buffer.writeStaticString("\n\n")
        return buffer
    }
}
