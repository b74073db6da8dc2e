import Foundation
import LLMRouterCore
import LLMRouterShared
import Logging
import Metrics
import NIOCore
import LLMRouterTesting

/// One router instance as the server wires it, inside the test process: its own provider
/// state, request router and shared-state service. Two of them on one database are two
/// llmrouter processes behind a load balancer.
///
/// Routes `primary` (tried first) and `backup` serve the model `m`; a route named in
/// `refusing` answers 429 with that `Retry-After`; one in `emptying` answers with headers saying
/// its bucket (of 30) is now empty for 20 s, one in `reporting` that this many are left (one
/// fewer at each call); one in `failing` answers 500 (its breaker opens after 3);
/// the others just answer. `primaryLimits` configures `primary`'s quota; `wall` is the wall time
/// at the instance's start (its quota windows).
final class RouterInstance: Sendable {
    let state: ProviderState<ContinuousClock>
    let router: RequestRouter<ProviderState<ContinuousClock>, ContinuousClock>
    let table: RoutingTable
    let shared: SharedStateService
    private let calls = Locked<[String: Int]>([:])

    init(
        url: DatabaseURL,
        instance: String,
        refusing: [String: Duration] = [:],
        emptying: Set<String> = [],
        reporting: [String: Int] = [:],
        failing: Set<String> = [],
        primaryLimits: RateLimitConfiguration? = nil,
        wall: Date = Date(),
        syncInterval: Duration = .seconds(60),
        operationTimeout: Duration = .seconds(2),
        rejoinInterval: Duration = .seconds(5),
        logger: Logger = Logger(label: "test"),
        metrics: any MetricsFactory = MetricsSystem.factory
    ) {
        var routes: [Route] = []
        for (name, priority) in [("primary", 1), ("backup", 2)] {
            var configuration = ProviderConfiguration(name: name, kind: .openrouter, priority: priority, model: "m-\(name)", canonicalModel: "m")
            if name == "primary" { configuration.rateLimit = primaryLimits }
            let fails = failing.contains(name)
            let refusal = refusing[name]
            let left = emptying.contains(name) ? 0 : reporting[name]
            let calls = self.calls
            let provider = ClosureProvider(
                complete: { _, _ in
                    let call = calls.withLock { $0[name, default: 0] += 1; return $0[name] ?? 0 }
                    if fails { throw UpstreamFailure(kind: .serverError, message: "upstream broke", status: 500) }
                    if let refusal {
                        throw UpstreamFailure(kind: .rateLimited, message: "slow down", status: 429, retryAfter: refusal)
                    }
                    let headers = left.map {
                        RateLimitSignal(windows: [.init(unit: .requests, period: .minute, limit: 30, remaining: max($0 - call + 1, 0), resetIn: .seconds(20))])
                    }
                    return ChatCompletion(body: ByteBuffer(string: #"{"answer":"\#(name)"}"#), report: UpstreamReport(rateLimit: headers))
                },
                stream: { _, _ in throw UpstreamFailure(kind: .clientError, message: "not streamed here", status: 400) }
            )
            routes.append(Route(configuration: configuration, provider: provider, defaultAPIKeyVariable: "API_KEY"))
        }
        table = RoutingTable(routes: routes, routing: .init(maxWait: .zero))
        state = ProviderState(routes: table.specs, clock: ContinuousClock(), wallClockAtStart: wall)
        router = RequestRouter(state: state, clock: ContinuousClock(), metrics: metrics)
        shared = SharedStateService(
            settings: .init(
                url: url, instance: instance, syncInterval: syncInterval, retryInterval: .milliseconds(100), rejoinInterval: rejoinInterval, operationTimeout: operationTimeout,
                instanceTimeout: .seconds(5)
            ),
            receiver: state,
            logger: logger,
            metrics: metrics
        )
        state.share(with: shared)
    }

    /// Calls the upstream of `route` received.
    func calls(_ route: String) -> Int { calls.withLock { $0[route] ?? 0 } }

    /// Routes one chat request; returns the route that answered, `nil` when none did.
    func send() async throws -> String? {
        let request = try ChatRequest(json: Array(#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#.utf8))
        let outcome = try await router.route(
            CompleteChat(request), model: "m", table: table, deadline: .now + .seconds(30),
            info: RequestInfo(requestID: "test", logger: Logger(label: "test"))
        )
        if case .answered(let answer) = outcome { return answer.provider }
        return nil
    }

    /// `route` as `POST /admin/explain` shows it now: its status and skip reason.
    func explain(_ route: String) async throws -> RoutingExplanation.RouteLine? {
        let request = try ChatRequest(json: Array(#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#.utf8))
        let explanation = await router.explain(CompleteChat(request), model: "m", table: table, info: RequestInfo(requestID: "explain", logger: Logger(label: "test")))
        return explanation.routes.first { $0.name == route }
    }

    /// Runs the shared-state service for the length of `body`.
    func running<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let service = Task { await shared.run() }
        defer { service.cancel() }
        return try await body()
    }

    /// Waits (≤ `limit`) until the service listens for other instances.
    func waitUntilListening(limit: Duration = .seconds(10)) async throws {
        try await waitFor("\(shared.settings.instance) listening", limit: limit) { shared.health.isListening }
    }
}

struct TimedOutWaiting: Error, CustomStringConvertible {
    var description: String
}

/// Polls `condition` every 2 ms for up to `limit`.
func waitFor(_ what: String, limit: Duration = .seconds(10), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while !condition() {
        guard ContinuousClock.now < deadline else { throw TimedOutWaiting(description: "timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(2))
    }
}
