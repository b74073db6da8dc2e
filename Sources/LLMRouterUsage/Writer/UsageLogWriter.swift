#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import LLMRouterCore
public import Logging
public import Metrics
public import ServiceLifecycle
import Synchronization

/// Writes every ``RequestRecord`` to the usage log, off the request path.
///
/// ``record(_:)`` only appends to a bounded ``UsageBuffer`` under a lock. The writer, run as a
/// `Service` in the server's `ServiceGroup`, writes what waits in batches: when a batch is full
/// or every ``UsageLogSettings/flushInterval``. A stalled disk stalls only the writer; once the
/// buffer is full, new records are dropped and counted in
/// `llmrouter_usage_log_dropped_rows_total{reason="buffer_full"}` (a failed write counts its rows
/// with `reason="write_failed"`).
///
/// On graceful shutdown it writes everything still buffered before returning. List it before
/// the HTTP server in the group: the group stops services last to first, so the server drains its
/// requests (and records them) before the writer's final flush.
public final class UsageLogWriter: RequestRecorder, Service {
    private let sink: any UsageSink
    private let settings: UsageLogSettings
    private let logger: Logger
    private let buffer: Mutex<UsageBuffer>
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let droppedFull: Counter
    private let droppedFailed: Counter

    public init(sink: any UsageSink, settings: UsageLogSettings, logger: Logger, metrics: any MetricsFactory = MetricsSystem.factory) {
        self.sink = sink
        self.settings = settings
        self.logger = logger
        self.buffer = Mutex(UsageBuffer(capacity: settings.bufferCapacity, batchSize: settings.batchSize))
        (wakeups, wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        droppedFull = Counter(label: Self.droppedMetric, dimensions: [("reason", "buffer_full")], factory: metrics)
        droppedFailed = Counter(label: Self.droppedMetric, dimensions: [("reason", "write_failed")], factory: metrics)
    }

    public static let droppedMetric = "llmrouter_usage_log_dropped_rows_total"

    /// Records dropped because the buffer was full, since start.
    public var droppedCount: Int { buffer.withLock { $0.dropped } }

    public func record(_ record: RequestRecord) {
        switch buffer.withLock({ $0.append(record) }) {
        case .queued: break
        case .batchReady: wake.yield()
        case .dropped: droppedFull.increment()
        }
    }

    public func run() async throws {
        let interval = settings.flushInterval
        await prune()
        var lastPrune = ContinuousClock.now
        await withDiscardingTaskGroup { group in
            // The tick: bounds how long a record waits when traffic is too thin to fill a batch.
            group.addTask { [wake] in
                while (try? await Task.sleep(for: interval)) != nil { wake.yield() }
            }
            await withGracefulShutdownHandler {
                for await _ in wakeups {
                    await flush()
                    if ContinuousClock.now - lastPrune >= settings.pruneInterval {
                        await prune()
                        lastPrune = .now
                    }
                }
            } onGracefulShutdown: { [wake] in
                wake.finish()
            }
            group.cancelAll()
        }
        await flush()
        logger.debug("usage log flushed", metadata: ["llmrouter.db": "\(settings.path)"])
    }

    /// Writes everything buffered, a batch at a time.
    public func flush() async {
        while true {
            let batch = buffer.withLock { $0.takeBatch() }
            guard !batch.isEmpty else { return }
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
