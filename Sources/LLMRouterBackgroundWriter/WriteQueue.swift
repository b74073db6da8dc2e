/// What waits for a ``BatchWriter``: a bounded queue, so a stalled disk costs dropped items
/// (counted) instead of memory or a blocked request.
///
/// A plain state machine: its owner holds the lock and does the waking and counting. The
/// request path only appends; the writer takes everything waiting at once by swapping arrays,
/// so the lock is never held for a copy, however long the backlog.
public struct WriteQueue<Element: Sendable>: Sendable {
    /// What ``append(_:)`` did.
    public enum AppendResult: Sendable, Equatable {
        /// Queued; the writer will take it on its next tick.
        case queued
        /// Queued, and a full batch is waiting: wake the writer now.
        case batchReady
        /// The queue was full: the item is gone.
        case dropped
    }

    public let capacity: Int
    public let batchSize: Int
    private var waiting: [Element] = []
    /// Items the writer has taken and not yet written: they count against ``capacity`` until
    /// ``written()``, so a stalled write still ends in drops instead of memory.
    public private(set) var inFlight = 0
    /// Items dropped since the queue was made.
    public private(set) var dropped = 0

    public init(capacity: Int, batchSize: Int) {
        self.capacity = max(1, capacity)
        self.batchSize = max(1, batchSize)
    }

    /// Items waiting to be taken.
    public var count: Int { waiting.count }

    public mutating func append(_ element: Element) -> AppendResult {
        guard waiting.count + inFlight < capacity else {
            dropped += 1
            return .dropped
        }
        waiting.append(element)
        return waiting.count == batchSize ? .batchReady : .queued
    }

    /// Drops everything waiting and queues `element` in its place, whatever the capacity: for a
    /// change that makes every earlier one moot (a cleared cache). What the writer has already
    /// taken is written before it.
    /// - Returns: the items dropped, oldest first.
    @discardableResult
    public mutating func replaceWaiting(with element: Element) -> [Element] {
        var dropped = [element]
        swap(&waiting, &dropped)
        return dropped
    }

    /// Hands over every waiting item, oldest first, by swapping the waiting array with
    /// `emptied` (the writer's previous one, emptied with its capacity kept, so appending after
    /// this allocates nothing). Call ``written()`` once they are written or given up.
    public mutating func takeAll(swappingWith emptied: inout [Element]) {
        precondition(emptied.isEmpty, "the writer hands back an emptied array")
        swap(&waiting, &emptied)
        inFlight += emptied.count
    }

    /// The items last taken are written (or counted as failed): they no longer count.
    public mutating func written() {
        inFlight = 0
    }
}
