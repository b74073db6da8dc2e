import HTTPTypes
import Hummingbird
import LLMRouterCore
import NIOCore

/// An error as the Anthropic Messages API shapes it: `{"type":"error","error":{"type","message"}}`.
///
/// Anthropic SDKs pick their exception class from the HTTP status and read `error.type` and
/// `error.message`, so `/v1/messages` reports every failure this way instead of OpenAI's shape.
struct AnthropicError: Error, HTTPResponseError, Sendable, Equatable {
    var status: HTTPResponse.Status
    /// Anthropic's error type: `invalid_request_error`, `rate_limit_error`, `overloaded_error` ...
    var type: String
    var message: String
    /// Sent with the response, e.g. `Retry-After` for rate limits.
    var headers: HTTPFields

    /// Anthropic's "overloaded" status, which its SDKs retry like a 503.
    static let overloaded = HTTPResponse.Status(code: 529, reasonPhrase: "Overloaded")

    init(status: HTTPResponse.Status, type: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.type = type
        self.message = message
        self.headers = headers
    }

    /// An error whose type follows from `status`, as Anthropic's API pairs them. 503 and 529
    /// both become 529 `overloaded_error`, the status Anthropic clients expect for "try later".
    init(status: HTTPResponse.Status, message: String, headers: HTTPFields = [:]) {
        let (status, type) = Self.statusAndType(for: status)
        self.init(status: status, type: type, message: message, headers: headers)
    }

    /// The Anthropic form of an error the OpenAI side produced (routing, limits, upstream
    /// failures), keeping its message and headers such as `Retry-After`.
    init(_ error: OpenAIError) {
        self.init(status: error.status, message: error.message, headers: error.headers)
    }

    /// A 400 `invalid_request_error`; `message` names the field, like `messages.1.content: ...`.
    static func invalidRequest(_ message: String) -> AnthropicError {
        AnthropicError(status: .badRequest, type: "invalid_request_error", message: message)
    }

    /// The status to send and the error type for an HTTP status.
    static func statusAndType(for status: HTTPResponse.Status) -> (HTTPResponse.Status, String) {
        switch status.code {
        case 400: (status, "invalid_request_error")
        case 401: (status, "authentication_error")
        case 403: (status, "permission_error")
        case 404: (status, "not_found_error")
        case 413: (status, "request_too_large")
        case 429: (status, "rate_limit_error")
        case 503, 529: (overloaded, "overloaded_error")
        case 504: (status, "timeout_error")
        case 500..<600: (status, "api_error")
        default: (status, "invalid_request_error")
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The JSON body: `{"error":{"message":...,"type":...},"type":"error"}`.
    var body: [UInt8] {
        AnthropicJSON.encode(payload)
    }

    /// The error as a server-sent `error` event, for a failure after a stream has begun.
    func event() -> ByteBuffer {
        AnthropicJSON.event("error", payload)
    }

    private var payload: JSONValue {
        .object(["type": .string("error"), "error": .object(["type": .string(type), "message": .string(message)])])
    }
}
