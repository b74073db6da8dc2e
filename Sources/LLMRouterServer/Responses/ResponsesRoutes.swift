#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import Hummingbird
import HTTPTypes
import LLMRouterCore
import NIOCore

/// `POST /v1/responses`: OpenAI's Responses API (the Agents SDK, newer SDK code) over every chat
/// route. The request's items become a chat request, routed once like any other; the answer or
/// its chunks become a response object or Responses events. Answers are kept in a bounded
/// in-memory store (per access key) for `previous_response_id`, unless `store: false`.
public struct ResponsesRoutes<AppClock: Clock>: Sendable where AppClock.Duration == Duration {
    public typealias Context = RouterRequestContext
    public let service: RouterService<AppClock>
    let store: ResponseStore<AppClock>

    /// - Parameter store: recent responses for `previous_response_id`; one per application.
    init(service: RouterService<AppClock>, store: ResponseStore<AppClock>) {
        self.service = service
        self.store = store
    }

    public func register(on router: Router<Context>) {
        router.post("/v1/responses") { request, context in
            try await self.responses(request, context: context)
        }
    }

    func responses(_ request: Request, context: Context) async throws -> Response {
        let body = try await RequestBody.collect(request, limit: service.settings.maxBodyBytes)
        let parsed = try ResponsesRequest.parse(body.readableBytesView)
        var history: [JSONValue] = []
        if let previous = parsed.previousResponseID {
            guard let conversation = store.conversation(for: previous, keyName: context.apiKeyName) else {
                throw OpenAIError.invalidRequest(
                    "Previous response with id '\(previous)' not found: this router keeps recent responses in memory for a while, per key.",
                    param: "previous_response_id", code: "previous_response_not_found"
                )
            }
            history = conversation
        }
        let chat = try parsed.chatRequest(history: history)
        let model = service.model(requested: chat.model)
        let info = try RequestBody.admit(request, model: model, endpoint: "responses", service: service, context: context)
        let id = "resp_" + Self.randomHex()
        let createdAt = Int(Date().timeIntervalSince1970)
        let saving = parsed.store ? ResponsesSaving<AppClock>(store: store, keyName: context.apiKeyName, id: id, request: parsed, history: history) : nil
        let service = self.service
        return try await ClientDisconnectWatch.shared.run(on: context.channel) {
            if parsed.stream {
                let encoder = ResponsesStreamEncoder(translator: ResponsesStreamTranslator(request: parsed, id: id, createdAt: createdAt), saving: saving)
                return try await service.streamResponse(StreamChat(chat), model: model, info: info, encoder: encoder)
            }
            let outcome = try await service.route(CompleteChat(chat, checksToolArguments: true), model: model, info: info)
            guard case .answered(let answer) = outcome else {
                let failure = service.failure(of: outcome, model: model)
                return OpenAIError.response(for: failure, headers: RoutingHeaders.failure(outcome, failure: failure, decision: info.routingDecision))
            }
            let translated: (body: [UInt8], answerMessage: JSONValue)
            do throws(UpstreamFailure) {
                translated = try ResponsesAnswerTranslation.response(
                    fromChatCompletion: answer.output.body.readableBytesView, request: parsed, id: id, createdAt: createdAt,
                    usageLocation: answer.output.usageLocation
                )
            } catch {
                throw OpenAIError(status: .badGateway, message: "The provider \(answer.provider) answered in a shape that could not be translated: \(error.message)", type: "upstream_error")
            }
            saving?.save(answer: translated.answerMessage)
            var headers = RoutingHeaders.answered(answer, decision: info.routingDecision)
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: translated.body)))
        }
    }

    /// 128 random bits in hex: unique response ids without a counter shared across instances.
    static func randomHex() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next() as UInt64, radix: 16) + String(generator.next() as UInt64, radix: 16)
    }
}

/// Where a finished answer's conversation goes, so a later `previous_response_id` continues it.
struct ResponsesSaving<AppClock: Clock>: Sendable where AppClock.Duration == Duration {
    let store: ResponseStore<AppClock>
    let keyName: String?
    let id: String
    let request: ResponsesRequest
    let history: [JSONValue]

    func save(answer: JSONValue) {
        store.save(id: id, keyName: keyName, conversation: request.conversation(history: history, answer: answer))
    }
}

/// Writes a routed chat stream as Responses events, and remembers the answer when it completes.
struct ResponsesStreamEncoder<AppClock: Clock>: StreamEncoder where AppClock.Duration == Duration {
    var translator: ResponsesStreamTranslator
    let saving: ResponsesSaving<AppClock>?

    mutating func events(for chunk: ByteBuffer) throws(UpstreamFailure) -> [ByteBuffer] {
        try translator.events(forChunk: chunk)
    }

    mutating func answered(usageLocation: UsageLocation) {
        translator.usageLocation = usageLocation
    }

    mutating func finish() -> [ByteBuffer] {
        let events = translator.finish()
        saving?.save(answer: translator.answerMessage)
        return events
    }

    func failureEvents(_ failure: RoutingFailure) -> [ByteBuffer] {
        translator.failureEvents(message: failure.message, code: failure.code)
    }

    func failureResponse(_ failure: RoutingFailure, headers: HTTPFields) -> Response {
        OpenAIError.response(for: failure, headers: headers)
    }
}
