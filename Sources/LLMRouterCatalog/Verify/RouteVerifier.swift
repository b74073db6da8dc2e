#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCore
import LLMRouterProviders
import Synchronization

/// `catalog-build --verify`: one tiny call per route of a freshly built index.
///
/// A chat route gets a chat call asking for one output token; an embedding route an
/// `/embeddings` call for one short input. A route answering 401, 403, 404 or 410, or turning out
/// to be paid (HTTP 402, or a non-zero `usage.cost`), is quarantined with the reason and time;
/// every answered call records its latency and rate-limit headers, and the limits those headers
/// announce (read by the vendor's dialect, as the router reads them) replace the documented ones.
/// Transient failures (429 twice, 5xx, timeouts) leave the route as it was.
///
/// Polite by construction: providers run concurrently up to ``Configuration/concurrency``, but
/// the routes of one provider run one after another, spaced by the provider's known requests per
/// minute, and a 429 waits for its `Retry-After` (capped) before the one retry.
public struct RouteVerifier: Sendable {
    public struct Configuration: Sendable {
        /// Providers verified at once. Defaults to 4.
        public var concurrency: Int
        /// Limit per call. Defaults to 20 seconds.
        public var timeout: Duration
        /// Longest `Retry-After` honoured before the retry. Defaults to 30 seconds.
        public var maximumRetryAfter: Duration
        /// Spacing when a provider announces no per-minute limit. Defaults to 1 second.
        public var defaultSpacing: Duration

        public init(concurrency: Int = 4, timeout: Duration = .seconds(20), maximumRetryAfter: Duration = .seconds(30), defaultSpacing: Duration = .seconds(1)) {
            self.concurrency = max(1, concurrency)
            self.timeout = timeout
            self.maximumRetryAfter = maximumRetryAfter
            self.defaultSpacing = defaultSpacing
        }
    }

    /// What one route's call showed.
    public struct Outcome: Sendable, Equatable {
        public var canonical: String
        public var provider: String
        /// `ok`, `quarantined: <reason>` or `unchanged: <reason>`.
        public var summary: String
    }

    public var configuration: Configuration
    private let fetcher: any HTTPFetcher
    private let sleep: @Sendable (Duration) async throws -> Void
    private let timestamp: @Sendable () -> String
    private let progress: @Sendable (String) -> Void

    /// - Parameters:
    ///   - sleep: waits between calls; tests pass one that records and returns.
    ///   - timestamp: ISO 8601 `now`, for `at`.
    ///   - progress: one line per call (the command prints them on stderr).
    public init(
        fetcher: any HTTPFetcher,
        configuration: Configuration = .init(),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        timestamp: @escaping @Sendable () -> String,
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.fetcher = fetcher
        self.configuration = configuration
        self.sleep = sleep
        self.timestamp = timestamp
        self.progress = progress
    }

    struct Route: Sendable {
        var canonical: String
        var provider: ProviderKind
        var mapping: ModelIndex.ProviderMapping
        var kind: RouteKind = .chat
    }

    /// Verifies every route of `index` whose provider has an endpoint; returns the updated index.
    public func verify(_ index: ModelIndex, endpoints: [ProviderKind: ProviderEndpoint]) async -> (index: ModelIndex, outcomes: [Outcome]) {
        var byProvider: [ProviderKind: [Route]] = [:]
        for entry in index.models {
            for (name, mapping) in entry.providers.sorted(by: { $0.key < $1.key }) {
                guard let kind = ProviderKind(rawValue: name), endpoints[kind] != nil, mapping.isAllowed else { continue }
                byProvider[kind, default: []].append(Route(canonical: entry.canonical, provider: kind, mapping: mapping, kind: entry.kind))
            }
        }
        let total = byProvider.values.map(\.count).reduce(0, +)
        let counter = ProgressCounter(total: total, report: progress)
        var results: [(Route, ModelIndex.ProviderMapping, Outcome)] = []
        let providers = byProvider.keys.sorted { $0.rawValue < $1.rawValue }
        await withTaskGroup(of: [(Route, ModelIndex.ProviderMapping, Outcome)].self) { group in
            var next = 0
            func start() {
                guard next < providers.count else { return }
                let provider = providers[next]
                next += 1
                let routes = byProvider[provider] ?? []
                guard let endpoint = endpoints[provider] else { return }
                group.addTask { await verifyProvider(routes, endpoint: endpoint, counter: counter) }
            }
            for _ in 0..<configuration.concurrency { start() }
            for await finished in group {
                results += finished
                start()
            }
        }
        var updated = index
        for (route, mapping, _) in results {
            guard let position = updated.models.firstIndex(where: { $0.canonical == route.canonical }) else { continue }
            updated.models[position].providers[route.provider.rawValue] = mapping
        }
        let outcomes = results.map(\.2).sorted { ($0.canonical, $0.provider) < ($1.canonical, $1.provider) }
        return (updated, outcomes)
    }

    private func verifyProvider(_ routes: [Route], endpoint: ProviderEndpoint, counter: ProgressCounter) async -> [(Route, ModelIndex.ProviderMapping, Outcome)] {
        var results: [(Route, ModelIndex.ProviderMapping, Outcome)] = []
        for (position, route) in routes.enumerated() {
            if position > 0 { try? await sleep(spacing(route.mapping.limits)) }
            let (mapping, summary) = await verifyRoute(route, endpoint: endpoint)
            let outcome = Outcome(canonical: route.canonical, provider: route.provider.rawValue, summary: summary)
            counter.report("\(route.provider.rawValue) \(route.mapping.model): \(summary)")
            results.append((route, mapping, outcome))
        }
        return results
    }

