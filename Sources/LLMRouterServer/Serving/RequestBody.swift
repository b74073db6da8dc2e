import Hummingbird
import HTTPTypes
import LLMRouterCore
import NIOCore

/// Reading a request for any API: the body within the size limit, and who is asking.
enum RequestBody {
    /// The whole body, refusing one over `limit` bytes (declared or sent) with a 413.
    static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let declared = request.headers.firstValue(.contentLength).flatMap(Int.init), declared > limit {
            throw OpenAIError.bodyTooLarge(limit: limit)
        }
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw OpenAIError.bodyTooLarge(limit: limit)
        }
    }

    /// Refuses a model the request's access key may not use.
    static func checkAllowed(model: String?, context: RouterRequestContext) throws {
        if let key = context.accessKey, !key.allows(model: model) {
            throw OpenAIError.modelNotAllowed(model, key: key.name)
        }
    }

    /// What the router needs to know about who asks, for `endpoint`.
    static func info(_ context: RouterRequestContext, endpoint: String) -> RequestInfo {
        RequestInfo(
            requestID: context.requestID,
            keyName: context.apiKeyName,
            logger: context.logger,
            eventLoop: context.eventLoop,
            endpoint: endpoint
        )
    }
}
