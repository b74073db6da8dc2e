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
import Synchronization

/// Writes every ``RequestRecord`` to the usage log, off the request path.
///
/// ``record(_:)`` only appends to the bounded queue of a ``BatchWriter``. The writer, run as a
/// `Service` in the server's `ServiceGroup`, writes what waits in batches: when a batch is full
/// or every ``UsageLogSettings/flushInterval``, on the sink's ``BackgroundWriterThread``, out of
/// the event loops' way (the batch writer tells that thread when it has fallen behind). A
/// stalled disk or an absent database stalls only the writer; once the buffer is full, new
/// records are dropped, counted in `llmrouter_usage_log_dropped_rows_total{reason="buffer_full"}`
/// and reported in a warning (at most one a minute).
///
/// A failed write of a sink with a ``UsageSink/retryDelay`` (PostgreSQL) is tried again until
/// it succeeds, the batch kept in the buffer meanwhile (one warning per outage); other sinks'
/// failed batches are dropped and counted with `reason="write_failed"`, as are the rows a
/// database still refuses once the server is stopping.
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
    private let health = Mutex(Health())

    /// What the writer has told the logs, so an outage is told once and an overflow once a minute.
    private struct Health {
        var sinkAway = false
        /// A write failed while stopping: what is left is dropped without trying.
        var givenUp = false
        /// ``BatchWriter/dropped`` at the last warning.
        var droppedWarned = 0
        var lastOverflowWarning: ContinuousClock.Instant?
    }

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
        await withDiscardingTaskGroup { group in
            group.addTask { await self.sink.run() }
            var lastPrune: ContinuousClock.Instant?
            await batches.run(write: write) {
                reportOverflow()
                // Retention: at start, then at most every prune interval.
                if let lastPrune, ContinuousClock.now - lastPrune < settings.pruneInterval { return }
                await prune()
                lastPrune = .now
            }
            // After the final flush: a database client's connections may go now.
            group.cancelAll()
        }
        reportOverflow()
        logger.debug("usage log flushed", metadata: ["llmrouter.db": "\(sink.destination)"])
    }

    /// Writes everything buffered, oldest first, a batch at a time.
    public func flush() async {
        await batches.flush(write: write)
    }

    private func write(_ batch: [RequestRecord]) async {
        if health.withLock({ $0.givenUp }) {
            droppedFailed.increment(by: batch.count)
            return
        }
        while true {
            do {
                try await sink.insert(batch)
                let wasAway = health.withLock { health in
                    defer { health.sinkAway = false }
                    return health.sinkAway
                }
                if wasAway { logger.notice("usage log written again", metadata: ["llmrouter.db": "\(sink.destination)"]) }
                return
            } catch {
                let stopping = Task.isShuttingDownGracefully || Task.isCancelled
                guard let delay = sink.retryDelay, !stopping else {
                    if sink.retryDelay != nil { health.withLock { $0.givenUp = true } }
                    droppedFailed.increment(by: batch.count)
                    logger.warning(
                        stopping ? "usage log write failed while stopping: the rows still buffered are dropped" : "usage log write failed",
                        metadata: ["llmrouter.db": "\(sink.destination)", "llmrouter.rows": "\(batch.count)", "llmrouter.error": "\(error)"]
                    )
                    return
                }
                let wasAway = health.withLock { health in
                    defer { health.sinkAway = true }
                    return health.sinkAway
                }
                if !wasAway {
                    logger.warning(
                        "usage log unavailable: rows wait in the buffer until it is back",
                        metadata: ["llmrouter.db": "\(sink.destination)", "llmrouter.error": "\(error)"]
                    )
                }
                reportOverflow()
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
            }
        }
    }

    /// Warns when records were dropped for a full buffer since the last look: at most once
    /// per ``overflowWarningInterval``, with how many went since the last warning (the metric
    /// counts every one).
    private func reportOverflow() {
        let dropped = batches.dropped
        let now = ContinuousClock.now
        let newly = health.withLock { health -> Int? in
            guard dropped > health.droppedWarned else { return nil }
            if let last = health.lastOverflowWarning, now - last < Self.overflowWarningInterval { return nil }
            defer {
                health.droppedWarned = dropped
                health.lastOverflowWarning = now
            }
            return dropped - health.droppedWarned
        }
        guard let newly else { return }
        logger.warning(
            "usage log buffer full: new rows are dropped",
            metadata: [
                "llmrouter.db": "\(sink.destination)", "llmrouter.buffer": "\(settings.bufferCapacity)",
                "llmrouter.dropped": "\(newly)", "llmrouter.dropped_total": "\(dropped)",
            ]
        )
    }

    /// The least time between two warnings of a full buffer.
    static let overflowWarningInterval: Duration = .seconds(60)

    private func prune() async {
        let cutoff = Date().addingTimeInterval(-settings.retentionDays * 86_400)
        do {
            let deleted = try await sink.deleteRows(before: cutoff)
            if deleted > 0 {
                logger.info("usage log pruned", metadata: ["llmrouter.rows": "\(deleted)", "llmrouter.retention_days": "\(settings.retentionDays)"])
            }
        } catch {
            logger.warning("usage log prune failed", metadata: ["llmrouter.db": "\(sink.destination)", "llmrouter.error": "\(error)"])
        }
    }
}
