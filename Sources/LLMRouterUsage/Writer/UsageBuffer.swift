public import LLMRouterCore

/// The records waiting for the usage-log writer: a bounded queue, so a stalled disk costs
/// dropped rows (counted) instead of memory or a blocked request.
///
/// A plain state machine: its owner holds the lock and does the waking and counting.
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
    /// Records dropped since the buffer was made.
    public private(set) var dropped = 0

    public init(capacity: Int, batchSize: Int) {
        self.capacity = max(1, capacity)
        self.batchSize = max(1, batchSize)
    }

    public var count: Int { records.count }

    public mutating func append(_ record: RequestRecord) -> AppendResult {
        guard records.count < capacity else {
            dropped += 1
            return .dropped
        }
        records.append(record)
        return records.count == batchSize ? .batchReady : .queued
    }

    /// Takes up to one batch, oldest first; empty when nothing waits.
    public mutating func takeBatch() -> [RequestRecord] {
        guard !records.isEmpty else { return [] }
        if records.count <= batchSize {
            defer { records.removeAll(keepingCapacity: records.capacity <= 4 * batchSize) }
            return records
        }
        let batch = Array(records.prefix(batchSize))
        records.removeFirst(batchSize)
        return batch
    }
}
