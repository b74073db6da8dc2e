import Hummingbird
import NIOCore
import HTTPTypes
import LLMRouterCore
import LLMRouterProviders
import Logging

/// Copies an upstream's chunks to the client as server-sent events, flushing each one.
///
/// Once the first byte is out, failover is over: an upstream failure ends the stream with an
/// SSE error event (OpenAI SDKs raise it as an API error). A client that disconnects stops the
/// copy, which drops the upstream iterator and cancels the call. However it ends, the relay
/// reports the end to the router's ``StreamSettlement``, which settles the route then.
struct StreamRelay: Sendable {
    let stream: PrimedStream
    let provider: String
    /// How long the client may go without a byte before a `: keep-alive` comment is sent. The
    /// comment keeps proxies from timing out and, since a write to a gone client fails, is how
    /// a disconnect is noticed while a slow upstream is thinking.
    let keepAlive: Duration
    let settlement: StreamSettlement
    let logger: Logger

    private enum Event: Sendable {
        case chunk(ByteBuffer)
        case keepAlive
    }

    func write(to writer: inout any ResponseBodyWriter) async throws {
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
                try await relay(events, to: &writer)
            }
        } catch let failure as ClientGone {
            settlement.settle(.abandoned(chunks: failure.chunks))
            logger.debug("client left during stream", metadata: ["llmrouter.provider": "\(provider)"])
            throw failure.error
        }
    }

    /// Writes events until the upstream ends; throws ``ClientGone`` when a write fails.
    private func relay(_ events: AsyncThrowingStream<Event, any Error>, to writer: inout any ResponseBodyWriter) async throws {
        var usage = StreamUsage()
        do {
            for try await event in events {
                switch event {
                case .chunk(let chunk):
                    usage.observe(chunk)
                    try await send(SSE.event(chunk), to: &writer, chunks: usage.chunks)
                case .keepAlive:
                    try await send(SSE.keepAlive, to: &writer, chunks: usage.chunks)
                }
            }
        } catch let gone as ClientGone {
            throw gone
        } catch {
            let failure = (error as? UpstreamFailure) ?? UpstreamFailure(kind: .connection, message: "stream failed: \(type(of: error))")
            settlement.settle(.failed(failure, chunks: usage.chunks))
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
            try? await writer.write(SSE.event(ByteBuffer(bytes: event.body)))
            try? await writer.write(SSE.done)
            try? await writer.finish(nil)
            return
        }
        settlement.settle(.finished(promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, chunks: usage.chunks))
        try? await writer.write(SSE.done)
        try? await writer.finish(nil)
    }

    private func send(_ buffer: ByteBuffer, to writer: inout any ResponseBodyWriter, chunks: Int) async throws(ClientGone) {
        do {
            try await writer.write(buffer)
        } catch {
            throw ClientGone(error: error, chunks: chunks)
        }
    }

    /// A write to the client failed: it disconnected.
    private struct ClientGone: Error {
        var error: any Error
        var chunks: Int
    }
}

/// Counts a stream's chunks and picks up the `usage` an upstream sends in its last ones
/// (`stream_options.include_usage`, Groq's `x_groq.usage`), without parsing the other chunks.
struct StreamUsage {
    private(set) var chunks = 0
    private(set) var promptTokens: Int?
    private(set) var completionTokens: Int?
    private static let marker = Array(#""usage""#.utf8)

    mutating func observe(_ chunk: ByteBuffer) {
        chunks += 1
        let view = chunk.readableBytesView
        guard view.count >= Self.marker.count, Self.contains(view, Self.marker),
              let object = try? JSONValue(parsing: view)
        else { return }
        let usage = object.objectValue?["usage"]?.objectValue ?? object.objectValue?["x_groq"]?.objectValue?["usage"]?.objectValue
        if let prompt = usage?["prompt_tokens"]?.intValue { promptTokens = prompt }
        if let completion = usage?["completion_tokens"]?.intValue { completionTokens = completion }
    }

    private static func contains(_ haystack: ByteBufferView, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        var index = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
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
