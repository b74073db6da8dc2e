import Foundation
import LLMRouterCore
import LLMRouterTesting
import Logging
import NIOCore

/// A router with the response cache over one chat route `p` (model `m`) and one embeddings
/// route `embedder` (model `e`), on a mock clock. The chat route answers with the call's
/// number, sleeping `latency` on the mock clock first; `fails` makes every call fail. The
/// embedder sleeps `embeddingLatency` before it answers.
final class CacheHarness: Sendable {
    let clock = MockClock()
    let router: RequestRouter<ProviderState<MockClock>, MockClock>
    let cache: ResponseCache
    let table: RoutingTable
    let recorded = Locked<[RequestRecord]>([])
    let chatCalls = Locked(0)
    let embedCalls = Locked(0)

    init(
        settings: ResponseCacheSettings = ResponseCacheSettings(ttl: .seconds(60)),
        latency: Duration = .zero,
        fails: Locked<Bool> = Locked(false),
        finishReason: String = "stop",
        vectors: [String: [Double]] = [:],
        embeddingFails: Bool = false,
        embeddingLatency: Duration = .zero
    ) {
        let clock = self.clock
        let chatCalls = self.chatCalls
        let embedCalls = self.embedCalls
        let answer: @Sendable () async throws -> String = {
            let call = chatCalls.withLock { count -> Int in
                count += 1
                return count
            }
            if latency > .zero { try await clock.sleep(until: clock.now.advanced(by: latency), tolerance: nil) }
            if fails.withLock({ $0 }) { throw UpstreamFailure(kind: .serverError, message: "down", status: 500) }
            return #"{"id":"chatcmpl-\#(call)","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"answer number \#(call)"},"finish_reason":"\#(finishReason)"}],"usage":{"prompt_tokens":2,"completion_tokens":3,"total_tokens":5}}"#
        }
        let chat = ClosureProvider(
            complete: { _, _ in ChatCompletion(body: ByteBuffer(string: try await answer())) },
            stream: { _, _ in
                let body = try await answer()
                return ChatEventStream(ScriptedChunks(results: ChatAnswerReplay.chunks(of: Array(body.utf8), includeUsage: true).map { .success($0) }))
            }
        )
        let embedder = ClosureProvider(
            complete: { _, _ in throw UpstreamFailure(kind: .clientError, message: "embeddings only", status: 400) },
            stream: { _, _ in throw UpstreamFailure(kind: .clientError, message: "embeddings only", status: 400) },
            embed: { request, _ in
                embedCalls.withLock { $0 += 1 }
                if embeddingLatency > .zero { try await clock.sleep(until: clock.now.advanced(by: embeddingLatency), tolerance: nil) }
                if embeddingFails { throw UpstreamFailure(kind: .serverError, message: "embedder down", status: 500) }
                let text = request.fields["input"]?.stringValue ?? ""
                let vector = vectors[text] ?? [0, 0, 1]
                let numbers = vector.map { String($0) }.joined(separator: ",")
                return EmbeddingsAnswer(body: ByteBuffer(string: #"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[\#(numbers)]}]}"#))
            }
        )
        table = RoutingTable(routes: [
            Route(configuration: ProviderConfiguration(name: "p", kind: .openai, priority: 1, model: "m-up", canonicalModel: "m"), provider: chat),
            Route(configuration: ProviderConfiguration(name: "embedder", kind: .openai, routeKind: .embeddings, priority: 1, model: "e-up", canonicalModel: "e"), provider: embedder),
        ])
        cache = ResponseCache(settings: settings)
        let recorded = self.recorded
        router = RequestRouter(
            state: ProviderState(routes: table.specs, clock: clock), clock: clock,
            recorder: ClosureRecorder { record in recorded.withLock { $0.append(record) } }, cache: cache
        )
    }

    static func chat(_ content: String, extra: String = #","temperature":0"#, earlier: String = "") -> ChatRequest {
        let json = #"{"model":"m","messages":[\#(earlier){"role":"user","content":"\#(content)"}]\#(extra)}"#
        do { return try ChatRequest(json: Array(json.utf8)) } catch { fatalError("test request must parse: \(json)") }
    }

    func info(key: String? = nil, endpoint: String = "chat", directives: CacheDirectives = CacheDirectives()) -> RequestInfo {
        RequestInfo(requestID: "t", keyName: key, logger: Logger(label: "test"), endpoint: endpoint, cache: directives)
    }

    func complete(_ request: ChatRequest = CacheHarness.chat("hi"), info: RequestInfo? = nil) async throws -> RoutedAnswer<ChatCompletion> {
        let outcome = try await router.route(CompleteChat(request), model: "m", table: table, deadline: clock.now.advanced(by: .seconds(60)), info: info ?? self.info())
        guard case .answered(let answer) = outcome else { throw HarnessFailure(description: "no answer: \(outcome)") }
        return answer
    }

    func stream(_ request: ChatRequest = CacheHarness.chat("hi"), info: RequestInfo? = nil) async throws -> RoutedAnswer<PrimedStream> {
        let outcome = try await router.route(StreamChat(request), model: "m", table: table, deadline: clock.now.advanced(by: .seconds(60)), info: info ?? self.info())
        guard case .answered(let answer) = outcome else { throw HarnessFailure(description: "no answer: \(outcome)") }
        return answer
    }

    /// Waits (yielding, never sleeping) until the cache holds `entries` entries: stores run in
    /// their own task.
    func settle(entries: Int) async {
        for _ in 0..<10_000 {
            if await cache.occupancy().entries >= entries { return }
            await Task.yield()
        }
    }

    struct HarnessFailure: Error, CustomStringConvertible {
        var description: String
    }
}

extension RoutedAnswer where Output == ChatCompletion {
    var text: String { String(buffer: output.body) }
}

extension PrimedStream {
    /// Every chunk, the first included, as text.
    func drain() async throws -> [String] {
        var chunks = [String(buffer: first)]
        while let chunk = try await next() { chunks.append(String(buffer: chunk)) }
        return chunks
    }
}
