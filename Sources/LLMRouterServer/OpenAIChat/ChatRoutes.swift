public import Hummingbird
import LLMRouterCore
import HTTPTypes
import NIOCore

/// `POST /v1/chat/completions`: parses the body into a ``ChatRequest``, routes it once, and
/// answers with the upstream's bytes (JSON, or its chunks as server-sent events).
public struct ChatRoutes<AppClock: Clock>: Sendable where AppClock.Duration == Duration {
    public typealias Context = RouterRequestContext
    public let service: RouterService<AppClock>

    public init(service: RouterService<AppClock>) {
        self.service = service
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
        let body = try await RequestBody.collect(request, limit: service.settings.maxBodyBytes)
        let chatRequest: ChatRequest
        do {
            chatRequest = try ChatRequest(json: body.readableBytesView)
        } catch {
            throw OpenAIError.invalidRequest(error.message, param: error.param)
        }
        let model = service.model(requested: chatRequest.model)
        let info = try RequestBody.admit(request, model: model, endpoint: "chat", service: service, context: context)
        let service = self.service
        return try await ClientDisconnectWatch.shared.run(on: context.channel) {
            if chatRequest.stream {
                return try await service.streamResponse(StreamChat(chatRequest), model: model, info: info, encoder: OpenAIChatStreamEncoder())
            }
            return try await service.passThroughResponse(CompleteChat(chatRequest), model: model, info: info)
        }
    }
}
