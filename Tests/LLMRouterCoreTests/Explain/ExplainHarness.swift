import Foundation
import LLMRouterCore
import LLMRouterTesting
import Logging
import NIOCore

/// Routes serving `m` over providers that answer with their name, or throw what ``failures``
/// holds for them; every call is counted. The breaker opens after one failure for 30 s. The wall
/// clock starts at 2025-06-15T15:06:40Z (a Sunday).
final class ExplainHarness: Sendable {
    typealias Configure = @Sendable (inout ProviderConfiguration) -> Void

    let clock = MockClock()
    let table: RoutingTable
    let state: ProviderState<MockClock>
    let router: RequestRouter<ProviderState<MockClock>, MockClock>
    let calls = Locked<[String]>([])
    let failures = Locked<[String: UpstreamFailure]>([:])

    /// - Parameter routes: name, priority and tweaks; a route named in `disabled` has no provider.
    init(
        _ routes: [(name: String, priority: Int, configure: Configure)],
        disabled: Set<String> = [],
        routing: RoutingConfiguration = .init(maxWait: .zero),
        cache: ResponseCache? = nil,
        stickySessions: Int = 10_000
    ) {
        let calls = self.calls
        let failures = self.failures
        var built: [Route] = []
        for route in routes {
            var configuration = ProviderConfiguration(
                name: route.name, kind: .groq, priority: route.priority, model: "up-\(route.name)", canonicalModel: "m",
                circuitBreaker: BreakerConfiguration(failureThreshold: 1, recoveryTime: .seconds(30))
            )
            route.configure(&configuration)
            let name = route.name
            let provider = ClosureProvider(
                complete: { _, _ in
                    calls.withLock { $0.append(name) }
                    if let failure = failures.withLock({ $0[name] }) { throw failure }
                    return ChatCompletion(body: ByteBuffer(string: #"{"choices":[{"message":{"content":"\#(name)"},"finish_reason":"stop"}]}"#))
                },
                stream: { _, _ in throw UpstreamFailure(kind: .badResponse, message: "not streamed here") }
            )
            built.append(Route(configuration: configuration, provider: disabled.contains(name) ? nil : provider, disabledReason: "missing GROQ_API_KEY"))
        }
        table = RoutingTable(routes: built, routing: routing)
        state = ProviderState(routes: table.specs, clock: clock, wallClockAtStart: Date(timeIntervalSince1970: 1_750_000_000), jitter: { 0 })
        router = RequestRouter(
            state: state, clock: clock, cache: cache, wallStart: Date(timeIntervalSince1970: 1_750_000_000), stickySessions: stickySessions
        )
    }

    static func request(_ body: String = #"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#) -> ChatRequest {
        do { return try ChatRequest(json: Array(body.utf8)) } catch { fatalError("test request must parse") }
    }

    static func info(key: String? = nil, session: String? = nil, allowed: [String]? = nil) -> RequestInfo {
        var info = RequestInfo(requestID: "t", keyName: key, logger: Logger(label: "t"))
        info.sessionID = session
        info.allowedModels = allowed
        return info
    }

    func send(_ request: ChatRequest = ExplainHarness.request(), model: String? = "m", info: RequestInfo = ExplainHarness.info()) async throws -> RoutingOutcome<ChatCompletion> {
        try await router.route(CompleteChat(request), model: model, table: table, deadline: clock.now.advanced(by: .seconds(60)), info: info)
    }

    func explain(_ request: ChatRequest = ExplainHarness.request(), model: String? = "m", info: RequestInfo = ExplainHarness.info()) async -> RoutingExplanation {
        await router.explain(CompleteChat(request), model: model, table: table, info: info)
    }

    func fail(_ route: String, with failure: UpstreamFailure?) {
        failures.withLock { $0[route] = failure }
    }

    static let serverError = UpstreamFailure(kind: .serverError, message: "down", status: 500)
    static func rateLimited(_ wait: Duration) -> UpstreamFailure {
        UpstreamFailure(kind: .rateLimited, message: "slow down", status: 429, rateLimit: RateLimitSignal(kind: .shortWindow, retryAfter: wait))
    }
}

extension RoutingExplanation {
    func line(_ name: String) -> RouteLine? {
        routes.first { $0.name == name }
    }
}
