public import Hummingbird
import LLMRouterCore
import HTTPTypes
import NIOCore

/// `POST /v1/chat/completions`: reads and validates the body, then hands it to ``ChatService``.
public struct ChatRoutes: Sendable {
    public typealias Context = RouterRequestContext
    public let service: ChatService
    /// Largest accepted request body. Defaults to 4 MiB.
    public let maxBodyBytes: Int

    public init(service: ChatService, maxBodyBytes: Int = 4 * 1024 * 1024) {
        self.service = service
        self.maxBodyBytes = maxBodyBytes
    }

    public func register(on router: Router<Context>) {
        router.post("/v1/chat/completions") { request, context in
            try await self.chatCompletions(request, context: context)
        }
        // Some clients omit the version prefix.
        router.post("/chat/completions") { request, context in
            try await self.chatCompletions(request, context: context)
        }
    }

    func chatCompletions(_ request: Request, context: Context) async throws -> Response {
        if let declared = request.headers.firstValue(.contentLength).flatMap(Int.init), declared > maxBodyBytes {
            throw OpenAIError.bodyTooLarge(limit: maxBodyBytes)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw OpenAIError.bodyTooLarge(limit: maxBodyBytes)
        }
        let chatRequest: ChatRequest
        do {
            chatRequest = try ChatRequest(json: body.readableBytesView)
        } catch {
            throw OpenAIError.invalidRequest(error.message, param: error.param)
        }
        if let key = context.accessKey, case let model = chatRequest.model ?? service.settings.defaultModel, !key.allows(model: model) {
            throw OpenAIError.modelNotAllowed(model, key: key.name)
        }
        let info = RequestInfo(
            requestID: context.requestID,
            keyName: context.apiKeyName,
            logger: context.logger,
            eventLoop: context.eventLoop
        )
        let service = self.service
        return try await ClientDisconnectWatch.shared.run(on: context.channel) {
            try await service.respond(to: chatRequest, info: info)
        }
    }
}
