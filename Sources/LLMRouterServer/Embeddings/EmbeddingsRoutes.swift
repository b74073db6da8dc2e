public import Hummingbird
import LLMRouterCore
import HTTPTypes
import NIOCore

/// `POST /v1/embeddings`: OpenAI's embeddings API over the routes of kind `embeddings`. The
/// answer is the upstream's bytes, in the encoding the client asked for (the OpenAI SDK asks for
/// base64 by default).
public struct EmbeddingsRoutes<AppClock: Clock>: Sendable where AppClock.Duration == Duration {
    public typealias Context = RouterRequestContext
    public let service: RouterService<AppClock>

    public init(service: RouterService<AppClock>) {
        self.service = service
    }

    public func register(on router: Router<Context>) {
        router.post("/v1/embeddings") { request, context in
            try await self.embeddings(request, context: context)
        }
        router.post("/embeddings") { request, context in
            try await self.embeddings(request, context: context)
        }
    }

    func embeddings(_ request: Request, context: Context) async throws -> Response {
        let body = try await RequestBody.collect(request, limit: service.settings.maxBodyBytes)
        let embeddingsRequest: EmbeddingsRequest
        do {
            embeddingsRequest = try EmbeddingsRequest(json: body.readableBytesView)
        } catch {
            throw OpenAIError.invalidRequest(error.message, param: error.param)
        }
        let model = service.model(requested: embeddingsRequest.model)
        let info = try RequestBody.admit(request, model: model, endpoint: "embeddings", service: service, context: context)
        let service = self.service
        return try await ClientDisconnectWatch.shared.run(on: context.channel) {
            return try await service.passThroughResponse(Embed(embeddingsRequest), model: model, info: info)
        }
    }
}
