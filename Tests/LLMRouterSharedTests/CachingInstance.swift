import Foundation
import LLMRouterCore
@testable import LLMRouterShared
import LLMRouterTesting
import Logging
import Metrics
import NIOCore
import Synchronization

/// One router instance with the response cache on the `postgres` backend, inside the test
/// process: its own request router, ``ResponseCache`` and backend, over an upstream that counts
/// its calls (shared by the instances of a test, as one provider behind them all). Two on one
/// database are two llmrouter processes behind a load balancer.
///
/// The router runs on a ``MockClock`` from `wallStart`, so a test ages entries without sleeping.
final class CachingInstance: Sendable {
    let clock = MockClock()
    let cache: ResponseCache
    let backend: PostgresCacheBackend
    let router: RequestRouter<ProviderState<MockClock>, MockClock>
    let table: RoutingTable

    /// - Parameter upstreamCalls: counts every call the upstream answers, for all instances.
    init(
        url: DatabaseURL, upstreamCalls: Locked<Int>, wallStart: Date = Date(), ttl: Duration = .seconds(60),
        readTimeout: Duration = .seconds(2), retryAfter: Duration = .seconds(1), operationTimeout: Duration = .seconds(2),
        flushInterval: Duration = .milliseconds(20), minimumConnections: Int = 1, logger: Logger = Logger(label: "test"),
        metrics: any MetricsFactory = MetricsSystem.factory
    ) {
        let provider = ClosureProvider(
            complete: { _, _ in
                let call = upstreamCalls.withLock { count -> Int in
                    count += 1
                    return count
                }
                return ChatCompletion(body: ByteBuffer(string: Self.answer(call)))
            },
            stream: { _, _ in throw UpstreamFailure(kind: .clientError, message: "not streamed here", status: 400) }
        )
        table = RoutingTable(routes: [
            Route(configuration: ProviderConfiguration(name: "p", kind: .openai, priority: 1, model: "m-up", canonicalModel: "m"), provider: provider)
        ])
        var settings = PostgresCacheBackend.Settings(url: url, maxBytes: 1 << 20)
        settings.readTimeout = readTimeout
        settings.retryAfter = retryAfter
        settings.operationTimeout = operationTimeout
        settings.flushInterval = flushInterval
        // Each connection costs a SCRAM handshake, dear in a debug build: the timing tests of
        // the other suites running alongside feel a burst of them.
        settings.minimumConnections = minimumConnections
        settings.clearCheckInterval = .milliseconds(50)
        backend = PostgresCacheBackend(settings: settings, logger: logger, metrics: metrics)
        cache = ResponseCache(settings: ResponseCacheSettings(ttl: ttl), backend: backend, metrics: metrics)
        router = RequestRouter(state: ProviderState(routes: table.specs, clock: clock), clock: clock, metrics: metrics, cache: cache, wallStart: wallStart)
    }

    static func answer(_ call: Int) -> String {
        #"{"id":"chatcmpl-\#(call)","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"answer number \#(call)"},"finish_reason":"stop"}],"usage":{"prompt_tokens":2,"completion_tokens":3,"total_tokens":5}}"#
    }

    /// Asks `question` (deterministic: temperature 0); returns the body and the cache's verdict.
    func ask(_ question: String = "What is the capital of France?", key: String? = nil) async throws -> (body: String, verdict: CacheVerdict?) {
        let json = #"{"model":"m","messages":[{"role":"user","content":"\#(question)"}],"temperature":0}"#
        let outcome = try await router.route(
            CompleteChat(try ChatRequest(json: Array(json.utf8))), model: "m", table: table, deadline: clock.now + .seconds(30),
            info: RequestInfo(requestID: "test", keyName: key, logger: Logger(label: "test"))
        )
        guard case .answered(let answer) = outcome else { throw TimedOutWaiting(description: "the request was not answered: \(outcome)") }
        return (String(buffer: answer.output.body), answer.cache)
    }

    /// Asks, then waits until the answer is written to the database (the router stores it on a
    /// task of its own, the writer within its flush interval).
    func askAndShare(_ question: String = "What is the capital of France?") async throws -> (body: String, verdict: CacheVerdict?) {
        let before = backend.enqueuedWrites.load(ordering: .relaxed)
        let result = try await ask(question)
        try await waitFor("the answer written to the database") {
            let enqueued = backend.enqueuedWrites.load(ordering: .relaxed)
            return enqueued > before && backend.finishedWrites.load(ordering: .relaxed) == enqueued
        }
        return result
    }

    /// Runs the backend (its connections and writer) for the length of `body`, then stops it.
    func running<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let service = Task { await backend.run() }
        defer { service.cancel() }
        try await waitFor("the cache schema", limit: .seconds(30)) { backend.isReady }
        return try await body()
    }
}

/// Polls `condition` every 2 ms for up to `limit`.
func waitUntil(_ what: String, limit: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw TimedOutWaiting(description: "timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(2))
    }
}
