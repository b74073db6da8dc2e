public import LLMRouterCore

/// The records waiting for the usage-log writer: a bounded queue, so a stalled disk costs
/// dropped rows (counted) instead of memory or a blocked request.
///
/// A plain state machine: its owner holds the lock and does the waking and counting. The
/// request path only appends; the writer takes everything waiting at once by swapping arrays,
/// so the lock is never held for a copy, however long the backlog.
public struct UsageBuffer: Sendable {
    /// What ``append(_:)`` did.
    public enum AppendResult: Sendable, Equatable {
        /// Queued; the writer will take it on its next tick.
        case queued
        /// Queued, and a full batch is waiting: wake the writer now.
        case batchReady
        /// The buffer was full: the record is gone.
        case dropped
    }

    public let capacity: Int
    public let batchSize: Int
    private var records: [RequestRecord] = []
    /// Records the writer has taken and not yet written: they count against ``capacity`` until
    /// ``written()``, so a stalled write still ends in drops instead of memory.
    public private(set) var inFlight = 0
    /// Records dropped since the buffer was made.
    public private(set) var dropped = 0

    public init(capacity: Int, batchSize: Int) {
        self.capacity = max(1, capacity)
        self.batchSize = max(1, batchSize)
    }

    /// Records waiting to be taken.
    public var count: Int { records.count }

    public mutating func append(_ record: RequestRecord) -> AppendResult {
        guard records.count + inFlight < capacity else {
            dropped += 1
            return .dropped
        }
        records.append(record)
        return records.count == batchSize ? .batchReady : .queued
    }

    /// Hands over every waiting record, oldest first, by swapping the waiting array with
    /// `emptied` (the writer's previous one, emptied with its capacity kept, so appending after
    /// this allocates nothing). Call ``written()`` once they are written or given up.
    public mutating func takeAll(swappingWith emptied: inout [RequestRecord]) {
        precondition(emptied.isEmpty, "the writer hands back an emptied array")
        swap(&records, &emptied)
        inFlight += emptied.count
    }

    /// The records last taken are written (or counted as failed): they no longer count.
    public mutating func written() {
        inFlight = 0
    }
}
