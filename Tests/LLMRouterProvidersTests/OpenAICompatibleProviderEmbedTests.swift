import AsyncHTTPClient
import LLMRouterCore
import LLMRouterProviders
import LLMRouterTesting
import Logging
import NIOCore
import Testing

struct OpenAICompatibleProviderEmbedTests {
    static let answer = #"{"object":"list","data":[{"object":"embedding","index":0,"embedding":"AACAPw=="}],"model":"m","usage":{"prompt_tokens":5,"total_tokens":5}}"#

    @Test func theAnswerPassesThroughAndItsUsageIsRead() async throws {
        try await withUpstream(.json(body: Self.answer)) { upstream, client in
            let provider = makeProvider(upstream, client: client)
            let request = try EmbeddingsRequest(json: Array(#"{"model":"client-name","input":"hi","encoding_format":"base64"}"#.utf8))
            let answer = try await provider.embed(request, context: ProviderContext(providerName: "p", upstreamModel: "upstream-model", logger: Logger(label: "t")))
            #expect(String(buffer: answer.body) == Self.answer)
            #expect(answer.report.promptTokens == 5)
            let sent = try #require(upstream.lastRequest)
            #expect(sent.path == "/v1/embeddings")
            let body = try JSONValue(parsing: sent.body).objectValue
            #expect(body?["model"] == .string("upstream-model"))
            #expect(body?["encoding_format"] == .string("base64"), "the client's encoding reaches the upstream")
            #expect(body?["input_type"] == nil, "only NIM gets input_type")
        }
    }

    @Test func nimGetsAnInputTypeUnlessTheClientSentOne() async throws {
        try await withUpstream(.json(body: Self.answer), .json(body: Self.answer)) { upstream, client in
            let provider = makeProvider(upstream, client: client) { $0.kind = .nvidiaNIM }
            let context = ProviderContext(providerName: "nim", upstreamModel: "nvidia/nv-embedqa-e5-v5", logger: Logger(label: "t"))
            _ = try await provider.embed(try EmbeddingsRequest(json: Array(#"{"input":"hi"}"#.utf8)), context: context)
            #expect(try JSONValue(parsing: upstream.lastRequestBody ?? []).objectValue?["input_type"] == .string("query"))
            _ = try await provider.embed(try EmbeddingsRequest(json: Array(#"{"input":"hi","input_type":"passage"}"#.utf8)), context: context)
            #expect(try JSONValue(parsing: upstream.lastRequestBody ?? []).objectValue?["input_type"] == .string("passage"))
        }
    }

    @Test func failuresAreClassifiedLikeChatCalls() async throws {
        try await withUpstream(.rateLimited(retryAfter: 7), .json(body: #"{"object":"list","data":[]}"#), .malformed) { upstream, client in
            let provider = makeProvider(upstream, client: client)
            let context = ProviderContext(providerName: "p", upstreamModel: nil, logger: Logger(label: "t"))
            let request = try EmbeddingsRequest(json: Array(#"{"input":"hi"}"#.utf8))
            for expected in [FailureKind.rateLimited, .badResponse, .badResponse] {
                do {
                    _ = try await provider.embed(request, context: context)
                    Issue.record("expected \(expected)")
                } catch let failure as UpstreamFailure {
                    #expect(failure.kind == expected)
                    if expected == .rateLimited { #expect(failure.retryAfter == .seconds(7)) }
                }
            }
        }
    }
}