    /// 60 s / rpm, or the default when the rate is unknown.
    func spacing(_ limits: RateLimitConfiguration?) -> Duration {
        guard let rpm = limits?.requestsPerMinute, rpm > 0 else { return configuration.defaultSpacing }
        return .milliseconds(60_000 / rpm)
    }

    private func verifyRoute(_ route: Route, endpoint: ProviderEndpoint) async -> (ModelIndex.ProviderMapping, String) {
        var mapping = route.mapping
        let base = mapping.baseURL.map { url in url.hasSuffix("/") ? String(url.dropLast()) : url } ?? endpoint.baseURL
        var headers = [
            (name: "Authorization", value: "Bearer \(endpoint.apiKey)"),
            (name: "Content-Type", value: "application/json"),
            (name: "User-Agent", value: "llmrouter-catalog"),
        ]
        headers += mapping.extraHeaders.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
        let isEmbedding = route.kind == .embeddings
        let body = isEmbedding ? Self.embeddingsBody(model: mapping.model, provider: route.provider) : Self.requestBody(model: mapping.model)
        let path = isEmbedding ? "/embeddings" : "/chat/completions"
        var attempt = 0
        while true {
            attempt += 1
            let started = ContinuousClock.now
            let response: FetchedResponse
            do {
                response = try await fetcher.post(base + path, headers: headers, body: body, timeout: configuration.timeout)
            } catch {
                return (mapping, "unchanged: \(error.kind == .timeout ? "no answer in time" : "request failed")")
            }
            let elapsed = ContinuousClock.now - started
            let at = timestamp()
            let (seen, announced) = AnnouncedLimits.read(response.headers, provider: route.provider)
            if let announced {
                var limits = announced.filling(from: mapping.limits)
                if let known = mapping.limits {
                    limits.scope = known.scope
                    limits.dailyReset = known.dailyReset
                }
                mapping.limits = limits
            }
            if response.status == 429, attempt == 1, let wait = retryAfter(response) {
                try? await sleep(wait)
                continue
            }
            mapping.verification = ModelIndex.Verification(at: at, latencyMilliseconds: Self.milliseconds(elapsed), rateLimitHeaders: seen)
            if let reason = Self.quarantineReason(status: response.status, body: response.body) {
                mapping.quarantine = ModelIndex.Quarantine(reason: reason, at: at)
                return (mapping, "quarantined: \(reason)")
            }
            guard (200..<300).contains(response.status) else { return (mapping, "unchanged: HTTP \(response.status)") }
            mapping.quarantine = nil
            return (mapping, "ok in \(Self.milliseconds(elapsed)) ms")
        }
    }

    /// The 429's `Retry-After` (seconds or an HTTP date, read by the router's own
    /// ``RateLimitValues/parseRetryAfter(_:now:)``), one second when it sent none it could read;
    /// `nil` when longer than ``Configuration/maximumRetryAfter``.
    private func retryAfter(_ response: FetchedResponse) -> Duration? {
        let wait = response.retryAfter.flatMap { RateLimitValues.parseRetryAfter($0, now: Date()) } ?? .seconds(1)
        return wait <= configuration.maximumRetryAfter ? wait : nil
    }

    /// Why an answer takes the route out of service, or `nil`.
    static func quarantineReason(status: Int, body: Data) -> String? {
        switch status {
        case 401, 403, 404, 410: return "HTTP \(status) on the test call"
        case 402: return "paid: HTTP 402 on the test call"
        case 200..<300:
            // OpenRouter reports what a call cost; a free route costs nothing.
            guard let usage = (try? JSONValue(parsing: body))?.objectValue?["usage"]?.objectValue,
                let cost = ListingParser.price(usage["cost"]), cost > 0
            else { return nil }
            return "paid: the test call cost \(cost)"
        default: return nil
        }
    }

    static func requestBody(model: String) -> Data {
        let escaped = String(decoding: (try? JSONEncoder().encode(model)) ?? Data("\"\"".utf8), as: UTF8.self)
        return Data(#"{"model":\#(escaped),"messages":[{"role":"user","content":"Say OK."}],"max_tokens":1,"stream":false}"#.utf8)
    }

    /// One short input, plus the members the vendor's embeddings calls need
    /// (``VendorDialect/embeddingDefaults``: NVIDIA NIM's retrieval embedders refuse a call
    /// without `input_type`), which the router's adapter adds to client calls; this call bypasses
    /// the adapter.
    static func embeddingsBody(model: String, provider: ProviderKind) -> Data {
        let escaped = String(decoding: (try? JSONEncoder().encode(model)) ?? Data("\"\"".utf8), as: UTF8.self)
        let defaults = VendorDialect.for(provider).embeddingDefaults.map { member in
            String(decoding: JSONValue.encodedBytes(.string(member.key)), as: UTF8.self) + ":"
                + String(decoding: JSONValue.encodedBytes(member.value), as: UTF8.self)
        }
        let extra = defaults.map { "," + $0 }.joined()
        return Data(#"{"model":\#(escaped),"input":"OK"\#(extra)}"#.utf8)
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }
}

/// Numbers the progress lines (`verify 3/40 …`).
final class ProgressCounter: Sendable {
    private let state: Mutex<Int>
    private let total: Int
    private let sink: @Sendable (String) -> Void

    init(total: Int, report: @escaping @Sendable (String) -> Void) {
        self.state = Mutex(0)
        self.total = total
        self.sink = report
    }

    func report(_ line: String) {
        let done = state.withLock { count -> Int in
            count += 1
            return count
        }
        sink("verify \(done)/\(total) \(line)")
    }
}
