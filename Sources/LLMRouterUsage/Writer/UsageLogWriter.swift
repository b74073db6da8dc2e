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
/// or every ``UsageLogSettings/flushInterval``. It runs on the sink's ``UsageLogThread``, out of
/// the event loops' way, and tells that thread when it has fallen behind
/// (``catchingUp(taken:batchSize:wasCatchingUp:)``). A stalled disk stalls only the writer;
/// once the buffer is full, new records are dropped and counted in
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
        // On the sink's thread (the store's ``UsageLogThread``), not on an event loop: the loop
        // and the tick, the batches' binds and every resumption after a write run there.
        await withTaskExecutorPreference(sink.thread) {
            await writeUntilShutdown()
        }
    }

    private func writeUntilShutdown() async {
        let interval = settings.flushInterval
        await prune()
        var lastPrune = ContinuousClock.now
        var taken: [RequestRecord] = []
        await withDiscardingTaskGroup { group in
            // The tick: bounds how long a record waits when traffic is too thin to fill a batch.
            group.addTask { [wake] in
                while (try? await Task.sleep(for: interval)) != nil { wake.yield() }
            }
            await withGracefulShutdownHandler {
                for await _ in wakeups {
                    await flush(reusing: &taken)
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
        await flush(reusing: &taken)
        logger.debug("usage log flushed", metadata: ["llmrouter.db": "\(settings.path)"])
    }

    /// Writes everything buffered, oldest first, a batch at a time.
    public func flush() async {
        var taken: [RequestRecord] = []
        await flush(reusing: &taken)
    }

    /// `taken` goes back to the buffer on each turn, emptied with its capacity kept: between
    /// them the two arrays take a batch without an allocation on either side.
    private func flush(reusing taken: inout [RequestRecord]) async {
        let batchSize = buffer.withLock { $0.batchSize }
        while true {
            buffer.withLock { $0.takeAll(swappingWith: &taken) }
            guard !taken.isEmpty else { return }
            if let thread = sink.thread {
                thread.isCatchingUp = Self.catchingUp(taken: taken.count, batchSize: batchSize, wasCatchingUp: thread.isCatchingUp)
            }
            for start in stride(from: 0, to: taken.count, by: batchSize) {
                let end = min(start + batchSize, taken.count)
                await write(start == 0 && end == taken.count ? taken : Array(taken[start..<end]))
            }
            // The records are released here, on the writer's thread; a capacity grown by a
            // backlog is given back.
            taken.removeAll(keepingCapacity: taken.capacity <= 4 * batchSize)
            buffer.withLock { $0.written() }
        }
    }

    /// Whether the writer is behind after taking `taken` records: more than four batches
    /// waited (its yielding thread found too little CPU), until a take finds one batch or less.
    public static func catchingUp(taken: Int, batchSize: Int, wasCatchingUp: Bool) -> Bool {
        if taken > 4 * batchSize { return true }
        if taken <= batchSize { return false }
        return wasCatchingUp
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
