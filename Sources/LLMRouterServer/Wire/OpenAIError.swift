#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import Hummingbird
import LLMRouterCore

/// An error as the OpenAI API shapes it: `{"error":{"message","type","param","code"}}`.
///
/// SDKs read `error.message` and `error.code`, so every failure the server reports, including a
/// missing route or an oversized body, uses this shape.
public struct OpenAIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var message: String
    public var type: String
    public var param: String?
    public var code: String?
    public var headers: HTTPFields

    public init(
        status: HTTPResponse.Status,
        message: String,
        type: String,
        param: String? = nil,
        code: String? = nil,
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The JSON body.
    public var body: Data {
        let payload = Payload(error: .init(message: message, type: type, param: param, code: code))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(payload)) ?? Data(#"{"error":{"message":"internal error","type":"server_error","param":null,"code":null}}"#.utf8)
    }

    private struct Payload: Encodable {
        struct Detail: Encodable {
            var message: String
            var type: String
            var param: String?
            var code: String?

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(message, forKey: .message)
                try container.encode(type, forKey: .type)
                try container.encode(param, forKey: .param)
                try container.encode(code, forKey: .code)
            }

            enum CodingKeys: String, CodingKey { case message, type, param, code }
        }

        var error: Detail
    }
}

extension OpenAIError {
    static func invalidRequest(_ message: String, param: String? = nil, code: String? = nil) -> OpenAIError {
        OpenAIError(status: .badRequest, message: message, type: "invalid_request_error", param: param, code: code)
    }

    static func modelNotFound(_ model: String) -> OpenAIError {
        OpenAIError(
            status: .notFound,
            message: "The model '\(model)' does not exist or no configured provider serves it. GET /v1/models lists the models this router serves.",
            type: "invalid_request_error",
            param: "model",
            code: "model_not_found"
        )
    }

    static func bodyTooLarge(limit: Int) -> OpenAIError {
        OpenAIError(
            status: .contentTooLarge,
            message: "The request body is larger than the limit of \(limit) bytes.",
            type: "invalid_request_error",
            code: "request_too_large"
        )
    }

    static func allProvidersFailed(_ summary: String, headers: HTTPFields) -> OpenAIError {
        OpenAIError(
            status: .serviceUnavailable,
            message: "No provider could answer: \(summary)",
            type: "service_unavailable",
            code: "all_providers_failed",
            headers: headers
        )
    }

    /// Every route is rate-limited for longer than the request may wait: the OpenAI SDKs raise
    /// `RateLimitError` on this and honour `Retry-After` before retrying.
    static func rateLimited(model: String, retryAfter: Duration, attempts: [AttemptRecord], headers: HTTPFields) -> OpenAIError {
        let seconds = max(AttemptRecord.roundedSeconds(retryAfter), 1)
        let routes = attempts.filter(\.rateLimited).map(\.summary).joined(separator: "; ")
        return OpenAIError(
            status: .tooManyRequests,
            message: "Every provider for '\(model)' is rate-limited; retry after \(seconds) s. \(routes)",
            type: "rate_limit_error",
            code: "rate_limit_exceeded",
            headers: headers
        )
    }

    /// The model is served, but no route supports what the request needs (tools, images ...).
    static func unsupported(model: String, reasons: [AttemptRecord]) -> OpenAIError {
        OpenAIError(
            status: .badRequest,
            message: "No provider of '\(model)' supports this request: \(reasons.map(\.summary).joined(separator: "; "))",
            type: "invalid_request_error",
            code: "model_not_capable"
        )
    }

    /// The client closed its connection before the answer; nobody will read this.
    static let clientClosedRequest = OpenAIError(
        status: HTTPResponse.Status(code: 499, reasonPhrase: "Client Closed Request"),
        message: "The client closed the connection before the answer was ready.",
        type: "client_closed_request",
        code: "client_closed_request"
    )

    static func deadlineExceeded(_ deadline: Duration) -> OpenAIError {
        OpenAIError(
            status: .gatewayTimeout,
            message: "No provider answered within the request deadline of \(deadline.seconds) seconds.",
            type: "timeout",
            code: "deadline_exceeded"
        )
    }
}
