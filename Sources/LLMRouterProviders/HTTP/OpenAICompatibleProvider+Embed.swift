import AsyncHTTPClient
public import LLMRouterCore
import NIOCore
import NIOHTTP1

extension OpenAICompatibleProvider {
    /// `POST …/embeddings`: the client's body with the route's model spliced in (and the vendor's
    /// required defaults), the answer passed back byte for byte once it is known to be an
    /// embeddings list. The whole call is bounded like a complete chat call.
    public func embed(_ request: EmbeddingsRequest, context: ProviderContext) async throws -> EmbeddingsAnswer {
        var upstream = HTTPClientRequest(url: UpstreamEndpoint.embeddingsURL(forChatCompletions: chatCompletionsURL))
        upstream.method = .POST
        upstream.headers = completeHeaders
        upstream.body = .bytes(request.upstreamBody(model: context.upstreamModel, adding: dialect.embeddingDefaults))
        let total = cappedByRequestDeadline(configuration.timeouts.total, context: context)
        do {
            let response = try await execute(upstream, context: context)
            guard (200..<300).contains(response.status.code) else { throw await failure(for: response) }
            let body: ByteBuffer
            do {
                body = try await withThrowingTaskGroup(of: ByteBuffer.self) { group in
                    group.addTask { try await response.body.collect(upTo: maximumBodySize) }
                    group.addTask {
                        try await Task.sleep(for: total)
                        throw totalTimeoutFailure
                    }
                    defer { group.cancelAll() }
                    guard let first = try await group.next() else { throw totalTimeoutFailure }
                    return first
                }
            } catch {
                throw classify(error, phase: .body)
            }
            let usage = try EmbeddingsBody.check(body, redactor: redactor, dialect: dialect)
            var report = dialect.report(headers: response.headers, now: now())
            report.promptTokens = usage
            return EmbeddingsAnswer(body: body, report: report)
        } catch {
            throw logged(classify(error, phase: .body), context: context)
        }
    }
}

/// Checks an embeddings answer as ``CompletionBody`` checks a completion: a JSON object with a
/// `data` array and no `error`, read for `usage.prompt_tokens`, never re-encoded.
enum EmbeddingsBody {
    static func check(_ body: ByteBuffer, redactor: SecretRedactor, dialect: VendorDialect) throws(UpstreamFailure) -> Int? {
        guard let answer = (try? JSONValue.parsingObject(body.readableBytesView, keeping: ["error", "usage", "data"])) ?? nil else {
            throw UpstreamFailure(kind: .badResponse, message: "embeddings answer is not a JSON object")
        }
        if let error = answer["error"], error != .null {
            throw .embeddedError(error, redactor: redactor, dialect: dialect, prefix: "error object in a success answer: ", otherwise: .badResponse)
        }
        guard let data = answer["data"]?.arrayValue, !data.isEmpty else {
            throw UpstreamFailure(kind: .badResponse, message: "embeddings answer has no data")
        }
        return answer["usage"]?.objectValue?["prompt_tokens"]?.intValue
    }
}
