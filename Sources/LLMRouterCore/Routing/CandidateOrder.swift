import Synchronization

/// Puts the providers that may serve a request in the order to try them.
///
/// Lower `priority` first. Providers that share a priority take turns: each request starts the
/// tie group one place further along, so load spreads evenly instead of always hitting the first.
public final class CandidateOrder: Sendable {
    private let turn = Atomic<Int>(0)

    public init() {}

    /// Orders `candidates` (indices into `priorities`) for one request.
    /// - Parameters:
    ///   - candidates: provider indices that may serve the request.
    ///   - priorities: each provider's priority, by index.
    /// - Returns: the indices, lowest priority first, ties rotated.
    public func order(_ candidates: [Int], priorities: [Int]) -> [Int] {
        let sorted = candidates.sorted { (priorities[$0], $0) < (priorities[$1], $1) }
        guard sorted.count > 1 else { return sorted }
        let shift = turn.wrappingAdd(1, ordering: .relaxed).oldValue
        var ordered: [Int] = []
        ordered.reserveCapacity(sorted.count)
        var start = 0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count, priorities[sorted[end]] == priorities[sorted[start]] { end += 1 }
            let group = sorted[start..<end]
            let offset = Int(UInt(bitPattern: shift) % UInt(group.count))
            ordered += group.dropFirst(offset)
            ordered += group.prefix(offset)
            start = end
        }
        return ordered
    }
}
