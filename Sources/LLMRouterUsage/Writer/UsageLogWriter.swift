#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterBackgroundWriter
public import LLMRouterCore
public import Logging
public import Metrics
public import ServiceLifecycle

/// Writes every ``RequestRecord`` to the usage log, off the request path.
///
/// ``record(_:)`` only appends to the bounded queue of a ``BatchWriter``. The writer, run as a
/// `Service` in the server's `ServiceGroup`, writes what waits in batches: when a batch is full
/// or every ``UsageLogSettings/flushInterval``, on the sink's ``BackgroundWriterThread``, out of
/// the event loops' way (the batch writer tells that thread when it has fallen behind). A
/// stalled disk stalls only the writer; once the buffer is full, new records are dropped and
/// counted in `llmrouter_usage_log_dropped_rows_total{reason="buffer_full"}` (a failed write
/// counts its rows with `reason="write_failed"`).
///
/// On graceful shutdown it writes everything still buffered before returning. List it before
/// the HTTP server in the group: the group stops services last to first, so the server drains its
/// requests (and records them) before the writer's final flush.
public final class UsageLogWriter: RequestRecorder, Service {
    private let sink: any UsageSink
    private let settings: UsageLogSettings
    private let logger: Logger
    private let batches: BatchWriter<RequestRecord>
    private let droppedFull: Counter
    private let droppedFailed: Counter

    public init(sink: any UsageSink, settings: UsageLogSettings, logger: Logger, metrics: any MetricsFactory = MetricsSystem.factory) {
        self.sink = sink
        self.settings = settings
        self.logger = logger
        batches = BatchWriter(
            capacity: settings.bufferCapacity, batchSize: settings.batchSize, flushInterval: settings.flushInterval, thread: sink.thread
        )
        droppedFull = Counter(label: Self.droppedMetric, dimensions: [("reason", "buffer_full")], factory: metrics)
        droppedFailed = Counter(label: Self.droppedMetric, dimensions: [("reason", "write_failed")], factory: metrics)
    }

    public static let droppedMetric = "llmrouter_usage_log_dropped_rows_total"

    /// Records dropped because the buffer was full, since start.
    public var droppedCount: Int { batches.dropped }

    public func record(_ record: RequestRecord) {
        if !batches.append(record) { droppedFull.increment() }
    }

    public func run() async throws {
        var lastPrune: ContinuousClock.Instant?
        await batches.run(write: write) {
            // Retention: at start, then at most every prune interval.
            if let lastPrune, ContinuousClock.now - lastPrune < settings.pruneInterval { return }
            await prune()
            lastPrune = .now
        }
        logger.debug("usage log flushed", metadata: ["llmrouter.db": "\(settings.path)"])
    }

    /// Writes everything buffered, oldest first, a batch at a time.
    public func flush() async {
        await batches.flush(write: write)
    }

    private func write(_ batch: [RequestRecord]) async {
        do {
            try await sink.insert(batch)
        } catch {
            droppedFailed.increment(by: batch.count)
            logger.warning(
                "usage log write failed",
                metadata: ["llmrouter.db": "\(settings.path)", "llmrouter.rows": "\(batch.count)", "llmrouter.error": "\(error)"]
            )
        }
    }

    private func prune() async {
        let cutoff = Date().addingTimeInterval(-settings.retentionDays * 86_400)
        do {
            let deleted = try await sink.deleteRows(before: cutoff)
            if deleted > 0 {
                logger.info("usage log pruned", metadata: ["llmrouter.rows": "\(deleted)", "llmrouter.retention_days": "\(settings.retentionDays)"])
            }
        } catch {
            logger.warning("usage log prune failed", metadata: ["llmrouter.db": "\(settings.path)", "llmrouter.error": "\(error)"])
        }
    }
}
