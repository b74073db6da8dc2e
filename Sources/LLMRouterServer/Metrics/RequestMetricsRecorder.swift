import LLMRouterCore
public import Metrics
import Synchronization

/// Turns each finished request's record into Prometheus metrics: tokens by provider and model,
/// time to first token and upstream latency by provider, and the router's own overhead, each
/// also by the API called, since a chat answer, an embedding and a Responses call differ in
/// tokens and time.
///
/// | metric | type | labels |
/// |---|---|---|
/// | `llmrouter_prompt_tokens_total` | counter | provider, model, endpoint |
/// | `llmrouter_completion_tokens_total` | counter | provider, model, endpoint |
/// | `llmrouter_time_to_first_token_seconds` | histogram | provider, endpoint |
/// | `llmrouter_upstream_latency_seconds` | histogram | provider, endpoint |
/// | `llmrouter_router_overhead_seconds` | histogram | endpoint |
///
/// `model` is the route's upstream model id (configured, so bounded), never the client's text;
/// `endpoint` is one of ``EndpointLabel/known`` or `other`.
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
        // A scan of the semantic index takes microseconds to milliseconds (entries × dimensions):
        // the default buckets start at 5 ms and would put every lookup in the first.
        ResponseCache.semanticLookupMetric: [
            .microseconds(5), .microseconds(10), .microseconds(25), .microseconds(50), .microseconds(100),
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50),
        ],
    ]

    private static let upstreamBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60), .seconds(120),
    ]

    private struct RouteKey: Hashable {
        var provider: String
        var model: String
        var endpoint: String
    }

    private struct RouteMetrics {
        var prompt: Counter
        var completion: Counter
        var firstToken: Timer
        var upstream: Timer
    }

    private let factory: any MetricsFactory
    /// The overhead histogram per endpoint label, made up front: the labels are a closed set.
    private let overhead: [String: Timer]
    /// Handles per route and endpoint, so a request costs dictionary look-ups rather than
    /// registry ones.
    private let routes = Mutex<[RouteKey: RouteMetrics]>([:])

    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        var overhead: [String: Timer] = [:]
        for endpoint in EndpointLabel.known + [EndpointLabel.other] {
            overhead[endpoint] = Timer(label: Self.routerOverhead, dimensions: [("endpoint", endpoint)], factory: factory)
        }
        self.overhead = overhead
    }

    public func record(_ record: RequestRecord) {
        let endpoint = EndpointLabel.bounded(record.endpoint)
        if let upstream = record.upstreamLatency {
            overhead[endpoint]?.recordNanoseconds(max(0, (record.latency - upstream).nanoseconds))
        }
        guard let provider = record.provider else { return }
        let metrics = handles(for: RouteKey(provider: provider, model: record.upstreamModel ?? "unknown", endpoint: endpoint))
        if let prompt = record.promptTokens, prompt > 0 { metrics.prompt.increment(by: prompt) }
        if let completion = record.completionTokens, completion > 0 { metrics.completion.increment(by: completion) }
        if let firstToken = record.timeToFirstToken { metrics.firstToken.recordNanoseconds(firstToken.nanoseconds) }
        if let upstream = record.upstreamLatency { metrics.upstream.recordNanoseconds(upstream.nanoseconds) }
    }

    private func handles(for key: RouteKey) -> RouteMetrics {
        routes.withLock { routes in
            if let known = routes[key] { return known }
            let tokenLabels = [("provider", key.provider), ("model", key.model), ("endpoint", key.endpoint)]
            let timeLabels = [("provider", key.provider), ("endpoint", key.endpoint)]
            let made = RouteMetrics(
                prompt: Counter(label: Self.promptTokens, dimensions: tokenLabels, factory: factory),
                completion: Counter(label: Self.completionTokens, dimensions: tokenLabels, factory: factory),
                firstToken: Timer(label: Self.timeToFirstToken, dimensions: timeLabels, factory: factory),
                upstream: Timer(label: Self.upstreamLatency, dimensions: timeLabels, factory: factory)
            )
            routes[key] = made
            return made
        }
    }
}
