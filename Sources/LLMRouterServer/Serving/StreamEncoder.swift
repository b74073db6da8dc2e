public import Hummingbird
public import LLMRouterCore
public import NIOCore

/// How one API writes a routed chat stream: each upstream `chat.completion.chunk` as zero or
/// more events of its own, the events that close it, and a failure once the stream is open.
/// OpenAI chat passes the chunks through; Anthropic Messages and Responses translate them.
public protocol StreamEncoder: Sendable {
    /// The events for one upstream chunk; throws when the chunk cannot be translated (the
    /// stream then ends as an upstream failure).
    mutating func events(for chunk: ByteBuffer) throws(UpstreamFailure) -> [ByteBuffer]
    /// Called once routing chose a provider, before its first chunk: where its chunks carry
    /// their usage. The default ignores it (OpenAI chat passes chunks through).
    mutating func answered(usageLocation: UsageLocation)
    /// The events after the last chunk.
    mutating func finish() -> [ByteBuffer]
    /// The events that end an open stream when routing fails (after keep-alives were sent) or
    /// the upstream fails mid-stream.
    mutating func failureEvents(_ failure: RoutingFailure) -> [ByteBuffer]
    /// The answer to a routing failure before any byte was sent, in the API's error shape.
    func failureResponse(_ failure: RoutingFailure, headers: HTTPFields) -> Response
}

extension StreamEncoder {
    public mutating func answered(usageLocation: UsageLocation) {}
}

/// Server-sent event framing.
enum SSE {
    static let done = ByteBuffer(string: "data: [DONE]\n\n")
    static let keepAlive = ByteBuffer(string: ": keep-alive\n\n")

    /// A comment line, `: <text>` (one line), which every SSE client skips.
    static func comment(_ text: String) -> ByteBuffer {
        ByteBuffer(string: ": " + text.filter { !$0.isNewline } + "\n\n")
    }

    /// `data: <payload>\n\n`, in one buffer so it goes out in one write.
    static func event(_ payload: ByteBuffer) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: payload.readableBytes + 8)
        buffer.writeStaticString("data: ")
        buffer.writeImmutableBuffer(payload)
        buffer.writeStaticString("\n\n")
        return buffer
    }

    /// `event: <name>\ndata: <json>\n\n`, the framing Anthropic and Responses streams use.
    static func event(named name: String, _ payload: some Collection<UInt8>) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: payload.count + name.utf8.count + 16)
        buffer.writeStaticString("event: ")
        buffer.writeString(name)
        buffer.writeStaticString("\ndata: ")
        buffer.writeBytes(payload)
        buffer.writeStaticString("\n\n")
        return buffer
    }
}
