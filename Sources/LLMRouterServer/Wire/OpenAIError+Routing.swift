import Hummingbird
import HTTPTypes
import LLMRouterCore
import NIOCore

extension OpenAIError {
    /// A routing failure in OpenAI's error shape.
    init(_ failure: RoutingFailure, headers: HTTPFields) {
        self.init(
            status: HTTPResponse.Status(code: failure.status),
            message: failure.message,
            type: failure.type,
            param: failure.param,
            code: failure.code,
            headers: headers
        )
    }

    /// The response for a routing failure to a client that speaks OpenAI's format: a provider's
    /// rejection of the request goes back with the provider's own status and error body (it
    /// speaks the same format); everything else as OpenAI error JSON.
    static func response(for failure: RoutingFailure, headers: HTTPFields) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        let body = failure.upstreamBody.map { ByteBuffer(bytes: $0) } ?? ByteBuffer(bytes: OpenAIError(failure, headers: headers).body)
        return Response(status: HTTPResponse.Status(code: failure.status), headers: headers, body: .init(byteBuffer: body))
    }
}
