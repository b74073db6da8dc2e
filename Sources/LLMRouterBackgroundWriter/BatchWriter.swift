import ServiceLifecycle
import Synchronization

/// Writes what the request path hands it in batches, off the request path: the one mechanism
/// behind the usage log and the SQLite response cache.
///
/// ``append(_:)`` only appends to a bounded ``WriteQueue`` under a lock. ``run(write:between:)``
/// writes what waits, a batch at a time, when a batch is full or every `flushInterval`, on the
/// ``BackgroundWriterThread`` it was given, and tells that thread when it has fallen behind
/// (``BackgroundWriterThread/catchingUp(taken:batchSize:wasCatchingUp:)``) so it stops
/// yielding and its store writes large statements. A stalled disk stalls only the writer; once
/// the queue is full, new items are dropped and counted (``dropped``).
public final class BatchWriter<Element: Sendable>: Sendable {
    /// Where batches are built and written; `nil`: wherever the caller runs.
    public let thread: BackgroundWriterThread?
    public let flushInterval: Duration
    private let queue: Mutex<WriteQueue<Element>>
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    public init(capacity: Int, batchSize: Int, flushInterval: Duration, thread: BackgroundWriterThread?) {
        self.thread = thread
        self.flushInterval = flushInterval
        queue = Mutex(WriteQueue(capacity: capacity, batchSize: batchSize))
        (wakeups, wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues `element` for the next batch, waking the writer when a batch is full.
    /// - Returns: `false` when the queue was full and `element` is dropped.
    @discardableResult
    public func append(_ element: Element) -> Bool {
        switch queue.withLock({ $0.append(element) }) {
        case .queued: return true
        case .batchReady:
            wake.yield()
            return true
        case .dropped: return false
        }
    }

    /// Drops what waits and queues `element` instead, even when the queue is full (see
    /// ``WriteQueue/replaceWaiting(with:)``), and wakes the writer.
    /// - Returns: the items dropped, oldest first.
    @discardableResult
    public func replaceWaiting(with element: Element) -> [Element] {
        let dropped = queue.withLock { $0.replaceWaiting(with: element) }
        wake.yield()
        return dropped
    }

    /// Items dropped because the queue was full, since start.
    public var dropped: Int { queue.withLock { $0.dropped } }

    /// Writes until graceful shutdown, then everything still queued, calling `write` with each
    /// batch (oldest first, at most a batch long) and `between` once before the first and after
    /// every wake-up's batches (housekeeping: the usage log prunes old rows there). All of it
    /// runs on ``thread``. Run it once, as part of a `Service`.
    public func run(write: (_ batch: [Element]) async -> Void, between: () async -> Void = {}) async {
        // On the writer's thread, not on an event loop: the loop and the tick, the batches'
        // binds and every resumption after a write run there.
        await withTaskExecutorPreference(thread) {
            await between()
            var taken: [Element] = []
            await withDiscardingTaskGroup { group in
                // The tick: bounds how long an item waits when traffic is too thin to fill a batch.
                group.addTask { [wake, flushInterval] in
                    while (try? await Task.sleep(for: flushInterval)) != nil { wake.yield() }
                }
                await withGracefulShutdownHandler {
                    for await _ in wakeups {
                        await flush(reusing: &taken, write: write)
                        await between()
                    }
                } onGracefulShutdown: { [wake] in
                    wake.finish()
                }
                group.cancelAll()
            }
            await flush(reusing: &taken, write: write)
        }
    }

    /// Writes everything queued, oldest first, a batch at a time.
    public func flush(write: (_ batch: [Element]) async -> Void) async {
        var taken: [Element] = []
        await flush(reusing: &taken, write: write)
    }

    /// `taken` goes back to the queue on each turn, emptied with its capacity kept: between
    /// them the two arrays take a batch without an allocation on either side.
    private func flush(reusing taken: inout [Element], write: (_ batch: [Element]) async -> Void) async {
        let batchSize = queue.withLock { $0.batchSize }
        while true {
            queue.withLock { $0.takeAll(swappingWith: &taken) }
            guard !taken.isEmpty else { return }
            if let thread {
                thread.isCatchingUp = BackgroundWriterThread.catchingUp(
                    taken: taken.count, batchSize: batchSize, wasCatchingUp: thread.isCatchingUp
                )
            }
            for start in stride(from: 0, to: taken.count, by: batchSize) {
                let end = min(start + batchSize, taken.count)
                await write(start == 0 && end == taken.count ? taken : Array(taken[start..<end]))
            }
            // The items are released here, on the writer's thread; a capacity grown by a
            // backlog is given back.
            taken.removeAll(keepingCapacity: taken.capacity <= 4 * batchSize)
            queue.withLock { $0.written() }
        }
    }
}
