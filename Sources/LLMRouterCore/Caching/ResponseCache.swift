public import Metrics

/// The response cache: settings, a backend, the flights of identical requests in the air,
/// and the semantic index when that layer is on. The router consults it before routing and
/// hands it each answer; it does no I/O of its own beyond its backend.
public final class ResponseCache: Sendable {
    public let settings: ResponseCacheSettings
    public let backend: any ResponseCacheBackend
    let flights = SingleFlight()
    let semanticIndex: SemanticIndexStore?
    let counters: CacheCounters

    /// The semantic index scan's duration, a histogram whose buckets the metrics factory sets.
    public static let semanticLookupMetric = "llmrouter_cache_semantic_lookup_seconds"

    public init(settings: ResponseCacheSettings, backend: (any ResponseCacheBackend)? = nil, metrics: any MetricsFactory = MetricsSystem.factory) {
        self.settings = settings
        self.backend = backend ?? MemoryCacheBackend(maxBytes: settings.maxBytes)
        self.semanticIndex = settings.semantic.map { SemanticIndexStore(maxEntries: $0.maxEntries) }
        self.counters = CacheCounters(factory: metrics)
    }

    /// What the cache says before routing.
    enum Consultation: Sendable {
        /// A miss: this request calls, and lands the flight with what it gets.
        case lead(CacheKey, Flight)
        /// The same request is being answered: wait for it.
        case follow(CacheKey, Flight)
        /// A miss that is not stored (`no-store`): call, keep nothing.
        case missUnstored
    }

    /// The fresh entry for `key`, unless the request said `no-cache`.
    func lookup(_ key: CacheKey, directives: CacheDirectives, now: Int64) async -> CachedAnswer? {
        guard !directives.noCache, let entry = await backend.entry(for: key, now: now) else { return nil }
        return Self.isFresh(entry, directives: directives, now: now) ? entry : nil
    }

    /// After a miss: lead the call for `key`, or follow the one in the air.
    func join(_ key: CacheKey, directives: CacheDirectives) -> Consultation {
        if directives.noStore { return .missUnstored }
        switch flights.join(key) {
        case .leader(let flight): return .lead(key, flight)
        case .follower(let flight): return .follow(key, flight)
        }
    }

    static func isFresh(_ entry: CachedAnswer, directives: CacheDirectives, now: Int64) -> Bool {
        guard let maxAge = directives.maxAge else { return true }
        return now - entry.storedAt <= maxAge.wholeMilliseconds
    }

    /// Keeps the leader's answer (when `body` is given) and wakes its followers with it.
    /// `usage` is what the body's own `usage` said (the truth; the report may hold estimates).
    func land(_ key: CacheKey, _ flight: Flight, body: [UInt8]?, usage: AnswerUsage, answer: StoredAnswerFacts, now: Int64) async -> CachedAnswer? {
        guard let body else {
            flights.land(key, flight, with: nil)
            return nil
        }
        let entry = CachedAnswer(
            body: body, provider: answer.provider, upstreamModel: answer.upstreamModel,
            storedAt: now, expiresAt: now + settings.ttl.wholeMilliseconds,
            promptTokens: usage.promptTokens ?? answer.promptTokens,
            completionTokens: usage.completionTokens ?? answer.completionTokens
        )
        // Followers get the answer at once; the backend may take its time.
        flights.land(key, flight, with: SharedAnswer(entry: entry))
        let evicted = await backend.store(entry, for: key)
        counters.stored(evicted: evicted)
        await counters.gauge(await backend.occupancy())
        return entry
    }

    /// Forgets every entry and semantic vector. Returns how many entries there were.
    @discardableResult
    public func clear() async -> Int {
        let removed = await backend.removeAll()
        semanticIndex?.removeAll()
        await counters.gauge(await backend.occupancy())
        return removed
    }

    public func occupancy() async -> CacheOccupancy {
        await backend.occupancy()
    }
}

/// What an entry keeps of the answer besides its body.
struct StoredAnswerFacts: Sendable {
    var provider: String
    var upstreamModel: String?
    var promptTokens: Int?
    var completionTokens: Int?
}

/// How a request met the cache, for `X-LLMRouter-Cache` and the record.
public enum CacheVerdict: Sendable, Equatable {
    /// Answered from an exact entry stored `age` ago.
    case hit(age: Duration)
    /// Answered from the entry of a question asked in other words.
    case semanticHit(age: Duration, similarity: Double)
    /// Not in the cache: an upstream answered.
    case miss
    /// The cache was not consulted: the request is not deterministic, or said not to.
    case bypass

    /// The header's value: `hit`, `semantic-hit; similarity=0.981`, `miss` or `bypass`.
    public var headerValue: String {
        switch self {
        case .hit: "hit"
        case .semanticHit(_, let similarity): "semantic-hit; similarity=\(Self.threeDecimals(similarity))"
        case .miss: "miss"
        case .bypass: "bypass"
        }
    }

    /// The `Age` of a hit, in whole seconds.
    public var age: Duration? {
        switch self {
        case .hit(let age), .semanticHit(let age, _): age
        case .miss, .bypass: nil
        }
    }

    /// The usage log's word for it.
    public var recordValue: String {
        switch self {
        case .hit: "hit"
        case .semanticHit: "semantic"
        case .miss: "miss"
        case .bypass: "bypass"
        }
    }

    static func threeDecimals(_ value: Double) -> String {
        let thousandths = Int((value * 1000).rounded())
        let fraction = String(abs(thousandths) % 1000)
        return "\(thousandths / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
