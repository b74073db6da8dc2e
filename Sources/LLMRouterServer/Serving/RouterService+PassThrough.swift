import Hummingbird
import HTTPTypes
import LLMRouterCore
import NIOCore

/// An answer an OpenAI client gets as the upstream sent it: no parse, no re-encoding.
protocol PassThroughAnswer: Sendable {
    var body: ByteBuffer { get }
}

extension ChatCompletion: PassThroughAnswer {}
extension EmbeddingsAnswer: PassThroughAnswer {}

extension RouterService {
    /// Routes `operation` once and answers in OpenAI's format: the upstream's JSON with the
    /// routing headers, or the outcome's failure as OpenAI error JSON.
    func passThroughResponse<Operation: RouterOperation>(
        _ operation: Operation,
        model: String?,
        info: RequestInfo
    ) async throws -> Response where Operation.Output: PassThroughAnswer {
        let outcome = try await route(operation, model: model, info: info)
        guard case .answered(let answer) = outcome else {
            let failure = failure(of: outcome, model: model)
            return OpenAIError.response(for: failure, headers: RoutingHeaders.failure(outcome, failure: failure, decision: info.routingDecision))
        }
        var headers = RoutingHeaders.answered(answer, decision: info.routingDecision)
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: answer.output.body))
    }
}
