import Metrics
import Synchronization

/// The cache's metrics, made once: `llmrouter_cache_requests_total{result}`,
/// `llmrouter_cache_stores_total`, `llmrouter_cache_not_stored_total{reason}`,
/// `llmrouter_cache_evictions_total`, `llmrouter_cache_coalesced_total`, the
/// `llmrouter_cache_entries` and `llmrouter_cache_bytes` gauges, and
/// `llmrouter_cache_semantic_lookup_seconds`.
final class CacheCounters: Sendable {
    private let factory: any MetricsFactory
    private let results: [String: Counter]
    private let stores: Counter
    private let evictions: Counter
    private let coalesced: Counter
    private let entries: Gauge
    private let bytes: Gauge
    private let semanticLookup: Timer
    private let refusals = Mutex<[String: Counter]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
        var results: [String: Counter] = [:]
        for result in ["hit", "semantic_hit", "miss", "bypass"] {
            results[result] = Counter(label: "llmrouter_cache_requests_total", dimensions: [("result", result)], factory: factory)
        }
        self.results = results
        stores = Counter(label: "llmrouter_cache_stores_total", factory: factory)
        evictions = Counter(label: "llmrouter_cache_evictions_total", factory: factory)
        coalesced = Counter(label: "llmrouter_cache_coalesced_total", factory: factory)
        entries = Gauge(label: "llmrouter_cache_entries", factory: factory)
        bytes = Gauge(label: "llmrouter_cache_bytes", factory: factory)
        semanticLookup = Timer(label: ResponseCache.semanticLookupMetric, factory: factory)
    }

    func count(_ verdict: CacheVerdict) {
        let label = switch verdict {
        case .hit: "hit"
        case .semanticHit: "semantic_hit"
        case .miss: "miss"
        case .bypass: "bypass"
        }
        results[label]?.increment()
    }

    func coalescedRequest() { coalesced.increment() }

    func stored(evicted: Int) {
        stores.increment()
        if evicted > 0 { evictions.increment(by: evicted) }
    }

    func refused(_ reason: String) {
        let counter = refusals.withLock { refusals in
            if let known = refusals[reason] { return known }
            let made = Counter(label: "llmrouter_cache_not_stored_total", dimensions: [("reason", reason)], factory: factory)
            refusals[reason] = made
            return made
        }
        counter.increment()
    }

    func gauge(_ occupancy: CacheOccupancy) async {
        entries.record(occupancy.entries)
        bytes.record(occupancy.bytes)
    }

    func semanticLookupTook(_ duration: Duration) {
        semanticLookup.recordNanoseconds(duration.nanoseconds)
    }
}
