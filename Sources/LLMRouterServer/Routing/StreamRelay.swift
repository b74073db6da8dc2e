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
    let health: ProviderHealth<ContinuousClock>
    let logger: Logger

    func write(to writer: inout any ResponseBodyWriter) async throws {
        var chunk: ByteBuffer? = stream.first
        while let current = chunk {
            do {
                try await writer.write(SSE.event(current))
            } catch {
                health.release(provider)
                logger.debug("client left during stream", metadata: ["llmrouter.provider": "\(provider)"])
                throw error
            }
            do {
                chunk = try await stream.next()
            } catch {
                let failure = (error as? UpstreamFailure)
                    ?? UpstreamFailure(kind: .connection, message: "stream failed: \(type(of: error))")
                health.recordFailure(provider, failure)
                logger.debug("upstream failed mid-stream", metadata: ["llmrouter.provider": "\(provider)", "llmrouter.failure": "\(failure.kind.rawValue)"])
                let event = OpenAIError(
                    status: .badGateway,
                    message: "The provider \(provider) failed mid-stream: \(failure.message)",
                    type: "upstream_error",
                    code: "upstream_stream_failed"
                )
                try await writer.write(SSE.event(ByteBuffer(bytes: event.body)))
                try await writer.write(SSE.done)
                try await writer.finish(nil)
                return
            }
        }
        health.recordSuccess(provider, latency: firstChunkLatency)
        try await writer.write(SSE.done)
        try await writer.finish(nil)
    }
}

/// Server-sent event framing for `chat.completion.chunk` payloads.
enum SSE {
    static let done = ByteBuffer(string: "data: [DONE]\n\n")

    /// `data: <payload>\n\n`, in one buffer so it goes out in one write.
    static func event(_ payload: ByteBuffer) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: payload.readableBytes + 8)
        buffer.writeStaticString("data: ")
        buffer.writeImmutableBuffer(payload)
        buffer.writeStaticString("\n\n")
        return buffer
    }
}
