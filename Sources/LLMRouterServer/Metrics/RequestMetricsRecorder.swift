import LLMRouterCore
public import Metrics
import Synchronization

/// Turns each finished request's record into Prometheus metrics: tokens by provider and model,
/// time to first token and upstream latency by provider, and the router's own overhead.
///
/// | metric | type | labels |
/// |---|---|---|
/// | `llmrouter_prompt_tokens_total` | counter | provider, model |
/// | `llmrouter_completion_tokens_total` | counter | provider, model |
/// | `llmrouter_time_to_first_token_seconds` | histogram | provider |
/// | `llmrouter_upstream_latency_seconds` | histogram | provider |
/// | `llmrouter_router_overhead_seconds` | histogram | — |
///
/// `model` is the route's upstream model id (configured, so bounded), never the client's text.
public final class RequestMetricsRecorder: RequestRecorder {
    public static let promptTokens = "llmrouter_prompt_tokens_total"
    public static let completionTokens = "llmrouter_completion_tokens_total"
    public static let timeToFirstToken = "llmrouter_time_to_first_token_seconds"
    public static let upstreamLatency = "llmrouter_upstream_latency_seconds"
    public static let routerOverhead = "llmrouter_router_overhead_seconds"

    /// Histogram buckets per metric, for ``MetricsBootstrap/factory(registry:)``.
    public static let histogramBuckets: [String: [Duration]] = [
        routerOverhead: [
            .microseconds(25), .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500),
            .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100),
        ],
        timeToFirstToken: upstreamBuckets,
        upstreamLatency: upstreamBuckets,
    ]

    private static let upstreamBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60), .seconds(120),
    ]

    private struct RouteKey: Hashable {
        var provider: String
        var model: String
    }

    private struct RouteMetrics {
        var prompt: Counter
        var completion: Counter
        var firstToken: Timer
        var upstream: Timer
    }

    private let factory: any MetricsFactory
    private let overhead: Timer
    /// Handles per route, so a request costs dictionary look-ups rather than registry ones.
    private let routes = Mutex<[RouteKey: RouteMetrics]>([:])

    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        self.overhead = Timer(label: Self.routerOverhead, dimensions: [], factory: factory)
    }

    public func record(_ record: RequestRecord) {
        if let upstream = record.upstreamLatency {
            overhead.recordNanoseconds(max(0, (record.latency - upstream).nanoseconds))
        }
        guard let provider = record.provider else { return }
        let metrics = handles(for: RouteKey(provider: provider, model: record.upstreamModel ?? "unknown"))
        if let prompt = record.promptTokens, prompt > 0 { metrics.prompt.increment(by: prompt) }
        if let completion = record.completionTokens, completion > 0 { metrics.completion.increment(by: completion) }
        if let firstToken = record.timeToFirstToken { metrics.firstToken.recordNanoseconds(firstToken.nanoseconds) }
        if let upstream = record.upstreamLatency { metrics.upstream.recordNanoseconds(upstream.nanoseconds) }
    }

    private func handles(for key: RouteKey) -> RouteMetrics {
        routes.withLock { routes in
            if let known = routes[key] { return known }
            let labels = [("provider", key.provider), ("model", key.model)]
            let made = RouteMetrics(
                prompt: Counter(label: Self.promptTokens, dimensions: labels, factory: factory),
                completion: Counter(label: Self.completionTokens, dimensions: labels, factory: factory),
                firstToken: Timer(label: Self.timeToFirstToken, dimensions: [("provider", key.provider)], factory: factory),
                upstream: Timer(label: Self.upstreamLatency, dimensions: [("provider", key.provider)], factory: factory)
            )
            routes[key] = made
            return made
        }
    }
}
