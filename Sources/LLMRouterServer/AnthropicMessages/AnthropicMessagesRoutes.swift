public import Hummingbird
import HTTPTypes
import LLMRouterCore
import NIOCore

/// `POST /v1/messages` and `POST /v1/messages/count_tokens`: the Anthropic Messages API (what
/// Claude Code and the Anthropic SDKs send to `ANTHROPIC_BASE_URL`) over every chat route. The
/// request is translated to a chat request, routed once like any other, and the answer or its
/// chunks translated back; every error is in Anthropic's shape.
public struct AnthropicMessagesRoutes<AppClock: Clock>: Sendable where AppClock.Duration == Duration {
    public typealias Context = RouterRequestContext
    public let service: RouterService<AppClock>

    public init(service: RouterService<AppClock>) {
        self.service = service
    }

    public func register(on router: Router<Context>) {
        router.post("/v1/messages") { request, context in
            try await self.messages(request, context: context)
        }
        router.post("/v1/messages/count_tokens") { request, context in
            try await self.countTokens(request, context: context)
        }
    }

    func messages(_ request: Request, context: Context) async throws -> Response {
        let body = try await RequestBody.collect(request, limit: service.settings.maxBodyBytes)
        let translated = try AnthropicRequestTranslation.translate(body.readableBytesView)
        let model = service.model(requested: translated.model)
        let info = try RequestBody.admit(request, model: model, endpoint: "messages", service: service, context: context)
        let service = self.service
        let answerModel = translated.model
        return try await ClientDisconnectWatch.shared.run(on: context.channel) {
            if translated.stream {
                let encoder = AnthropicStreamEncoder(
                    translator: AnthropicStreamTranslator(model: answerModel, inputTokensEstimate: AnthropicTokenCount.estimate(translated.chat))
                )
                return try await service.streamResponse(StreamChat(translated.chat), model: model, info: info, encoder: encoder)
            }
            let outcome = try await service.route(CompleteChat(translated.chat, checksToolArguments: true), model: model, info: info)
            guard case .answered(let answer) = outcome else {
                let failure = service.failure(of: outcome, model: model)
                throw AnthropicError(failure, headers: RoutingHeaders.failure(outcome, failure: failure, decision: info.routingDecision))
            }
            let message: [UInt8]
            do throws(UpstreamFailure) {
                message = try AnthropicAnswerTranslation.message(
                    fromChatCompletion: answer.output.body.readableBytesView, model: answerModel, usageLocation: answer.output.usageLocation
                )
            } catch {
                throw AnthropicError(status: .badGateway, message: "The provider \(answer.provider) answered in a shape that could not be translated: \(error.message)")
            }
            var headers = RoutingHeaders.answered(answer, decision: info.routingDecision)
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: message)))
        }
    }

    /// An estimate (about four bytes of text a token): no free provider offers a tokenizer
    /// endpoint, and Claude Code only uses the count to decide when to compact.
    func countTokens(_ request: Request, context: Context) async throws -> Response {
        let body = try await RequestBody.collect(request, limit: service.settings.maxBodyBytes)
        let tokens = try AnthropicTokenCount.estimate(body.readableBytesView)
        let json = AnthropicJSON.encode(.object(["input_tokens": .integer(Int64(tokens))]))
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }
}

extension AnthropicError {
    /// A routing failure in Anthropic's shape. A provider's own rejection keeps its status and
    /// message (its body is OpenAI-shaped, so it is not passed through).
    init(_ failure: RoutingFailure, headers: HTTPFields) {
        self.init(status: HTTPResponse.Status(code: failure.status), message: failure.message, headers: headers)
    }
}

/// Writes a routed chat stream as Anthropic Messages events.
struct AnthropicStreamEncoder: StreamEncoder {
    var translator: AnthropicStreamTranslator

    mutating func events(for chunk: ByteBuffer) throws(UpstreamFailure) -> [ByteBuffer] {
        try translator.events(forChunk: chunk)
    }

    mutating func answered(usageLocation: UsageLocation) {
        translator.usageLocation = usageLocation
    }

    mutating func finish() -> [ByteBuffer] {
        translator.finish()
    }

    /// Anthropic streams end a failure with one `error` event (the SDKs raise it as an API error).
    func failureEvents(_ failure: RoutingFailure) -> [ByteBuffer] {
        [AnthropicError(failure, headers: [:]).event()]
    }

    func failureResponse(_ failure: RoutingFailure, headers: HTTPFields) -> Response {
        let error = AnthropicError(failure, headers: headers)
        var headers = error.headers
        headers[.contentType] = "application/json"
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: error.body)))
    }
}
