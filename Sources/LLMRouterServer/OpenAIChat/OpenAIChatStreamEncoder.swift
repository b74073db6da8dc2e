import Hummingbird
import HTTPTypes
import LLMRouterCore
import NIOCore

/// OpenAI chat streams pass the upstream's chunks through untouched: no parse, no re-encoding.
struct OpenAIChatStreamEncoder: StreamEncoder {
    func events(for chunk: ByteBuffer) throws(UpstreamFailure) -> [ByteBuffer] {
        [SSE.event(chunk)]
    }

    func finish() -> [ByteBuffer] {
        [SSE.done]
    }

    /// An error event as OpenAI sends one mid-stream (the SDKs raise it as an API error), then `[DONE]`.
    func failureEvents(_ failure: RoutingFailure) -> [ByteBuffer] {
        [SSE.event(ByteBuffer(bytes: OpenAIError(failure, headers: [:]).body)), SSE.done]
    }

    func failureResponse(_ failure: RoutingFailure, headers: HTTPFields) -> Response {
        OpenAIError.response(for: failure, headers: headers)
    }
}
