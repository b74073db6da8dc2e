import Metrics

/// The `postgres` cache backend's metrics, made once:
/// `llmrouter_cache_database_reads_total{result}` (what a local miss found in the database),
/// `llmrouter_cache_database_writes_total` (entries written),
/// `llmrouter_cache_database_dropped_total{reason}` (entries never written) and the
/// `llmrouter_cache_database_up` gauge (1 answering, 0 away).
final class SharedCacheCounters: Sendable {
    /// What one read of the database came to.
    enum ReadResult: String, CaseIterable, Sendable {
        /// The entry was there: served, and kept in memory.
        case hit
        case miss
        /// No answer within the read timeout: a plain miss.
        case timeout
        /// The database refused or could not be reached: a plain miss.
        case error
        /// Not asked: the database was found away moments ago, or the schema is not ready yet.
        case skipped
    }

    /// Why an entry never reached the database.
    enum DropReason: String, CaseIterable, Sendable {
        /// The queue was full (in entries or bytes): the database is slow or away.
        case queueFull = "queue_full"
        /// Its batch failed (database away, timeout).
        case writeFailed = "write_failed"
        /// Stored before the cache was cleared (refused by the database too).
        case cleared
    }

    static let readsLabel = "llmrouter_cache_database_reads_total"
    static let writesLabel = "llmrouter_cache_database_writes_total"
    static let droppedLabel = "llmrouter_cache_database_dropped_total"
    static let upLabel = "llmrouter_cache_database_up"

    private let reads: [ReadResult: Counter]
    private let drops: [DropReason: Counter]
    private let writes: Counter
    private let up: Gauge

    init(factory: any MetricsFactory) {
        var reads: [ReadResult: Counter] = [:]
        for result in ReadResult.allCases {
            reads[result] = Counter(label: Self.readsLabel, dimensions: [("result", result.rawValue)], factory: factory)
        }
        var drops: [DropReason: Counter] = [:]
        for reason in DropReason.allCases {
            drops[reason] = Counter(label: Self.droppedLabel, dimensions: [("reason", reason.rawValue)], factory: factory)
        }
        self.reads = reads
        self.drops = drops
        writes = Counter(label: Self.writesLabel, factory: factory)
        up = Gauge(label: Self.upLabel, factory: factory)
        up.record(0)
    }

    func read(_ result: ReadResult) {
        reads[result]?.increment()
    }

    func dropped(_ reason: DropReason, count: Int = 1) {
        if count > 0 { drops[reason]?.increment(by: count) }
    }

    func written(_ count: Int) {
        if count > 0 { writes.increment(by: count) }
    }

    func databaseUp(_ isUp: Bool) {
        up.record(isUp ? 1 : 0)
    }
}
